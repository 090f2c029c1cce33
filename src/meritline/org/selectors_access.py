"""Reads behind the login-and-roles card and the certificate/training actions, scoped."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.core.models import User
from meritline.org import selectors
from meritline.org.models import Certificate, Employee, RoleGrant, TrainingRecord


@dataclass(frozen=True)
class LoginCard:
    """An employee's login and role grants; ``editable`` for HR admins."""

    login: User | None
    grants: list[RoleGrant] = field(default_factory=list)
    editable: bool = False


def login_card(*, user: object, employee: Employee) -> LoginCard | None:
    """For HR admins, and read-only for the employee themself; None for everyone else."""
    selectors.employee_get(user=user, pk=employee.pk)
    scope = scope_for(user)
    is_self = employee.pk == scope.self_employee_id
    if not (scope.manage_org or is_self):
        return None
    login = User.objects.filter(pk=employee.user_id).first() if employee.user_id else None
    grants = list(grants_of(login)) if login is not None else []
    return LoginCard(login=login, grants=grants, editable=scope.manage_org)


def grants_of(login: User) -> list[RoleGrant]:
    rows = RoleGrant.objects.filter(user=login).select_related("region", "department")
    return sorted(rows, key=lambda g: (g.role, g.pk))


def has_grant(*, login: User, role: str, region_id: int | None, department_id: int | None) -> bool:
    return RoleGrant.objects.filter(
        user=login, role=role, region_id=region_id, department_id=department_id
    ).exists()


def login_employee(*, user: object, pk: int) -> tuple[Employee, User]:
    """The employee (404 outside the scope) and their login (404 when there is none)."""
    employee = selectors.employee_get(user=user, pk=pk)
    if employee.user_id is None:
        raise NotFoundError(_("This employee has no login."))
    return employee, User.objects.get(pk=employee.user_id)


def grant_get(*, user: object, pk: int) -> tuple[RoleGrant, Employee]:
    """A role grant of a login that belongs to an employee in the user's scope."""
    grant = RoleGrant.objects.select_related("user", "region", "department").filter(pk=pk).first()
    employee = Employee.objects.filter(user_id=grant.user_id).first() if grant else None
    if grant is None or employee is None:
        raise NotFoundError(_("Role grant not found."))
    return grant, selectors.employee_get(user=user, pk=employee.pk)


def certificate_get(*, user: object, pk: int) -> Certificate:
    scope = scope_for(user)
    rows = Certificate.objects.filter(selectors.visible_employee_q(scope, prefix="employee__"))
    found = rows.select_related("employee").filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("Certificate not found."))
    return found


def training_get(*, user: object, pk: int) -> TrainingRecord:
    scope = scope_for(user)
    rows = TrainingRecord.objects.filter(selectors.visible_employee_q(scope, prefix="employee__"))
    found = rows.select_related("employee").filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("Training record not found."))
    return found
