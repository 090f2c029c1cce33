"""Calibration (PRF-5): managers and HR move grades with a mandatory reason, against the
cycle's guideline distribution; every change is audited and the warnings say which team
departs from the guideline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.performance import access
from meritline.performance.engine import (
    Adjustment,
    DistributionWarning,
    Guideline,
    InputError,
    calibrate,
    check_distribution,
    parse_grades,
)
from meritline.performance.errors import ErrorCode
from meritline.performance.models import Appraisal, Cycle, CycleStatus
from meritline.performance.services.common import issues_text, now, require
from meritline.performance.services.cycles import require_status


@dataclass(frozen=True)
class GradeChange:
    """Move one employee of the cycle to ``grade``, for ``reason``."""

    employee_id: int
    grade: str
    reason: str


@dataclass(frozen=True)
class CalibrationResult:
    appraisals: list[Appraisal]
    warnings: list[DistributionWarning]


def warning_text(warning: DistributionWarning) -> str:
    """A distribution warning in the user's language."""
    params = {
        "team": warning.team,
        "count": warning.count,
        "total": warning.total,
        "share": warning.share,
        "grade": warning.grade,
        "limit": warning.limit,
    }
    if warning.bound == "max":
        return (
            _(
                "%(team)s: %(count)d of %(total)d (%(share)s %%) graded %(grade)s, above the "
                "guideline's maximum of %(limit)s %%."
            )
            % params
        )
    return (
        _(
            "%(team)s: %(count)d of %(total)d (%(share)s %%) graded %(grade)s, below the "
            "guideline's minimum of %(limit)s %%."
        )
        % params
    )


def distribution_warnings(cycle: Cycle) -> list[DistributionWarning]:
    """Teams of a scored cycle whose grades (after calibration) depart from the
    guideline."""
    table = parse_grades(cycle.grades)
    guideline = Guideline.parse(cycle.guideline or {}, table)
    by_team: dict[str, list[str]] = defaultdict(list)
    for name, grade, calibrated in cycle.appraisals.exclude(grade="").values_list(
        "department__name", "grade", "calibrated_grade"
    ):
        by_team[name].append(calibrated or grade)
    return check_distribution(by_team, guideline, table)


@transaction.atomic
def cycle_calibrate(
    *, actor: Any, cycle: Cycle, changes: Sequence[GradeChange]
) -> CalibrationResult:
    """Apply every grade change or none: each needs a reason, a grade of the cycle's
    table and an employee of the cycle whom the actor leads (never themself). The
    bonus coefficient follows the new grade; the computed grade is kept."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require_status(cycle, (CycleStatus.SCORING, CycleStatus.CALIBRATION))
    if not changes:
        raise DomainError(ErrorCode.REQUIRED, _("Give at least one grade change."))
    for change in changes:
        require(
            access.may_act_on(actor, change.employee_id),
            _("You may only calibrate the grades of people you lead."),
        )
    table = parse_grades(cycle.grades)
    appraisals = {
        a.employee_id: a
        for a in cycle.appraisals.select_for_update().exclude(grade="").order_by("employee_id")
    }
    actor_id = getattr(actor, "pk", None) or 0
    try:
        result = calibrate(
            {emp: a.effective_grade for emp, a in appraisals.items()},
            [Adjustment(c.employee_id, c.grade, c.reason, actor_id) for c in changes],
            table,
        )
    except InputError as exc:
        code = exc.issues[0].code
        raise DomainError(
            ErrorCode.REASON_REQUIRED
            if code == "reason_required"
            else ErrorCode.UNKNOWN_GRADE
            if code == "unknown_grade"
            else ErrorCode.NOT_IN_CYCLE,
            issues_text(exc.issues),
            field=exc.issues[0].location.rsplit(".", 1)[-1],
        ) from None
    changed = []
    at = now()
    for change in changes:
        appraisal = appraisals[change.employee_id]
        calibrated = result[change.employee_id]
        before = {
            "grade": appraisal.grade,
            "calibrated_grade": appraisal.calibrated_grade,
            "coefficient": str(appraisal.coefficient),
        }
        appraisal.calibrated_grade = calibrated.grade
        appraisal.calibration_reason = (calibrated.reason or "")[:500]
        appraisal.calibrated_by = actor
        appraisal.calibrated_at = at
        appraisal.coefficient = calibrated.coefficient
        appraisal.save(
            update_fields=[
                "calibrated_grade",
                "calibration_reason",
                "calibrated_by",
                "calibrated_at",
                "coefficient",
            ]
        )
        audit.record(
            actor=actor,
            action="performance.appraisal.calibrate",
            target=appraisal,
            before=before,
            after={
                "calibrated_grade": calibrated.grade,
                "coefficient": str(calibrated.coefficient),
                "reason": appraisal.calibration_reason,
            },
        )
        changed.append(appraisal)
    if cycle.status != CycleStatus.CALIBRATION:
        cycle.status = CycleStatus.CALIBRATION
        cycle.save(update_fields=["status"])
    return CalibrationResult(changed, distribution_warnings(cycle))
