"""Every read of performance data, scoped to the acting user.

A rep sees their own appraisal; a sales manager their reporting subtree; an HRBP their
region or department subtree; HR admins, finance and auditors everyone. Templates are
reference data everyone reads. Company, platform and team targets are read by everyone;
employee targets like appraisals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.performance import access
from meritline.performance.engine import (
    DistributionWarning,
    Guideline,
    check_distribution,
    parse_grades,
)
from meritline.performance.models import (
    Appraisal,
    Cycle,
    KpiTemplate,
    KpiTemplateVersion,
    Target,
    TargetLevel,
    TeamAward,
)


def template_list(*, user: Any) -> QuerySet[KpiTemplate]:
    return KpiTemplate.objects.select_related("position")


def template_version_list(
    *, user: Any, template: KpiTemplate | None = None
) -> QuerySet[KpiTemplateVersion]:
    """Versions, newest first: the history of weights."""
    rows = KpiTemplateVersion.objects.select_related("template", "created_by")
    return rows.filter(template=template) if template is not None else rows


def appraisal_list(*, user: Any, cycle: Cycle | None = None) -> QuerySet[Appraisal]:
    rows = Appraisal.objects.filter(access.visible_q(user)).select_related(
        "employee", "department", "cycle", "cycle__platform", "template_version"
    )
    return rows.filter(cycle=cycle) if cycle is not None else rows


def appraisal_get(*, user: Any, pk: int) -> Appraisal:
    try:
        return appraisal_list(user=user).get(pk=pk)
    except Appraisal.DoesNotExist as exc:
        raise NotFoundError(_("Appraisal not found.")) from exc


def cycle_list(*, user: Any) -> QuerySet[Cycle]:
    """Every cycle for those who lead people or read everything; else the cycles the
    user has an appraisal in."""
    rows = Cycle.objects.select_related("platform")
    scope = scope_for(user)
    if scope.all_rows or access.leads_people(user):
        return rows
    return rows.filter(appraisals__employee_id=scope.self_employee_id or -1).distinct()


def cycle_get(*, user: Any, pk: int) -> Cycle:
    try:
        return cycle_list(user=user).get(pk=pk)
    except Cycle.DoesNotExist as exc:
        raise NotFoundError(_("Cycle not found.")) from exc


def _or_visible(q: Q, user: Any, prefix: str) -> Q:
    """``q`` or a visible employee (an empty Q would vanish from an OR: it means all)."""
    visible = access.visible_q(user, prefix)
    return visible if not visible else q | visible


def target_list(*, user: Any, period: str | None = None) -> QuerySet[Target]:
    rows = Target.objects.filter(
        _or_visible(~Q(level=TargetLevel.EMPLOYEE), user, "employee__")
    ).select_related("platform", "department", "employee")
    return rows.filter(period=period) if period else rows


def award_list(*, user: Any, cycle: Cycle | None = None) -> QuerySet[TeamAward]:
    """Awards to visible appraisals, and team awards."""
    rows = TeamAward.objects.filter(
        _or_visible(Q(department__isnull=False), user, "appraisal__employee__")
    ).select_related("appraisal", "department", "granted_by")
    return rows.filter(cycle=cycle) if cycle is not None else rows


def appraisal_awards(*, user: Any, appraisal: Appraisal) -> QuerySet[TeamAward]:
    """The points of one (visible) appraisal: its own awards and its team's in its cycle."""
    return (
        award_list(user=user, cycle=appraisal.cycle)
        .filter(Q(appraisal=appraisal) | Q(department_id=appraisal.department_id))
        .select_related("granted_by__employee")
    )


def cycle_teams(*, user: Any, cycle: Cycle) -> list[tuple[int, str]]:
    """(department id, name) of the teams with visible appraisals in ``cycle``."""
    return sorted(
        set(
            appraisal_list(user=user, cycle=cycle).values_list("department_id", "department__name")
        ),
        key=lambda team: team[1],
    )


@dataclass(frozen=True)
class TeamDistribution:
    """One team's grades (after calibration) against the cycle's guideline."""

    team: str
    size: int
    rows: list[dict[str, Any]]  # grade, count, share, max, min, warning
    warnings: list[DistributionWarning]


def calibration_overview(*, user: Any, cycle: Cycle) -> list[TeamDistribution]:
    """Per team of the user's visible, graded appraisals: how many got each grade, the
    share, the guideline's limits and the warnings where the team departs from them.
    Teams smaller than the guideline's minimum team size get no warnings."""
    table = parse_grades(cycle.grades)
    guideline = Guideline.parse(cycle.guideline or {}, table)
    by_team: dict[str, list[str]] = defaultdict(list)
    for name, grade, calibrated in (
        appraisal_list(user=user, cycle=cycle)
        .exclude(grade="")
        .values_list("department__name", "grade", "calibrated_grade")
    ):
        by_team[name].append(calibrated or grade)
    warnings = check_distribution(by_team, guideline, table)
    out = []
    for team in sorted(by_team):
        grades = by_team[team]
        mine = [w for w in warnings if w.team == team]
        rows = []
        for grade in table.grades:
            count = grades.count(grade)
            rows.append(
                {
                    "grade": grade,
                    "count": count,
                    "share": (Decimal(count) * 100 / len(grades)).quantize(
                        Decimal("0.01"), rounding=ROUND_HALF_UP
                    ),
                    "max": guideline.max_share.get(grade),
                    "min": guideline.min_share.get(grade),
                    "warning": any(w.grade == grade for w in mine),
                }
            )
        out.append(TeamDistribution(team, len(grades), rows, mine))
    return out
