"""Team collaboration points and project breakthrough awards (PRF-4): granted to one
appraisal or to a whole team in a cycle, with who granted them and why; they are added
to the final score (within the cycle's maximum) the next time the cycle is scored."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.org.models import Department
from meritline.performance import access
from meritline.performance.errors import ErrorCode
from meritline.performance.models import Appraisal, AwardKind, Cycle, TeamAward
from meritline.performance.services.common import parse_decimal, require, required_text
from meritline.performance.services.cycles import OPEN_FOR_SCORING, require_status


@transaction.atomic
def team_award_grant(
    *,
    actor: Any,
    cycle: Cycle,
    kind: str,
    points: Any,
    reason: str,
    appraisal: Appraisal | None = None,
    department: Department | None = None,
) -> TeamAward:
    """Grant ``points`` (> 0, 2 places) to ``appraisal`` or to every appraisal of
    ``department`` in ``cycle``; the reason is mandatory. The granter must lead every
    person who gets the points (an HR admin leads everyone)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require_status(cycle, OPEN_FOR_SCORING)
    if kind not in AwardKind.values:
        raise DomainError(ErrorCode.INVALID, _("Choose the kind of award."), field="kind")
    if (appraisal is None) == (department is None):
        raise DomainError(
            ErrorCode.REQUIRED, _("Choose one appraisal or one team."), field="appraisal"
        )
    value = parse_decimal(points, field="points", places=2)
    if value <= 0:
        raise DomainError(ErrorCode.NOT_POSITIVE, _("Points must be more than 0."), field="points")
    reason = required_text(reason, field="reason", limit=500, code=ErrorCode.REASON_REQUIRED)
    if appraisal is not None:
        if appraisal.cycle_id != cycle.pk:
            raise DomainError(
                ErrorCode.NOT_IN_CYCLE, _("The appraisal is not in this cycle."), field="appraisal"
            )
        people = [appraisal.employee_id]
    else:
        people = list(
            cycle.appraisals.filter(department=department).values_list("employee_id", flat=True)
        )
        if not people:
            raise DomainError(
                ErrorCode.NOT_IN_CYCLE,
                _("Nobody of %(team)s is in this cycle.") % {"team": department.name},
                field="department",
            )
    require(
        all(access.may_act_on(actor, person) for person in people),
        _("You may only grant points to people you lead."),
    )
    award = TeamAward.objects.create(
        cycle=cycle,
        kind=kind,
        appraisal=appraisal,
        department=department,
        points=value,
        reason=reason,
        granted_by=actor,
    )
    audit.record(
        actor=actor,
        action="performance.award.grant",
        target=award,
        after={**audit.snapshot(award), "people": len(people)},
    )
    return award
