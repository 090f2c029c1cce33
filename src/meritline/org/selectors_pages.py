"""Reads the org pages need beyond ``selectors``: every one scoped to the acting user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from meritline.core import crypto
from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.org import selectors
from meritline.org.models import (
    Assignment,
    Certificate,
    Department,
    Employee,
    EmployeeStatus,
    JobFamily,
    JobLevel,
    LegalEntity,
    Platform,
    Position,
    PostCriterion,
    Region,
    SalaryChange,
    TrainingRecord,
)


@dataclass(frozen=True)
class EmployeeFilters:
    """What the employee list is narrowed to; None / "" means no filter."""

    q: str = ""
    department: Department | None = None
    position: Position | None = None
    status: str = ""
    platform: Platform | None = None
    entity: LegalEntity | None = None


def _current(field: str, day: date) -> Subquery:
    rows = selectors.assignments_on(day).filter(employee=OuterRef("pk")).order_by("-valid_from")
    return Subquery(rows.values(field)[:1])


def employee_rows(
    *, user: object, filters: EmployeeFilters | None = None, on: date | None = None
) -> QuerySet[Employee]:
    """The scoped employee list, filtered, with sortable columns of the current assignment
    annotated (``dept_name``, ``position_name``, ``level_rank``, ``platform_name``,
    ``manager_name``)."""
    day = on or selectors.today()
    rows = selectors.employee_list(user=user, on=day).annotate(
        dept_name=_current("department__name", day),
        position_name=_current("position__name", day),
        level_rank=_current("level__rank", day),
        platform_name=_current("platform__name", day),
        manager_name=_current("manager__name", day),
    )
    f = filters or EmployeeFilters()
    if f.q.strip():
        text = f.q.strip()
        rows = rows.filter(
            Q(name__icontains=text) | Q(employee_no__icontains=text) | Q(phone__icontains=text)
        )
    current = selectors.assignments_on(day)
    if f.department is not None:
        inside = current.filter(department__path__startswith=f.department.path)
        rows = rows.filter(pk__in=inside.values("employee_id"))
    if f.position is not None:
        rows = rows.filter(pk__in=current.filter(position=f.position).values("employee_id"))
    if f.platform is not None:
        rows = rows.filter(pk__in=current.filter(platform=f.platform).values("employee_id"))
    if f.entity is not None:
        rows = rows.filter(entity=f.entity)
    if f.status in EmployeeStatus.values:
        rows = rows.filter(status=f.status)
    return rows


def with_current_salary(rows: QuerySet[Employee], *, on: date | None = None) -> QuerySet[Employee]:
    """Annotate ``current_salary_fen``; only for callers that checked the pay scope."""
    day = on or selectors.today()
    latest = SalaryChange.objects.filter(employee=OuterRef("pk"), valid_from__lte=day).order_by(
        "-valid_from"
    )
    return rows.annotate(current_salary_fen=Subquery(latest.values("base_salary_fen")[:1]))


def active_managers(*, user: object) -> QuerySet[Employee]:
    """Employees the user may name as a manager: active and visible to them."""
    return (
        Employee.objects.filter(selectors.visible_employee_q(scope_for(user)))
        .filter(status=EmployeeStatus.ACTIVE)
        .order_by("employee_no")
    )


def placeable_departments(*, user: object) -> QuerySet[Department]:
    """Departments the user may place people in: all for HR admins; the region or
    department subtrees of an HR business partner's grants."""
    scope = scope_for(user)
    base = Department.objects.select_related("entity", "region").filter(active=True)
    if scope.manage_org:
        return base
    q = Q(pk__in=[])
    if scope.region_ids:
        q |= Q(region_id__in=scope.region_ids)
    for path in Department.objects.filter(pk__in=scope.department_ids).values_list(
        "path", flat=True
    ):
        q |= Q(path__startswith=path)
    return base.filter(q)


