"""Reference data a batch is validated against, loaded in a few queries (fetch step)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from meritline.org.models import Employee, EmployeeStatus, Platform, Region


@dataclass(frozen=True)
class EmployeeRef:
    pk: int
    employee_no: str
    name: str
    hire_date: date
    leave_date: date | None
    active: bool

    def employed_on(self, day: date) -> bool:
        return self.hire_date <= day and (self.leave_date is None or day <= self.leave_date)


def platforms_by_code() -> dict[str, int]:
    return dict(Platform.objects.values_list("code", "pk"))


def regions_by_code_or_name() -> dict[str, int]:
    found: dict[str, int] = {}
    for pk, code, name in Region.objects.values_list("pk", "code", "name"):
        found.setdefault(name, pk)
        found[code] = pk
    return found


def employees_by_no(numbers: set[str] | None = None) -> dict[str, EmployeeRef]:
    query = Employee.objects.all()
    if numbers is not None:
        query = query.filter(employee_no__in=list(numbers))
    return {
        no: EmployeeRef(pk, no, name, hire, leave, status == EmployeeStatus.ACTIVE)
        for pk, no, name, hire, leave, status in query.values_list(
            "pk", "employee_no", "name", "hire_date", "leave_date", "status"
        )
    }


def employee_ref(employee: Employee) -> EmployeeRef:
    return EmployeeRef(
        employee.pk,
        employee.employee_no,
        employee.name,
        employee.hire_date,
        employee.leave_date,
        employee.is_active,
    )
