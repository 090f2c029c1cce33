"""Navigation and the user's scope for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from meritline.core.access import Role, scope_for
from meritline.sales.selectors import todo_count
from meritline.sales.services.imports import importable_kinds


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "scope": scope,
        "user_roles": role_badges(scope.roles),
        "user_display_name": display_name(user),
        "may_import_sales": bool(importable_kinds(user)),
        # Evaluated only where the navigation shows it (a person's "my leads").
        "sales_todo": lambda: todo_count(user=user),
    }


def role_badges(roles: frozenset[str]) -> list[dict[str, str]]:
    """The user's roles, most powerful first, as ``{"code", "label"}`` for badges."""
    ordered = [role for role in Role if role.value in roles and role is not Role.EMPLOYEE]
    if Role.EMPLOYEE.value in roles:
        ordered.append(Role.EMPLOYEE)
    return [{"code": role.value, "label": str(role.label)} for role in ordered]


def display_name(user: Any) -> str:
    try:
        employee = user.employee
    except Exception:  # RelatedObjectDoesNotExist: a login without a person (e.g. an admin)
        employee = None
    if employee is not None:
        return str(employee.name)
    return str(user.get_full_name() or user.username)
