"""Employees: hire, edit, effective-dated assignments, leaving, salary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from meritline.core import audit, crypto
from meritline.core.access import scope_for
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.org import id_numbers
from meritline.org.models import (
    Assignment,
    Department,
    Employee,
    EmployeeStatus,
    JobLevel,
    LegalEntity,
    Platform,
    Position,
    SalaryChange,
)
from meritline.org.selectors import reporting_subtree
from meritline.org.services.common import require_manage_employee, validated_save
from meritline.org.services.logins import user_disable


@dataclass(frozen=True)
class Placement:
    """Where an employee sits: the fields of an assignment other than its dates."""

    department: Department
    position: Position
    level: JobLevel | None = None
    manager: Employee | None = None
    platform: Platform | None = None


def _require_department_in_scope(actor: Any, department: Department) -> None:
    scope = scope_for(actor)
    if scope.manage_org:
        return
    in_region = department.region_id in scope.region_ids
    in_subtree = (
        Department.objects.filter(pk__in=scope.department_ids)
        .filter(
            Q(pk=department.pk)
            | Q(pk__in=[int(p) for p in department.path.strip("/").split("/") if p])
        )
        .exists()
    )
    if not (in_region or in_subtree):
        raise PermissionDeniedError(
            _("The department “%s” is outside your scope.") % department.name
        )


def _set_id_number(employee: Employee, raw: str) -> None:
    value = id_numbers.normalise(raw)
    if value:
        id_numbers.validate(value)
        index = crypto.blind_index(value)
        clash = Employee.objects.filter(id_number_index=index).exclude(pk=employee.pk).first()
        if clash is not None:
            raise DomainError(
                "duplicate_id_number",
                _("This ID number already belongs to employee %s.") % clash.employee_no,
                field="id_number",
            )
        employee.id_number_encrypted = crypto.encrypt(value)
        employee.id_number_index = index
    else:
        employee.id_number_encrypted = ""
        employee.id_number_index = ""


def _check_employee_no(employee_no: str, exclude_pk: int | None = None) -> str:
    value = employee_no.strip()
    if not value:
        raise DomainError("required", _("Employee number is required."), field="employee_no")
    clash = Employee.objects.filter(employee_no=value).exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            "duplicate_employee_no",
            _("Employee number %s is already in use.") % value,
            field="employee_no",
        )
    return value


def _check_manager(employee: Employee | None, manager: Employee | None, on: date) -> None:
    if manager is None:
        return
    if not manager.is_active:
        raise DomainError(
            "manager_inactive",
            _("%s has left and cannot be a manager.") % manager.name,
            field="manager",
        )
    if employee is None or employee.pk is None:
        return
    if manager.pk == employee.pk:
        raise DomainError(
            "manager_self", _("An employee cannot be their own manager."), field="manager"
        )
    if manager.pk in reporting_subtree([employee.pk], on=on):
        raise DomainError(
            "manager_cycle",
            _("%(manager)s reports to %(employee)s; making them the manager would create a cycle.")
            % {"manager": manager.name, "employee": employee.name},
            field="manager",
        )


@transaction.atomic
def employee_create(
    *,
    actor: Any,
    employee_no: str,
    name: str,
    entity: LegalEntity,
    hire_date: date,
    placement: Placement,
    gender: str = "",
    email: str = "",
    phone: str = "",
    id_number: str = "",
    base_salary_fen: int | None = None,
) -> Employee:
    """Hire an employee: the record, the first assignment from the hire date, the
    starting salary (if given), one audit row."""
    require_manage_employee(actor, None)
    _require_department_in_scope(actor, placement.department)
    employee = Employee(
        employee_no=_check_employee_no(employee_no),
        name=name.strip(),
        entity=entity,
        hire_date=hire_date,
        gender=gender,
        email=email.strip(),
        phone=phone.strip(),
    )
    _set_id_number(employee, id_number)
    validated_save(employee, exclude=["user"], constraints=False)
    # A new employee has no reports yet, so no cycle is possible: check only the manager.
    _check_manager(None, placement.manager, hire_date)
    assignment = Assignment.objects.create(
        employee=employee, valid_from=hire_date, reason=_("Hired"), **_placement_fields(placement)
    )
    if base_salary_fen is not None:
        _salary_row(employee, hire_date, base_salary_fen, _("Starting salary"))
    audit.record(
        actor=actor,
        action="org.employee.create",
        target=employee,
        after={
            **audit.snapshot(employee),
            "id_number": "***" if id_number else "",
            "assignment": audit.snapshot(assignment),
            "base_salary_fen": base_salary_fen,
        },
    )
    return employee


def _placement_fields(placement: Placement) -> dict[str, Any]:
    return {
        "department": placement.department,
        "position": placement.position,
        "level": placement.level or placement.position.level,
        "manager": placement.manager,
        "platform": placement.platform,
    }


EDITABLE_FIELDS = ("employee_no", "name", "gender", "email", "phone", "entity", "hire_date")


@transaction.atomic
def employee_update(
    *, actor: Any, employee: Employee, data: dict[str, Any], id_number: str | None = None
) -> Employee:
    """Edit personal fields. ``id_number`` None keeps it; "" clears it."""
    require_manage_employee(actor, employee)
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    before = audit.snapshot(employee)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError("invalid", _("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if "employee_no" in data:
        data["employee_no"] = _check_employee_no(data["employee_no"], exclude_pk=employee.pk)
    if "hire_date" in data:
        first = employee.assignments.order_by("valid_from").first()
        if first is not None and data["hire_date"] > first.valid_from:
            raise DomainError(
                "hire_after_assignment",
                _("The hire date cannot be after the first assignment (%s).") % first.valid_from,
                field="hire_date",
            )
    for name, value in data.items():
        setattr(employee, name, value)
    if id_number is not None:
        _set_id_number(employee, id_number)
    validated_save(employee, exclude=["user"], constraints=False)
    after = audit.snapshot(employee)
    diff = audit.changed(before, after)
    if id_number is not None:
        diff["id_number"] = "***"
    audit.record(
        actor=actor, action="org.employee.update", target=employee, before=before, after=diff
    )
    return employee


@transaction.atomic
def employee_assign(
    *,
    actor: Any,
    employee: Employee,
    valid_from: date,
    placement: Placement,
    reason: str,
) -> Assignment:
    """Move an employee from ``valid_from``: the open assignment ends the day before.

    Refuses a start before the hire date or inside a closed assignment, an overlap with
    a later assignment, and a manager that would make a reporting cycle.
    """
    require_manage_employee(actor, employee)
    _require_department_in_scope(actor, placement.department)
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if not employee.is_active:
        raise DomainError(
            "employee_left", _("%s has left; they cannot be reassigned.") % employee.name
        )
    if not reason.strip():
        raise DomainError("required", _("Give the reason for the change."), field="reason")
    if valid_from < employee.hire_date:
        raise DomainError(
            "before_hire",
            _("The assignment cannot start before the hire date (%s).") % employee.hire_date,
            field="valid_from",
        )
    later = employee.assignments.filter(valid_from__gte=valid_from).order_by("valid_from").first()
    if later is not None:
        raise DomainError(
            "assignment_overlap",
            _("It overlaps the assignment that starts on %s.") % later.valid_from,
            field="valid_from",
        )
    covering = (
        employee.assignments.select_for_update()
        .filter(valid_from__lt=valid_from)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        .first()
    )
    if covering is not None and covering.valid_to is not None:
        raise DomainError(
            "assignment_overlap",
            _("It overlaps the assignment from %(start)s to %(end)s.")
            % {"start": covering.valid_from, "end": covering.valid_to},
            field="valid_from",
        )
    _check_manager(employee, placement.manager, valid_from)
    before = audit.snapshot(covering) if covering else None
    if covering is not None:
        covering.valid_to = valid_from - timedelta(days=1)
        covering.save(update_fields=["valid_to"])
    assignment = Assignment.objects.create(
        employee=employee,
        valid_from=valid_from,
        reason=reason.strip(),
        **_placement_fields(placement),
    )
    audit.record(
        actor=actor,
        action="org.employee.assign",
        target=employee,
        before=before,
        after=audit.snapshot(assignment),
    )
    return assignment


@transaction.atomic
def employee_leave(
    *, actor: Any, employee: Employee, leave_date: date, reason: str, note: str = ""
) -> Employee:
    """Record leaving: status, date and reason; close the assignment; disable the login
    (which ends every session of it)."""
    require_manage_employee(actor, employee)
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if not employee.is_active:
        raise DomainError("employee_left", _("%s has already left.") % employee.name)
    if leave_date < employee.hire_date:
        raise DomainError(
            "leave_before_hire",
            _("The leave date cannot be before the hire date (%s).") % employee.hire_date,
            field="leave_date",
        )
    if not reason:
        raise DomainError("required", _("Choose the reason for leaving."), field="leave_reason")
    later = employee.assignments.filter(valid_from__gt=leave_date).first()
    if later is not None:
        raise DomainError(
            "assignment_after_leave",
            _("An assignment starts on %s, after the leave date.") % later.valid_from,
            field="leave_date",
        )
    before = audit.snapshot(employee)
    employee.status = EmployeeStatus.LEFT
    employee.leave_date = leave_date
    employee.leave_reason = reason
    employee.leave_note = note.strip()
    validated_save(employee, exclude=["user"], constraints=False)
    employee.assignments.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=leave_date)).update(
        valid_to=leave_date
    )
    if employee.user_id:
        user_disable(actor=actor, user=employee.user, audited=False)
    audit.record(
        actor=actor,
        action="org.employee.leave",
        target=employee,
        before=before,
        after=audit.changed(before, audit.snapshot(employee)),
    )
    return employee


def _salary_row(employee: Employee, valid_from: date, base_salary_fen: int, reason: str) -> None:
    if base_salary_fen < 0:
        raise DomainError("negative_salary", _("A salary cannot be negative."), field="base_salary")
    if SalaryChange.objects.filter(employee=employee, valid_from=valid_from).exists():
        raise DomainError(
            "salary_duplicate",
            _("A salary change on %s already exists.") % valid_from,
            field="valid_from",
        )
    SalaryChange.objects.create(
        employee=employee, valid_from=valid_from, base_salary_fen=base_salary_fen, reason=reason
    )


@transaction.atomic
def salary_change_record(
    *, actor: Any, employee: Employee, valid_from: date, base_salary_fen: int, reason: str
) -> None:
    """Record a new monthly base from ``valid_from`` with its reason (pay roles only)."""
    if not scope_for(actor).pay_fields:
        raise PermissionDeniedError(_("Only HR admins and finance may change pay."))
    if not reason.strip():
        raise DomainError("required", _("Give the reason for the change."), field="reason")
    if valid_from < employee.hire_date:
        raise DomainError(
            "before_hire", _("The change cannot start before the hire date."), field="valid_from"
        )
    _salary_row(employee, valid_from, base_salary_fen, reason.strip())
    audit.record(
        actor=actor,
        action="org.salary.change",
        target=employee,
        after={
            "valid_from": valid_from.isoformat(),
            "base_salary_fen": base_salary_fen,
            "reason": reason.strip(),
        },
    )