def department_headcounts(*, user: object, on: date | None = None) -> dict[int, int]:
    """Visible employees in each department's subtree on ``on`` (today)."""
    day = on or selectors.today()
    visible = Employee.objects.filter(selectors.visible_employee_q(scope_for(user), on=day))
    paths = selectors.assignments_on(day).filter(employee__in=visible.values("pk"))
    counts: dict[int, int] = defaultdict(int)
    for path in paths.values_list("department__path", flat=True):
        for part in path.strip("/").split("/"):
            if part:
                counts[int(part)] += 1
    return dict(counts)


def id_number_of(*, user: object, employee: Employee) -> str | None:
    """The decrypted ID number, or None when the user may not see it."""
    if not scope_for(user).sees_pay_of(employee.pk):
        return None
    return crypto.decrypt(employee.id_number_encrypted)


def salary_history(*, user: object, employee: Employee) -> list[SalaryChange] | None:
    """Salary changes, newest first, or None when the user may not see pay."""
    if not scope_for(user).sees_pay_of(employee.pk):
        return None
    return list(SalaryChange.objects.filter(employee=employee).order_by("-valid_from"))


def certificates_of(*, user: object, employee: Employee) -> QuerySet[Certificate]:
    selectors.employee_get(user=user, pk=employee.pk)
    return Certificate.objects.filter(employee=employee).order_by("-issued_on")


def trainings_of(*, user: object, employee: Employee) -> QuerySet[TrainingRecord]:
    selectors.employee_get(user=user, pk=employee.pk)
    return TrainingRecord.objects.filter(employee=employee).order_by("-completed_on")


def team_on_rows(
    *, user: object, department: Department, on: date
) -> list[tuple[Employee, Assignment]]:
    """``selectors.team_on`` with each member's assignment on that day, by department."""
    members = selectors.team_on(user=user, department=department, on=on)
    assignments = (
        selectors.assignments_on(on)
        .filter(employee__in=members)
        .select_related("employee", "department", "position", "level", "manager", "platform")
        .order_by("department__path", "employee__employee_no")
    )
    return [(a.employee, a) for a in assignments]


def family_list(*, user: object) -> QuerySet[JobFamily]:
    return JobFamily.objects.all()


REFERENCE_MODELS: dict[str, type] = {
    "entity": LegalEntity,
    "region": Region,
    "family": JobFamily,
    "level": JobLevel,
    "platform": Platform,
}


def reference_rows(*, user: object, kind: str) -> QuerySet[Any]:
    """Rows of one kind of reference data (readable by all staff)."""
    readers = {
        "entity": selectors.entity_list,
        "region": selectors.region_list,
        "family": family_list,
        "level": selectors.level_list,
        "platform": selectors.platform_list,
    }
    if kind not in readers:
        raise NotFoundError(_("Unknown kind of reference data."))
    return readers[kind](user=user)


def reference_get(*, user: object, kind: str, pk: int) -> Any:
    try:
        return reference_rows(user=user, kind=kind).get(pk=pk)
    except REFERENCE_MODELS[kind].DoesNotExist as exc:
        raise NotFoundError(_("Not found.")) from exc


def position_get(*, user: object, pk: int) -> Position:
    try:
        return selectors.position_list(user=user).get(pk=pk)
    except Position.DoesNotExist as exc:
        raise NotFoundError(_("Position not found.")) from exc


def criterion_get(*, user: object, pk: int) -> PostCriterion:
    try:
        return PostCriterion.objects.select_related("position").get(pk=pk)
    except PostCriterion.DoesNotExist as exc:
        raise NotFoundError(_("Criterion not found.")) from exc


def other_positions(*, user: object) -> QuerySet[Position]:
    """Posts that are not on the sales ladder."""
    on_ladder = Q(is_sales_post=True, ladder_order__isnull=False)
    return selectors.position_list(user=user).exclude(on_ladder).order_by("code")
