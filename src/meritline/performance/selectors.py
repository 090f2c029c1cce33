"""Every read of performance data, scoped to the acting user.

A rep sees their own appraisal; a sales manager their reporting subtree; an HRBP their
region or department subtree; HR admins, finance and auditors everyone. Templates are
reference data everyone reads. Company, platform and team targets are read by everyone;
employee targets like appraisals.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.performance import access
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
