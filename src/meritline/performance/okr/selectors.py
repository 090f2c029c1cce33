"""Every read of OKR data, scoped to the acting user (see ``access`` for who reads what)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.org.models import Employee
from meritline.performance.okr import access, scoring
from meritline.performance.okr.models import (
    LEVEL_RANK,
    CheckIn,
    KeyResult,
    Level,
    Objective,
)


def objective_list(*, user: Any, period: str | None = None) -> QuerySet[Objective]:
    rows = (
        Objective.objects.filter(access.readable_q(user))
        .select_related("period", "owner", "team", "parent")
        .prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.order_by("order", "pk"))
        )
    )
    if period:
        rows = rows.filter(period__code=period)
    return rows


def objective_get(*, user: Any, pk: int) -> Objective:
    try:
        return objective_list(user=user).get(pk=pk)
    except Objective.DoesNotExist:
        raise NotFoundError(_("Objective not found.")) from None


def key_result_get(*, user: Any, pk: int) -> KeyResult:
    try:
        return KeyResult.objects.select_related("objective__period", "objective__owner").get(
            pk=pk, objective__in=Objective.objects.filter(access.readable_q(user))
        )
    except KeyResult.DoesNotExist:
        raise NotFoundError(_("Key result not found.")) from None


def my_objectives(*, user: Any, period: str) -> list[Objective]:
    """The objectives the user owns in ``period``: team ones first, then their own."""
    me = scope_for(user).self_employee_id
    rows = objective_list(user=user, period=period).filter(owner_id=me)
    return sorted(rows, key=lambda o: (LEVEL_RANK[Level(o.level)], o.pk))


def reports_objectives(*, user: Any, period: str) -> list[Objective]:
    """Objectives of the people the user manages in ``period`` (to follow and check in)."""
    ids = access.managed_ids(user)
    return list(
        objective_list(user=user, period=period)
        .filter(owner_id__in=ids)
        .order_by("owner__name", "pk")
    )


@dataclass
class Node:
    objective: Objective
    score: Decimal
    children: list[Node] = field(default_factory=list)


def alignment_tree(*, user: Any, period: str) -> list[Node]:
    """The readable objectives of ``period`` as a forest: company → team → person. An
    objective whose parent the user may not read is shown as a root."""
    rows = list(objective_list(user=user, period=period).order_by("pk"))
    nodes = {o.pk: Node(o, o.score()) for o in rows}
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.objective.parent_id or 0)
        (parent.children if parent is not None else roots).append(node)
    key = lambda n: (LEVEL_RANK[Level(n.objective.level)], n.objective.pk)  # noqa: E731
    for node in nodes.values():
        node.children.sort(key=key)
    return sorted(roots, key=key)


def check_in_list(*, user: Any, objective: Objective) -> QuerySet[CheckIn]:
    objective_get(user=user, pk=objective.pk)
    return CheckIn.objects.filter(key_result__objective=objective).select_related("key_result")


def progress_chart(*, user: Any, objective: Objective) -> dict[str, Any]:
    """The ECharts data of an objective: its score after every check-in, and each KR's."""
    rows = list(check_in_list(user=user, objective=objective).order_by("created_at", "pk"))
    start = objective.period.starts_on.isoformat()
    series: dict[int, list[list[Any]]] = {}
    overall: list[list[Any]] = [[start, 0.0]]
    for row in rows:
        at = row.created_at.isoformat()
        overall.append([at, float(row.objective_score)])
        series.setdefault(row.key_result_id, [[start, 0.0]]).append([at, float(row.score)])
    return {
        "objective": {"name": _("Objective"), "points": overall},
        "key_results": [
            {"name": kr.title, "points": series[kr.pk]}
            for kr in objective.key_results.all()
            if kr.pk in series
        ],
        "good": float(scoring.GOOD),
    }


def owner_choices(*, user: Any) -> QuerySet[Employee]:
    """Whom the user may set objectives for: themself and the people they manage."""
    if access.is_hr_admin(user):
        return Employee.objects.filter(status="active").order_by("name")
    ids = access.managed_ids(user)
    me = scope_for(user).self_employee_id
    if me is not None:
        ids.add(me)
    return Employee.objects.filter(pk__in=ids).order_by("name")


def parent_choices(*, user: Any, period: str, exclude: int | None = None) -> QuerySet[Objective]:
    rows = objective_list(user=user, period=period).exclude(level=Level.PERSON)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.order_by("level", "title")
