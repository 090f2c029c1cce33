"""End-of-period grading: the owner sets the final 0–1 score of an objective (the
computed score is the suggestion), a manager reviews it — confirms it or sets another
with a reason. HR admins close a period; nothing in it changes afterwards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.performance.okr import access, scoring
from meritline.performance.okr.errors import ErrorCode
from meritline.performance.okr.models import GradeStatus, Objective, OkrPeriod, PeriodStatus
from meritline.performance.okr.services.common import require, require_open, text

FIELDS = ("self_score", "self_note", "final_score", "review_note", "grade_status")


def _grade(value: Decimal, field: str) -> Decimal:
    if not scoring.valid_grade(value):
        raise DomainError(
            ErrorCode.BAD_SCORE,
            _("A grade is a number from 0 to 1 with at most two decimals (e.g. 0.7)."),
            field=field,
        )
    return value


def _locked(objective: Objective) -> Objective:
    locked = Objective.objects.select_for_update().select_related("period").get(pk=objective.pk)
    require_open(locked.period)
    return locked


@transaction.atomic
def objective_grade(
    *, actor: Any, objective: Objective, score: Decimal, note: str = ""
) -> Objective:
    """The owner's (or a manager's) final 0–1 grade of the objective; a review follows."""
    locked = _locked(objective)
    require(access.may_write(actor, locked), _("You may not grade this objective."))
    before = audit.snapshot(locked, FIELDS)
    locked.self_score = _grade(score, "score")
    locked.self_note = text(note, field="note", limit=2000, required=False)
    locked.final_score = None
    locked.review_note = ""
    locked.grade_status = GradeStatus.SUBMITTED
    locked.graded_by = actor
    locked.reviewed_by = None
    locked.save()
    audit.record(
        actor=actor,
        action="okr.objective_grade",
        target=locked,
        before=before,
        after=audit.snapshot(locked, FIELDS),
    )
    return locked


@transaction.atomic
def objective_review(
    *, actor: Any, objective: Objective, score: Decimal, note: str = ""
) -> Objective:
    """A manager's review of the owner's grade: the final score (a different one needs
    a reason)."""
    locked = _locked(objective)
    if locked.owner_id == scope_for(actor).self_employee_id:
        raise DomainError(
            ErrorCode.OWN_REVIEW, _("Your own grade is reviewed by your manager, not by you.")
        )
    require(access.may_review(actor, locked), _("Only the owner's managers may review the grade."))
    if locked.grade_status not in (GradeStatus.SUBMITTED, GradeStatus.REVIEWED):
        raise DomainError(ErrorCode.NOT_GRADED, _("The owner has not graded this objective yet."))
    final = _grade(score, "score")
    reason = text(note, field="note", limit=2000, required=False)
    if final != locked.self_score and not reason:
        raise DomainError(
            ErrorCode.REQUIRED,
            _("Say why the final grade differs from the owner's %(score)s.")
            % {"score": locked.self_score},
            field="note",
        )
    before = audit.snapshot(locked, FIELDS)
    locked.final_score = final
    locked.review_note = reason
    locked.grade_status = GradeStatus.REVIEWED
    locked.reviewed_by = actor
    locked.save()
    audit.record(
        actor=actor,
        action="okr.objective_review",
        target=locked,
        before=before,
        after=audit.snapshot(locked, FIELDS),
    )
    return locked


@transaction.atomic
def period_close(*, actor: Any, period: OkrPeriod) -> OkrPeriod:
    """Close a quarter (HR admins): its objectives, KRs, check-ins and grades freeze."""
    require(access.is_hr_admin(actor), _("Only an HR admin may close an OKR period."))
    locked = OkrPeriod.objects.select_for_update().get(pk=period.pk)
    require_open(locked)
    locked.status = PeriodStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save()
    audit.record(
        actor=actor,
        action="okr.period_close",
        target=locked,
        before={"status": PeriodStatus.OPEN},
        after={"status": PeriodStatus.CLOSED},
    )
    return locked
