"""Every read of org data, scoped to the acting user (SPEC PLT-3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.access import Scope, scope_for
from meritline.core.errors import NotFoundError, PermissionDeniedError
from meritline.org.models import (
    Assignment,
    Department,
    Employee,
    ImportRun,
    JobLevel,
    LegalEntity,
    Platform,
    Position,
    Region,
    RoleGrant,
)


def today() -> date:
    return timezone.localdate()


def assignments_on(day: date) -> QuerySet[Assignment]:
    return Assignment.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def reporting_subtree(manager_ids: Iterable[int], *, on: date | None = None) -> set[int]:
    """The managers and everyone below them through reporting lines on ``on``.

    Walks down one level per query, so its cost follows the subtree, not the company.
    """
    day = on or today()
    current = assignments_on(day)
    seen = set(manager_ids)
    frontier = set(seen)
    while frontier:
        reports = set(current.filter(manager_id__in=frontier).values_list("employee_id", flat=True))
        frontier = reports - seen
        seen |= frontier
    return seen


def _department_subtree_q(department_ids: Iterable[int], prefix: str = "") -> Q:
    paths = Department.objects.filter(pk__in=list(department_ids)).values_list("path", flat=True)
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def visible_employee_q(scope: Scope, *, on: date | None = None, prefix: str = "") -> Q:
    """A Q over Employee (or a model reaching it through ``prefix``) for the scope.

    Region and department scopes use the assignment in force on ``on`` (today).
    """
    if scope.all_rows:
        return Q()
    day = on or today()
    ids: set[int] = set()
    if scope.self_employee_id is not None:
        ids.add(scope.self_employee_id)
    if scope.team_manager_ids:
        ids |= reporting_subtree(scope.team_manager_ids, on=day)
    if scope.region_ids or scope.department_ids:
        current = assignments_on(day)
        dept_q = Q(pk__in=[])
        if scope.region_ids:
            dept_q |= Q(region_id__in=scope.region_ids)
        if scope.department_ids:
            dept_q |= _department_subtree_q(scope.department_ids)
        departments = Department.objects.filter(dept_q).values("pk")
        ids |= set(current.filter(department__in=departments).values_list("employee_id", flat=True))
    return Q(**{f"{prefix}pk__in": ids})


def employee_list(*, user: object, on: date | None = None) -> QuerySet[Employee]:
    """Employees the user may see, with their current assignment prefetched as ``current``."""
    scope = scope_for(user)
    day = on or today()
    current = assignments_on(day).select_related(
        "department", "position", "level", "manager", "platform", "department__region"
    )
    return (
        Employee.objects.filter(visible_employee_q(scope, on=day))
        .select_related("entity")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
    )


def employee_get(*, user: object, pk: int) -> Employee:
    try:
        return employee_list(user=user).get(pk=pk)
    except Employee.DoesNotExist as exc:
        raise NotFoundError(_("Employee not found.")) from exc


def employee_by_number(
    *, user: object, number: str, refusal: Any, field: str | None = None
) -> Employee:
    """The employee numbered ``number`` among those ``user`` may see. Someone who sees
    everyone gets a NotFoundError for an unknown number; anyone else is refused with
    ``refusal`` alike for an unknown number and for one outside their scope, so the
    answer does not tell who exists. ``field`` names the input on either error."""
    found = employee_list(user=user).filter(employee_no=number.strip()).first()
    if found is not None:
        return found
    error: NotFoundError | PermissionDeniedError
    if scope_for(user).all_rows:
        error = NotFoundError(_("Employee not found."))
    else:
        error = PermissionDeniedError(refusal)
    error.field = field
    raise error


def current_assignment(employee: Employee) -> Assignment | None:
    cached = getattr(employee, "current_assignments", None)
    if cached is not None:
        return cached[0] if cached else None
    return assignments_on(today()).filter(employee=employee).first()


def employee_history(*, user: object, employee: Employee) -> QuerySet[Assignment]:
    employee_get(user=user, pk=employee.pk)
    return employee.assignments.select_related(
        "department", "position", "level", "manager", "platform"
    ).order_by("-valid_from")


def team_on(*, user: object, department: Department, on: date) -> QuerySet[Employee]:
    """Who was in ``department`` (and its subtree) on ``on`` — within the user's scope."""
    scope = scope_for(user)
    depts = Department.objects.filter(path__startswith=department.path).values("pk")
    ids = assignments_on(on).filter(department__in=depts).values("employee_id")
    return Employee.objects.filter(pk__in=ids).filter(visible_employee_q(scope, on=on))


