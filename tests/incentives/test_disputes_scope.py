"""Disputes end as an adjustment or a reasoned rejection; selectors honour the scopes."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.incentives import selectors
from meritline.incentives.models import ADJUSTMENT_KIND, DisputeStatus
from meritline.incentives.services.disputes import line_dispute_decide, line_dispute_raise
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from tests.incentives.conftest import counts, level_rate, sign


@pytest.fixture
def closed(iw):
    """September closed: 陈静 24,000 on D-1024, 孙磊 3,000, 刘洋 1,000 (华南)."""
    level_rate(iw.sw, iw.w.liuyang, "0.01")
    sign(iw.sw, date(2026, 9, 8), 1_200_000, number="D-1024")
    sign(iw.sw, date(2026, 9, 9), 300_000, owner="XH00005")
    sign(iw.sw, date(2026, 9, 9), 100_000, owner="XH00006")
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-09")
    run_approve(actor=iw.w.finance, run=run)
    return run_close(actor=iw.w.finance, run=run)


def test_only_the_payee_disputes_a_line(iw, closed):
    line = closed.lines.get(payee=iw.w.chenjing)
    before = counts()
    for user in (iw.w.other_employee, iw.w.manager, iw.w.finance):
        with pytest.raises(PermissionDeniedError):
            line_dispute_raise(actor=user, line=line, reason="不对")
    with pytest.raises(DomainError):
        line_dispute_raise(actor=iw.w.employee, line=line, reason="  ")
    assert counts() == before
    dispute = line_dispute_raise(actor=iw.w.employee, line=line, reason="应按大客户上浮")
    assert dispute.status == DisputeStatus.OPEN and dispute.due_at > dispute.raised_at
    with pytest.raises(DomainError) as exc:
        line_dispute_raise(actor=iw.w.employee, line=line, reason="again")
    assert exc.value.code == "dispute_open"


def test_a_rejection_needs_its_reason(iw, closed):
    dispute = line_dispute_raise(
        actor=iw.w.employee, line=closed.lines.get(payee=iw.w.chenjing), reason="应按大客户上浮"
    )
    before = counts()
    with pytest.raises(DomainError) as exc:
        line_dispute_decide(actor=iw.w.finance, dispute=dispute, decision="reject", reason=" ")
    assert exc.value.code == "reason_required"
    with pytest.raises(PermissionDeniedError):
        line_dispute_decide(actor=iw.w.manager, dispute=dispute, decision="reject", reason="x")
    with pytest.raises(DomainError):
        line_dispute_decide(actor=iw.w.finance, dispute=dispute, decision="maybe", reason="x")
    with pytest.raises(DomainError):
        line_dispute_decide(
            actor=iw.w.finance, dispute=dispute, decision="adjust", reason="x", adjustment_fen=0
        )
    assert counts() == before
    done = line_dispute_decide(
        actor=iw.w.finance, dispute=dispute, decision="reject", reason="该客户未达大客户门槛"
    )
    assert done.status == DisputeStatus.REJECTED and done.decision == "该客户未达大客户门槛"
    assert AuditLog.objects.filter(action="incentives.dispute.decide").count() == 1
    with pytest.raises(DomainError):
        line_dispute_decide(actor=iw.w.finance, dispute=done, decision="reject", reason="x")


def test_an_adjustment_lands_in_the_next_open_run(iw, closed):
    dispute = line_dispute_raise(
        actor=iw.w.employee, line=closed.lines.get(payee=iw.w.chenjing), reason="漏算大客户上浮"
    )
    october = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    decided = line_dispute_decide(
        actor=iw.w.finance,
        dispute=dispute,
        decision="adjust",
        reason="补发大客户上浮 15%",
        adjustment_fen=360_000,
    )
    assert decided.applied_run == october
    line = october.lines.get(line_kind=ADJUSTMENT_KIND)
    assert (line.payee_id, line.amount_fen, line.source_label) == (
        iw.w.chenjing.pk,
        360_000,
        "D-1024",
    )
    assert october.statements.get(payee=iw.w.chenjing).payable_fen == 360_000
    again = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    assert again.lines.filter(line_kind=ADJUSTMENT_KIND).count() == 1


def test_an_adjustment_waits_for_the_next_calculation_when_no_run_is_open(iw, closed):
    dispute = line_dispute_raise(
        actor=iw.w.employee, line=closed.lines.get(payee=iw.w.chenjing), reason="漏算"
    )
    line_dispute_decide(
        actor=iw.w.finance, dispute=dispute, decision="adjust", reason="补发", adjustment_fen=-5
    )
    october = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    assert october.lines.get(line_kind=ADJUSTMENT_KIND).amount_fen == -5
    dispute.refresh_from_db()
    assert dispute.applied_run == october


def test_a_rep_sees_only_their_own_statements_and_lines(iw, closed):
    mine = selectors.statement_list(user=iw.w.employee)
    assert set(mine.values_list("payee_id", flat=True)) == {iw.w.chenjing.pk}
    assert set(selectors.line_list(user=iw.w.employee).values_list("payee_id", flat=True)) == {
        iw.w.chenjing.pk
    }
    assert not selectors.run_list(user=iw.w.employee).exists()


def test_a_manager_sees_the_team_and_finance_sees_all(iw, closed):
    team = set(selectors.statement_list(user=iw.w.manager).values_list("payee_id", flat=True))
    assert team == {iw.w.chenjing.pk, iw.w.sunlei.pk}
    everyone = set(selectors.statement_list(user=iw.w.finance).values_list("payee_id", flat=True))
    assert iw.w.liuyang.pk in everyone
    assert selectors.run_list(user=iw.w.auditor).count() == 1
    assert not selectors.run_list(user=iw.w.hrbp).exists()


def test_draft_figures_are_not_shown_to_reps(iw, closed):
    sign(iw.sw, date(2026, 10, 8), 300_000)
    run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    periods = set(
        selectors.statement_list(user=iw.w.employee).values_list("run__period", flat=True)
    )
    assert periods == {"2026-09"}
    assert selectors.statement_list(user=iw.w.finance).filter(run__period="2026-10").exists()
