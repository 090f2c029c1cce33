"""A plan version's review and end: submit, withdraw (the author), send back with a reason
(anyone but the author), approve (anyone but the author), retire from a day — each
audited, each refusal specific and writing nothing."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.incentives.models import PlanVersion, VersionStatus
from meritline.incentives.services.plans import (
    plan_version_approve,
    plan_version_create,
    plan_version_submit,
    version_in_force,
)
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from meritline.incentives.services.versions import (
    plan_version_reject,
    plan_version_retire,
    plan_version_withdraw,
)
from tests.incentives.conftest import counts, plan_text, sign


def draft(iw, valid_from=date(2026, 7, 1)) -> PlanVersion:
    return plan_version_create(
        actor=iw.w.hr_admin,
        plan=iw.plan,
        document=plan_text("pay2_tiered_commission"),
        valid_from=valid_from,
    )


def pending(iw) -> PlanVersion:
    return plan_version_submit(actor=iw.w.hr_admin, version=draft(iw))


def refused(code, call, **kw):
    before = counts()
    with pytest.raises(DomainError) as exc:
        call(**kw)
    assert exc.value.code == code, exc.value.message
    assert counts() == before
    return exc.value


def actions(version) -> list[str]:
    return list(
        AuditLog.objects.filter(target_type="incentives.planversion", target_id=str(version.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_author_submits_and_withdraws_a_draft(iw):
    version = pending(iw)
    assert version.status == VersionStatus.PENDING
    version = plan_version_withdraw(actor=iw.w.hr_admin, version=version)
    assert version.status == VersionStatus.DRAFT
    assert actions(version)[-2:] == [
        "incentives.plan_version.submit",
        "incentives.plan_version.withdraw",
    ]


def test_only_the_author_withdraws_and_only_a_pending_version(iw):
    version = pending(iw)
    refused("not_author", plan_version_withdraw, actor=iw.w.finance, version=version)
    plan_version_withdraw(actor=iw.w.hr_admin, version=version)
    refused("version_status", plan_version_withdraw, actor=iw.w.hr_admin, version=version)


def test_a_reviewer_sends_a_version_back_with_a_reason(iw):
    version = plan_version_reject(
        actor=iw.w.finance, version=pending(iw), reason="  第二档费率写错了  "
    )
    assert version.status == VersionStatus.DRAFT
    assert version.rejection_reason == "第二档费率写错了"
    assert version.rejected_by == iw.w.finance and version.rejected_at
    assert actions(version)[-1] == "incentives.plan_version.reject"
    # back to draft: submitted again, it can be approved
    plan_version_submit(actor=iw.w.hr_admin, version=version)
    assert plan_version_approve(actor=iw.w.finance, version=version).status == "approved"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 4001])
def test_sending_back_needs_a_reason(iw, reason):
    version = pending(iw)
    error = refused(
        "invalid" if reason.strip() else "reason_required",
        plan_version_reject,
        actor=iw.w.finance,
        version=version,
        reason=reason,
    )
    assert error.field == "reason"


def test_the_author_cannot_review_their_own_version(iw):
    version = pending(iw)
    refused("own_version", plan_version_reject, actor=iw.w.hr_admin, version=version, reason="x")
    refused("own_version", plan_version_approve, actor=iw.w.hr_admin, version=version)


def test_only_pending_versions_are_sent_back(iw):
    refused(
        "version_status", plan_version_reject, actor=iw.w.finance, version=draft(iw), reason="x"
    )
    refused(
        "version_status", plan_version_reject, actor=iw.w.finance, version=iw.version, reason="x"
    )


def test_reps_and_auditors_cannot_review(iw):
    version = pending(iw)
    for user in (iw.w.employee, iw.w.auditor):
        with pytest.raises(PermissionDeniedError):
            plan_version_reject(actor=user, version=version, reason="x")
        with pytest.raises(PermissionDeniedError):
            plan_version_retire(
                actor=user, version=iw.version, retire_from=date(2026, 6, 1), reason="x"
            )


def test_retiring_ends_the_validity_and_keeps_the_history(iw):
    sign(iw.sw, date(2026, 3, 8), 1_200_000)
    march = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-03")
    version = plan_version_retire(
        actor=iw.w.finance, version=iw.version, retire_from=date(2026, 6, 1), reason="方案停用"
    )
    assert version.status == VersionStatus.RETIRED
    assert version.valid_to == date(2026, 5, 31) and version.retirement_reason == "方案停用"
    assert actions(version)[-1] == "incentives.plan_version.retire"
    assert version_in_force(iw.plan, date(2026, 5, 31)) == version
    assert version_in_force(iw.plan, date(2026, 6, 1)) is None
    # the days it covered can still be calculated; later ones cannot
    again = run_calculate(actor=iw.w.finance, plan_version=version, period="2026-03")
    assert again.pk == march.pk and again.payable_fen == 2_400_000
    refused(
        "not_in_force",
        run_calculate,
        actor=iw.w.finance,
        plan_version=version,
        period="2026-06",
    )


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2025, 12, 1), "retire_date"),  # before valid_from
        (date(2026, 1, 1), "retire_date"),  # on valid_from: never in force
        (None, "required"),
    ],
)
def test_bad_retirement_days_are_refused(iw, day, code):
    error = refused(
        code,
        plan_version_retire,
        actor=iw.w.finance,
        version=iw.version,
        retire_from=day,
        reason="x",
    )
    assert error.field == "retire_from"


def test_retiring_cannot_extend_a_closed_validity(iw):
    later = draft(iw)
    plan_version_approve(actor=iw.w.finance, version=later)  # v1 now ends 2026-06-30
    iw.version.refresh_from_db()
    refused(
        "retire_date",
        plan_version_retire,
        actor=iw.w.finance,
        version=iw.version,
        retire_from=date(2026, 8, 1),
        reason="x",
    )


def test_retiring_needs_a_reason_and_an_approved_version(iw):
    refused(
        "reason_required",
        plan_version_retire,
        actor=iw.w.finance,
        version=iw.version,
        retire_from=date(2026, 6, 1),
        reason=" ",
    )
    refused(
        "version_status",
        plan_version_retire,
        actor=iw.w.finance,
        version=draft(iw),
        retire_from=date(2026, 8, 1),
        reason="x",
    )


def test_a_period_already_approved_under_the_version_cannot_be_retired(iw):
    sign(iw.sw, date(2026, 6, 8), 1_200_000)
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-06")
    run_close(actor=iw.w.finance, run=run_approve(actor=iw.w.finance, run=run))
    error = refused(
        "retire_paid",
        plan_version_retire,
        actor=iw.w.finance,
        version=iw.version,
        retire_from=date(2026, 6, 1),
        reason="x",
    )
    assert "2026-06" in str(error.message)
    # from the day after that period it is allowed
    plan_version_retire(
        actor=iw.w.finance, version=iw.version, retire_from=date(2026, 7, 1), reason="x"
    )


def test_a_new_version_cannot_start_while_a_retired_one_was_in_force(iw):
    plan_version_retire(
        actor=iw.w.finance, version=iw.version, retire_from=date(2026, 6, 1), reason="x"
    )
    refused(
        "version_backdated",
        plan_version_approve,
        actor=iw.w.finance,
        version=draft(iw, date(2026, 5, 1)),
    )
    later = plan_version_approve(actor=iw.w.finance, version=draft(iw, date(2026, 9, 1)))
    iw.version.refresh_from_db()
    assert later.status == "approved" and iw.version.valid_to == date(2026, 5, 31)
    assert version_in_force(iw.plan, date(2026, 7, 1)) is None
    assert version_in_force(iw.plan, date(2026, 9, 1)) == later


@pytest.mark.parametrize("close", [False, True])
@pytest.mark.parametrize("valid_from", [date(2026, 6, 1), date(2026, 4, 15)])
def test_a_newer_version_cannot_take_a_period_already_approved_under_the_older(
    iw, close, valid_from
):
    sign(iw.sw, date(2026, 6, 8), 1_200_000)
    run = run_approve(
        actor=iw.w.finance,
        run=run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-06"),
    )
    if close:
        run_close(actor=iw.w.finance, run=run)
    newer = draft(iw, valid_from)
    error = refused("retire_paid", plan_version_approve, actor=iw.w.finance, version=newer)
    assert "2026-06" in str(error.message) and error.field == "valid_from"
    iw.version.refresh_from_db()
    newer.refresh_from_db()
    assert iw.version.valid_to is None and newer.status == VersionStatus.DRAFT
    assert version_in_force(iw.plan, date(2026, 6, 1)) == iw.version
    # starting after that period it is allowed, and the older version ends the day before
    later = plan_version_approve(actor=iw.w.finance, version=draft(iw, date(2026, 7, 1)))
    iw.version.refresh_from_db()
    assert later.status == VersionStatus.APPROVED and iw.version.valid_to == date(2026, 6, 30)