def department_list(*, user: object) -> QuerySet[Department]:
    """Departments in scope: all for all-rows roles; else the scoped subtrees plus the
    departments (and their ancestors) of the employees the user sees."""
    scope = scope_for(user)
    base = Department.objects.select_related("entity", "region", "parent")
    if scope.all_rows:
        return base
    q = Q(pk__in=[])
    if scope.region_ids:
        q |= Q(region_id__in=scope.region_ids)
    if scope.department_ids:
        q |= _department_subtree_q(scope.department_ids)
    visible = Employee.objects.filter(visible_employee_q(scope)).values("pk")
    paths = (
        assignments_on(today())
        .filter(employee__in=visible)
        .values_list("department__path", flat=True)
    )
    ancestor_ids: set[int] = set()
    for path in set(paths):
        ancestor_ids |= {int(p) for p in path.strip("/").split("/") if p}
    q |= Q(pk__in=ancestor_ids)
    return base.filter(q)


def department_get(*, user: object, pk: int) -> Department:
    try:
        return department_list(user=user).get(pk=pk)
    except Department.DoesNotExist as exc:
        raise NotFoundError(_("Department not found.")) from exc


# Reference data that every member of staff may read (posts are published: SPEC SEL-2).
def entity_list(*, user: object) -> QuerySet[LegalEntity]:
    return LegalEntity.objects.select_related("parent")


def region_list(*, user: object) -> QuerySet[Region]:
    return Region.objects.all()


def position_list(*, user: object) -> QuerySet[Position]:
    return Position.objects.select_related("family", "level", "next_position").prefetch_related(
        "criteria", "competencies"
    )


def post_ladder(*, user: object) -> list[Position]:
    """The sales post ladder (SPEC SEL-1): sales posts with a place on it, lowest first."""
    ladder = position_list(user=user).filter(is_sales_post=True, ladder_order__isnull=False)
    return list(ladder.order_by("ladder_order"))


def level_list(*, user: object) -> QuerySet[JobLevel]:
    return JobLevel.objects.select_related("family")


def platform_list(*, user: object) -> QuerySet[Platform]:
    return Platform.objects.all()


def grants_for(*, user: object) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(user=user).select_related("region", "department")


def org_chart(
    *, user: object, department: Department | None = None, on: date | None = None
) -> list[dict[str, Any]]:
    """The reporting tree of the employees the user sees, as nested dicts.

    With ``department``, only people whose assignment lies in its subtree; anyone whose
    manager is not shown becomes a root.
    """
    day = on or today()
    placed: list[tuple[Employee, Assignment]] = []
    for employee in employee_list(user=user, on=day).order_by("employee_no"):
        assignment = current_assignment(employee)
        if assignment is None:
            continue
        if department is not None and not assignment.department.path.startswith(department.path):
            continue
        placed.append((employee, assignment))
    shown = {employee.pk for employee, _ in placed}
    children: dict[int | None, list[tuple[Employee, Assignment]]] = defaultdict(list)
    for employee, assignment in placed:
        manager_id = assignment.manager_id if assignment.manager_id in shown else None
        children[manager_id].append((employee, assignment))

    def node(employee: Employee, assignment: Assignment) -> dict[str, Any]:
        return {
            "id": employee.pk,
            "name": employee.name,
            "employee_no": employee.employee_no,
            "position": assignment.position.name,
            "department": assignment.department.name,
            "children": [node(e, a) for e, a in children.get(employee.pk, [])],
        }

    return [node(e, a) for e, a in children.get(None, [])]


def import_run_list(*, user: object) -> QuerySet[ImportRun]:
    """Employee import runs: HR admins see all, HR business partners their own."""
    scope = scope_for(user)
    if not scope.manage_people:
        return ImportRun.objects.none()
    runs = ImportRun.objects.filter(kind="employees").select_related("actor__employee")
    return runs if scope.manage_org else runs.filter(actor=user)


def import_run_get(*, user: object, pk: int) -> ImportRun:
    try:
        return import_run_list(user=user).get(pk=pk)
    except ImportRun.DoesNotExist as exc:
        raise NotFoundError(_("Import run not found.")) from exc
