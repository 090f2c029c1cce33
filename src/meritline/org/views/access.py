"""Logins and roles of an employee (HR admins): grant and revoke roles, disable and
re-enable the login, set a new password (SPEC PLT-3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.access import Role, scope_for
from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.core.models import User
from meritline.org import selectors_access as access
from meritline.org.forms_access import PasswordForm, RoleGrantForm
from meritline.org.models import Employee
from meritline.org.services import logins
from meritline.org.views.common import bound, call_service, org_view, render_form, require

FORM_TEMPLATE = "org/form_page.html"
PASSWORD_ALIASES = {"password": "password1"}


def _login_of(request: HttpRequest, pk: int) -> tuple[Employee, User]:
    """The employee (404 outside the scope) and login (404 without one), for HR admins (403)."""
    employee, login = access.login_employee(user=request.user, pk=pk)
    require(scope_for(request.user).manage_org)
    return employee, login


def _context(employee: Employee, login: User, title: str, submit: str, **extra: Any) -> dict:
    return {
        "title": title,
        "subtitle": f"{employee.name} · {login.username}",
        "submit_label": submit,
        "cancel_url": reverse("org:employee_detail", args=[employee.pk]),
        "employee": employee,
        **extra,
    }


def attempt(request: HttpRequest, service: Any, success: str, **kwargs: Any) -> bool:
    """Run a POST-only action; a refusal becomes an error message (the page redirects)."""
    try:
        service(**kwargs)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _back(employee: Employee) -> HttpResponse:
    return redirect(reverse("org:employee_detail", args=[employee.pk]) + "#login")


@org_view
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    employee, login = _login_of(request, pk)
    form = RoleGrantForm(bound(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        region, department = data["region"], data["department"]
        if access.has_grant(
            login=login,
            role=data["role"],
            region_id=getattr(region, "pk", None),
            department_id=getattr(department, "pk", None),
        ):
            form.add_error("role", _("%s already has this role.") % employee.name)
        else:
            ok, _grant = call_service(
                form,
                logins.role_grant,
                actor=request.user,
                user=login,
                role=data["role"],
                region=region,
                department=department,
            )
            if ok:
                messages.success(request, _("The role has been granted."))
                return _back(employee)
    intro = _(
        "An HR business partner sees the employees of a region or of a department subtree; "
        "the other roles are company-wide."
    )
    return render_form(
        request,
        "org/access/role_grant.html",
        {
            **_context(employee, login, _("Grant a role"), _("Grant the role"), intro=intro),
            "hrbp": Role.HRBP.value,
        },
        form,
    )


@require_POST
@org_view
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant, employee = access.grant_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_org)
    attempt(
        request,
        logins.role_revoke,
        _("The role has been revoked."),
        actor=request.user,
        grant=grant,
    )
    return _back(employee)


@require_POST
@org_view
def login_disable(request: HttpRequest, pk: int) -> HttpResponse:
    employee, login = _login_of(request, pk)
    attempt(
        request,
        logins.user_disable,
        _("The login %s has been disabled.") % login.username,
        actor=request.user,
        user=login,
    )
    return _back(employee)


@org_view
def login_enable(request: HttpRequest, pk: int) -> HttpResponse:
    employee, login = _login_of(request, pk)
    form = PasswordForm(bound(request), user=login)
    if form.is_bound and form.is_valid():
        ok, _user = call_service(
            form,
            logins.user_enable,
            aliases=PASSWORD_ALIASES,
            actor=request.user,
            user=login,
            password=form.cleaned_data["password1"],
        )
        if ok:
            messages.success(request, _("The login %s has been re-enabled.") % login.username)
            return _back(employee)
    intro = _(
        "Disabling the login discarded its password: give it a new one and tell the employee."
    )
    return render_form(
        request,
        FORM_TEMPLATE,
        _context(employee, login, _("Re-enable the login"), _("Re-enable"), intro=intro),
        form,
    )


@org_view
def login_password(request: HttpRequest, pk: int) -> HttpResponse:
    employee, login = _login_of(request, pk)
    form = PasswordForm(bound(request), user=login)
    if form.is_bound and form.is_valid():
        ok, _user = call_service(
            form,
            logins.user_set_password,
            aliases=PASSWORD_ALIASES,
            actor=request.user,
            user=login,
            password=form.cleaned_data["password1"],
        )
        if ok:
            if login.pk == request.user.pk:
                update_session_auth_hash(request, login)
            messages.success(request, _("The new password has been set."))
            return _back(employee)
    intro = _("The employee's open sessions end; they sign in again with the new password.")
    return render_form(
        request,
        FORM_TEMPLATE,
        _context(employee, login, _("Set a new password"), _("Set the password"), intro=intro),
        form,
    )
