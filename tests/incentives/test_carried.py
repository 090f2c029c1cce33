"""Carried state: kept per (plan, scope, period, payee) so a department run and an
``all`` run of the same plan and period no longer overwrite each other; and a dispute's
adjustment added to an already calculated run carries forward as a recalculation would."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.incentives.models import CarriedState
from meritline.incentives.services.disputes import line_dispute_decide, line_dispute_raise
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from meritline.sales.services.payments import refund_record
from tests.incentives.conftest import level_rate, sign

SEP, OCT, NOV = "2026-09", "2026-10", "2026-11"
DEPT = "S-E-A"  # 陈静's and 孙磊's department


def calc(iw, period, scope="all"):
    return run_calculate(actor=iw.w.finance, plan_version=iw.version, period=period, scope=scope)


def close(iw, run):
    return run_close(actor=iw.w.finance, run=run_approve(actor=iw.w.finance, run=run))


def state(run, payee):
    return CarriedState.objects.get(run=run, payee=payee).state


def test_two_scopes_of_a_plan_and_period_keep_their_own_carried_state(iw):
    deal = sign(iw.sw, date(2026, 9, 8), 1_200_000)
    for scope in ("all", DEPT):
        close(iw, calc(iw, SEP, scope))
    everyone = calc(iw, OCT)  # before the refund: nothing to carry
    refund_record(
        actor=iw.w.finance, deal=deal, refunded_on=date(2026, 10, 5), amount_fen=100_000_000
    )
    department = calc(iw, OCT, DEPT)  # after it: −20,000 carried
    rows = CarriedState.objects.filter(period=OCT, payee=iw.w.chenjing)
    assert sorted(rows.values_list("scope", "run_id")) == sorted(
        [("all", everyone.pk), (DEPT, department.pk)]
    )
    assert state(everyone, iw.w.chenjing)["balance_fen"] == 0
    assert state(department, iw.w.chenjing)["balance_fen"] == -2_000_000
    # each scope's next period starts from its own state
    nov_all, nov_dept = calc(iw, NOV), calc(iw, NOV, DEPT)
    assert not nov_all.statements.filter(payee=iw.w.chenjing).exists()  # nothing to carry
    assert nov_dept.statements.get(payee=iw.w.chenjing).carried_in_fen == -2_000_000
    # recalculating one scope leaves the other's rows alone
    calc(iw, OCT)
    assert CarriedState.objects.filter(run=department).exists()
    assert state(department, iw.w.chenjing)["balance_fen"] == -2_000_000


@pytest.fixture
def disputed(iw):
    """September closed (陈静 24,000 on D-1024), her dispute of that line, October open."""
    level_rate(iw.sw, iw.w.liuyang, "0.01")
    sign(iw.sw, date(2026, 9, 8), 1_200_000, number="D-1024")
    september = close(iw, calc(iw, SEP))
    line = september.lines.get(payee=iw.w.chenjing)
    dispute = line_dispute_raise(actor=iw.w.employee, line=line, reason="漏算大客户上浮")
    return dispute, calc(iw, OCT)


def _normal(value):
    """A carried state with its deal rows in key order (a recalculation sorts them)."""
    return {**value, "deal_state": sorted(value["deal_state"])}


@pytest.mark.parametrize("amount", [360_000, -3_000_000])
def test_an_adjustment_on_a_calculated_run_carries_forward_as_a_recalculation_would(
    iw, disputed, amount
):
    dispute, october = disputed
    line_dispute_decide(
        actor=iw.w.finance,
        dispute=dispute,
        decision="adjust",
        reason="大客户上浮 15%",
        adjustment_fen=amount,
    )
    carried = state(october, iw.w.chenjing)
    entry = next(e for e in carried["deal_state"] if e[1] == dispute.line.source_id)
    assert entry[3] == 2_400_000 + amount  # earned on the deal, with the adjustment
    assert carried["balance_fen"] == min(amount, 0)
    recalculated = calc(iw, OCT)
    assert recalculated.pk == october.pk
    assert _normal(state(october, iw.w.chenjing)) == _normal(carried)


def test_an_adjustment_for_someone_with_nothing_carried_yet_creates_their_state(iw, disputed):
    dispute, october = disputed
    CarriedState.objects.filter(run=october, payee=iw.w.chenjing).delete()
    line_dispute_decide(
        actor=iw.w.finance,
        dispute=dispute,
        decision="adjust",
        reason="扣回",
        adjustment_fen=-500_000,
    )
    carried = state(october, iw.w.chenjing)
    assert carried["balance_fen"] == -500_000
    line = dispute.line
    key = [line.target_id or line.component_id, line.source_id, iw.w.chenjing.pk]
    assert carried["deal_state"] == [[*key, -500_000, 0, 0]]


def test_rows_carried_before_the_scope_key_take_their_runs_scope(iw):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "meritline.incentives.migrations.0003_carried_scope_from_run"
    )
    sign(iw.sw, date(2026, 9, 8), 1_200_000)
    department, everyone = calc(iw, SEP, DEPT), calc(iw, SEP)
    CarriedState.objects.filter(run=department).update(period="2026-08")  # keep it unique
    CarriedState.objects.update(scope="all")  # as stored before the migration
    migration.forwards(apps, None)
    assert set(CarriedState.objects.filter(run=department).values_list("scope", flat=True)) == {
        DEPT
    }
    assert set(CarriedState.objects.filter(run=everyone).values_list("scope", flat=True)) == {"all"}
