"""Roles and data scopes (SPEC PLT-3).

``scope_for(user)`` turns a login into a ``Scope``: which employees' rows it may
see (all, regions, department subtrees, a manager's reporting subtree, self) and
which sensitive fields (pay, ID numbers). The org app applies a scope to
querysets; every selector of every app starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HR_ADMIN = "hr_admin", _("HR admin")
    HRBP = "hrbp", _("HR business partner")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    EMPLOYEE = "employee", _("Employee")
    FINANCE = "finance", _("Finance")
    AUDITOR = "auditor", _("Auditor")


PAY_ROLES = frozenset({Role.HR_ADMIN, Role.FINANCE})
ALL_ROWS_ROLES = frozenset({Role.HR_ADMIN, Role.FINANCE, Role.AUDITOR})


@dataclass(frozen=True)
class Scope:
    """What one user may see and do. Unions of grants; empty means nothing but self."""

    roles: frozenset[str] = frozenset()
    all_rows: bool = False
    region_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    team_manager_ids: frozenset[int] = frozenset()
    self_employee_id: int | None = None
    pay_fields: bool = False
    manage_org: bool = False
    manage_people: bool = False
    read_audit: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def has(self, role: str) -> bool:
        return role in self.roles

    def sees_pay_of(self, employee_id: int | None) -> bool:
        """Pay fields and ID numbers: pay roles for rows in scope, and the employee themself."""
        return self.pay_fields or (employee_id is not None and employee_id == self.self_employee_id)


_CACHE_ATTR = "_meritline_scope"


def scope_for(user: Any) -> Scope:
    """The scope of ``user`` (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    employee = getattr(user, "employee", None) if _has_employee(user) else None
    self_id = employee.pk if employee is not None and employee.is_active else None
    roles: set[str] = set()
    regions: set[int] = set()
    departments: set[int] = set()
    teams: set[int] = set()
    for grant in user.role_grants.all():
        roles.add(grant.role)
        if grant.role == Role.HRBP:
            if grant.region_id:
                regions.add(grant.region_id)
            if grant.department_id:
                departments.add(grant.department_id)
        elif grant.role == Role.SALES_MANAGER and self_id is not None:
            teams.add(self_id)
    if user.is_superuser:
        roles.add(Role.HR_ADMIN)
    if self_id is not None:
        roles.add(Role.EMPLOYEE)
    scope = Scope(
        roles=frozenset(roles),
        all_rows=bool(roles & ALL_ROWS_ROLES),
        region_ids=frozenset(regions),
        department_ids=frozenset(departments),
        team_manager_ids=frozenset(teams),
        self_employee_id=self_id,
        pay_fields=bool(roles & PAY_ROLES),
        manage_org=Role.HR_ADMIN in roles,
        manage_people=bool(roles & {Role.HR_ADMIN, Role.HRBP}),
        read_audit=bool(roles & {Role.HR_ADMIN, Role.AUDITOR}),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _has_employee(user: Any) -> bool:
    try:
        return getattr(user, "employee", None) is not None
    except Exception:  # RelatedObjectDoesNotExist
        return False
