"""Logins and roles: create, disable, re-enable, set a password; grant and revoke roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meritline.core import audit
from meritline.core.access import Role, forget_scope
from meritline.core.errors import DomainError
from meritline.core.models import User
from meritline.org.models import Department, Employee, Region, RoleGrant
from meritline.org.services.common import require_manage_employee, require_manage_org


def password_problems(password: str, user: User | None) -> list[str]:
    """What Django's password validators say about ``password`` (empty when it is fine).

    Django 5.2 reworded the too-short message and its Simplified Chinese catalogue lags
    behind, so that one message is our own.
    """
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [
            _too_short(error) or message
            for error, message in zip(exc.error_list, exc.messages, strict=True)
        ]
    return []


def _too_short(error: ValidationError) -> str:
    if error.code != "password_too_short":
        return ""
    count = (error.params or {}).get("min_length", 8)
    return ngettext(
        "This password is too short: use at least %(count)d character.",
        "This password is too short: use at least %(count)d characters.",
        count,
    ) % {"count": count}


def _check_password(password: str, user: User) -> None:
    """Django's password validators; their messages become one error on ``password``."""
    if not password:
        raise DomainError("required", _("A password is required."), field="password")
    problems = password_problems(password, user)
    if problems:
        raise DomainError("weak_password", " ".join(problems), field="password")


def _employee_of(user: User) -> Employee | None:
    return Employee.objects.filter(user=user).first()


def _lock(user: User) -> None:
    """Lock the login's row and reload what the services read, keeping the caller's object."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    user.refresh_from_db(fields=["is_active", "password"])


def _is_actor(actor: Any, user: User) -> bool:
    return getattr(actor, "pk", None) is not None and actor.pk == user.pk


@transaction.atomic
def user_create_for_employee(
    *, actor: Any, employee: Employee, username: str, password: str
) -> User:
    """Give an employee a login (role: employee, i.e. self)."""
    require_manage_employee(actor, employee)
    if employee.user_id:
        raise DomainError("has_login", _("%s already has a login.") % employee.name)
    if not username.strip():
        raise DomainError("required", _("A username is required."), field="username")
    if User.objects.filter(username=username.strip()).exists():
        raise DomainError(
            "duplicate_username", _("The username %s is taken.") % username, field="username"
        )
    user = User(username=username.strip(), email=employee.email)
    user.set_password(password)
    user.save()
    employee.user = user
    employee.save(update_fields=["user"])
    audit.record(
        actor=actor,
        action="org.user.create",
        target=user,
        after={"username": user.username, "employee": employee.pk},
    )
    return user


@transaction.atomic
def user_disable(*, actor: Any, user: User, audited: bool = True) -> None:
    """Disable a login; the unusable password changes the session hash, so every
    open session of the user ends at its next request.

    ``audited=False`` is for callers that audit the whole change themselves (leaving).
    An HR admin cannot disable their own login; disabling a disabled login changes nothing.
    """
    if audited:
        require_manage_org(actor)
        if _is_actor(actor, user):
            raise DomainError("self_disable", _("You cannot disable your own login."))
    _lock(user)
    if audited and not user.is_active:
        return
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    forget_scope(user)
    if audited:
        audit.record(actor=actor, action="org.user.disable", target=user, after={"active": False})


@transaction.atomic
def user_enable(*, actor: Any, user: User, password: str) -> User:
    """Re-enable a disabled login with a new password (disabling discarded the old one).

    Refused for a login that is active, and for one whose employee has left.
    """
    require_manage_org(actor)
    _lock(user)
    if user.is_active:
        raise DomainError("login_active", _("This login is already active."))
    employee = _employee_of(user)
    if employee is not None and not employee.is_active:
        raise DomainError(
            "employee_left",
            _("%s has left; their login stays disabled.") % employee.name,
        )
    _check_password(password, user)
    user.is_active = True
    user.set_password(password)
    user.save(update_fields=["is_active", "password"])
    forget_scope(user)
    audit.record(
        actor=actor,
        action="org.user.enable",
        target=user,
        after={"active": True, "password": "***"},
    )
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> User:
    """Set a new password; the user's other sessions end at their next request."""
    require_manage_org(actor)
    _lock(user)
    if not user.is_active:
        raise DomainError(
            "login_disabled",
            _("This login is disabled; re-enable it to give it a password."),
        )
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="org.user.password", target=user, after={"password": "***"})
    return user


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Region | None = None,
    department: Department | None = None,
) -> RoleGrant:
    """Grant a role. An HR business partner needs a region or a department subtree.

    Granting a role the user already has (with the same scope) changes nothing.
    """
    require_manage_org(actor)
    if role not in Role.values:
        raise DomainError("role", _("Unknown role “%s”.") % role, field="role")
    if role == Role.HRBP and region is None and department is None:
        raise DomainError(
            "hrbp_scope",
            _("An HR business partner needs a region or a department."),
            field="region",
        )
    if role == Role.SALES_MANAGER and not hasattr(user, "employee"):
        raise DomainError(
            "manager_needs_employee",
            _("A sales manager's login must belong to an employee."),
            field="role",
        )
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, region=region, department=department
    )
    if created:
        audit.record(
            actor=actor,
            action="org.role.grant",
            target=user,
            after={
                "role": role,
                "region": getattr(region, "pk", None),
                "department": getattr(department, "pk", None),
            },
        )
    forget_scope(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    """Revoke a role grant. An HR admin cannot revoke their own HR admin role."""
    require_manage_org(actor)
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.role == Role.HR_ADMIN and _is_actor(actor, grant.user):
        raise DomainError("self_admin", _("You cannot revoke your own HR admin role."))
    audit.record(
        actor=actor,
        action="org.role.revoke",
        target=grant.user,
        before={"role": grant.role, "region": grant.region_id, "department": grant.department_id},
    )
    grant.delete()
    forget_scope(grant.user)
