"""Runs end to end on the sales records: hand-computed figures, atomic recalculation,
locking, late changes, negative balances, promotions, missing terms, concurrency."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.utils import translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.incentives import selectors
from meritline.incentives.models import ADJUSTMENT_KIND, ResultLine, Run, RunStatus
from meritline.incentives.services import runs
from meritline.incentives.services.plans import plan_version_approve, plan_version_create
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from meritline.incentives.services.versions import plan_version_retire
from meritline.incentives.text import line_text
from meritline.sales.services.payments import refund_record
from tests.incentives.conftest import counts, level_rate, plan_text, sign

SEP, OCT, NOV = "2026-09", "2026-10", "2026-11"


def calc(iw, period=OCT, **kw):
    return run_calculate(actor=iw.w.finance, plan_version=iw.version, period=period, **kw)


def close(iw, run):
    run_approve(actor=iw.w.finance, run=run)
    return run_close(actor=iw.w.finance, run=run)


def amounts(run, payee):
    return sorted(run.lines.filter(payee=payee).values_list("amount_fen", flat=True))


def test_a_run_matches_the_hand_computed_figures(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000, number="D-1024")  # ≥ 1 M: 2 % whole
    sign(iw.sw, date(2026, 10, 9), 500_000)  # 500 k inclusive: 1.5 %
    sign(iw.sw, date(2026, 10, 9), 300_000, owner="XH00005")  # level rate 1 %
    sign(iw.sw, date(2026, 9, 30), 900_000)  # another period
    run = calc(iw)
    assert amounts(run, iw.w.chenjing) == [750_000, 2_400_000]
    assert amounts(run, iw.w.sunlei) == [300_000]
    chen = run.statements.get(payee=iw.w.chenjing)
    assert (chen.earned_fen, chen.payable_fen, chen.carried_out_fen) == (3_150_000, 3_150_000, 0)
    assert run.payable_fen == 3_450_000 and run.line_count == 3
    line = run.lines.get(source_label="D-1024")
    assert line_text(line, "zh-hans") == (
        "合同 D-1024 签约额 ¥1,200,000.00 达到 ≥¥1,000,000 档位，提成 2% → ¥24,000.00"
    )
    assert "reached the ≥¥1,000,000 bracket" in line_text(line, "en")


def test_recalculation_replaces_the_lines_atomically(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = calc(iw)
    first = set(run.lines.values_list("pk", flat=True))
    sign(iw.sw, date(2026, 10, 20), 300_000)
    again = calc(iw)
    assert again.pk == run.pk and Run.objects.count() == 1
    assert amounts(again, iw.w.chenjing) == [300_000, 2_400_000]
    assert not first & set(again.lines.values_list("pk", flat=True))
    # a recalculation that fails (刘洋 has no terms) keeps the previous lines
    sign(iw.sw, date(2026, 10, 21), 100_000, owner="XH00006")
    kept = set(again.lines.values_list("pk", flat=True))
    before = counts()
    with pytest.raises(DomainError):
        calc(iw)
    assert set(ResultLine.objects.values_list("pk", flat=True)) == kept
    assert counts() == before


def test_missing_commission_terms_refuse_the_run_listing_the_people(iw):
    sign(iw.sw, date(2026, 10, 8), 100_000, owner="XH00006")
    sign(iw.sw, date(2026, 10, 9), 200_000, owner="XH00003")
    sign(iw.sw, date(2026, 10, 9), 600_000, owner="XH00003")  # a fixed tier: no terms needed
    before = counts()
    with pytest.raises(DomainError) as exc:
        calc(iw)
    assert exc.value.code == "missing_terms"
    assert "刘洋 (XH00006)" in str(exc.value) and "张伟 (XH00003)" in str(exc.value)
    assert "陈静" not in str(exc.value)
    assert counts() == before


def test_a_promotion_mid_period_applies_the_rate_in_force_on_the_signing_date(iw):
    level_rate(iw.sw, iw.w.chenjing, "0.015", valid_from=date(2026, 10, 15))
    sign(iw.sw, date(2026, 10, 14), 300_000)
    sign(iw.sw, date(2026, 10, 15), 300_000)
    run = calc(iw)
    assert amounts(run, iw.w.chenjing) == [300_000, 450_000]


def test_a_rate_adjustment_lowers_the_level_rate(iw):
    from meritline.incentives.services.terms import commission_terms_set

    commission_terms_set(
        actor=iw.w.finance, kind="adjustment", employee=iw.w.chenjing,
        valid_from=date(2026, 10, 1), rate="-0.005", reason="两个季度未达标",
    )  # fmt: skip
    sign(iw.sw, date(2026, 10, 14), 300_000)
    sign(iw.sw, date(2026, 10, 14), 1_000_000)
    assert amounts(calc(iw), iw.w.chenjing) == [150_000, 1_500_000]


def test_a_closed_run_is_locked(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = close(iw, calc(iw))
    assert run.status == RunStatus.CLOSED and run.closed_by == iw.w.finance
    before = counts()
    with pytest.raises(DomainError) as exc:
        calc(iw)
    assert exc.value.code == "run_locked"
    with pytest.raises(DomainError):
        run_approve(actor=iw.w.finance, run=run)
    with pytest.raises(DomainError):
        run_close(actor=iw.w.finance, run=run)
    assert counts() == before
    assert selectors.payable_by_payee(run=run) == {iw.w.chenjing.pk: 2_400_000}


def _retire_from(iw, day):
    plan_version_retire(actor=iw.w.finance, version=iw.version, retire_from=day, reason="停用")


def _supersede_from(iw, day):
    version = plan_version_create(
        actor=iw.w.hr_admin,
        plan=iw.plan,
        document=plan_text("pay2_tiered_commission"),
        valid_from=day,
    )
    plan_version_approve(actor=iw.w.finance, version=version)


@pytest.mark.parametrize("end", [_retire_from, _supersede_from])
def test_a_draft_whose_version_is_no_longer_in_force_cannot_be_approved(iw, end):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = calc(iw)
    end(iw, date(2026, 10, 1))
    before = counts()
    with translation.override("en"), pytest.raises(DomainError) as exc:
        run_approve(actor=iw.w.finance, run=run)
    assert exc.value.code == "not_in_force"
    assert str(exc.value) == (
        "PAY2 v1 is no longer in force for 2026-10; recalculate the run under the plan "
        "version in force for that period."
    )
    assert counts() == before
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.approved_at is None


def test_a_draft_under_a_version_retired_after_its_period_is_still_approved(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = calc(iw)
    _retire_from(iw, date(2026, 11, 1))  # a retired version stays in force over its days
    assert run_approve(actor=iw.w.finance, run=run).status == RunStatus.APPROVED


def test_only_finance_and_hr_admins_run_calculations(iw):
    before = counts()
    for user in (iw.w.employee, iw.w.manager, iw.w.auditor):
        with pytest.raises(PermissionDeniedError):
            run_calculate(actor=user, plan_version=iw.version, period=OCT)
    assert counts() == before


@pytest.mark.parametrize(
    ("period", "scope", "code"),
    [
        ("2026-13", "all", "bad_period"),
        ("2025-10", "all", "not_in_force"),
        (OCT, "NOPE", "unknown_scope"),
    ],
)
def test_bad_run_requests_are_refused(iw, period, scope, code):
    before = counts()
    with pytest.raises(DomainError) as exc:
        calc(iw, period=period, scope=scope)
    assert exc.value.code == code
    assert counts() == before


def test_a_department_scope_only_pays_its_people(iw):
    level_rate(iw.sw, iw.w.liuyang, "0.01")
    sign(iw.sw, date(2026, 10, 8), 300_000)
    sign(iw.sw, date(2026, 10, 8), 300_000, owner="XH00006")
    run = calc(iw, scope="S-E-A")
    assert set(run.lines.values_list("payee_id", flat=True)) == {iw.w.chenjing.pk}


def test_a_deal_changed_after_close_yields_an_adjustment_in_the_next_open_run(iw):
    sign(iw.sw, date(2026, 9, 8), 1_200_000, number="D-1024")
    close(iw, calc(iw, period=SEP))
    sign(iw.sw, date(2026, 9, 8), 1_500_000, number="D-1024")  # corrected after close
    oct_run = calc(iw, period=OCT)
    line = oct_run.lines.get(line_kind=ADJUSTMENT_KIND)
    assert line.amount_fen == 3_000_000 - 2_400_000
    assert "D-1024" in line.adjustment_reason and SEP in line.adjustment_reason
    assert "¥30,000.00" in line_text(line, "en") and "¥24,000.00" in line_text(line, "en")
    assert oct_run.statements.get(payee=iw.w.chenjing).payable_fen == 600_000
    # recalculating the open run does not pay it twice; closing it settles it for good
    assert calc(iw, period=OCT).lines.filter(line_kind=ADJUSTMENT_KIND).count() == 1
    close(iw, oct_run)
    nov = calc(iw, period=NOV)
    assert not nov.lines.filter(line_kind=ADJUSTMENT_KIND).exists()


def test_refunds_larger_than_the_periods_sales_carry_a_negative_balance(iw):
    deal = sign(iw.sw, date(2026, 9, 8), 1_200_000)
    close(iw, calc(iw, period=SEP))
    refund_record(
        actor=iw.w.finance, deal=deal, refunded_on=date(2026, 10, 5), amount_fen=100_000_000
    )
    oct_run = calc(iw, period=OCT)
    claw = oct_run.lines.get(line_kind="clawback")
    assert claw.amount_fen == -2_000_000  # 24,000 × 1,000,000 / 1,200,000
    statement = oct_run.statements.get(payee=iw.w.chenjing)
    assert (statement.payable_fen, statement.carried_out_fen) == (0, -2_000_000)
    close(iw, oct_run)
    sign(iw.sw, date(2026, 11, 3), 300_000)
    nov = calc(iw, period=NOV).statements.get(payee=iw.w.chenjing)
    assert (nov.carried_in_fen, nov.net_fen, nov.payable_fen) == (-2_000_000, -1_700_000, 0)
    assert nov.carried_out_fen == -1_700_000


def test_a_second_concurrent_calculation_fails_cleanly(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    Run.objects.create(plan_version=iw.version, period=OCT, scope="all")  # the other session's
    before = counts()
    # the other session's row is not visible yet when this one looks for it
    with (
        mock.patch.object(runs, "_find_run", return_value=None),
        pytest.raises(DomainError) as exc,
    ):
        calc(iw)
    assert exc.value.code == "run_busy"
    assert counts() == before


def test_the_unique_constraint_holds_one_run_per_triple(iw):
    from django.db import IntegrityError, transaction

    Run.objects.create(plan_version=iw.version, period=OCT, scope="all")
    with pytest.raises(IntegrityError), transaction.atomic():
        Run.objects.create(plan_version=iw.version, period=OCT, scope="all")


def test_payroll_reads_only_closed_runs(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = calc(iw)
    with pytest.raises(DomainError):
        selectors.payable_by_payee(run=run)
