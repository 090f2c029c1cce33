"""Plumbing shared by the incentive pages: the sales pages' helpers, and who may see what."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from meritline.incentives import access
from meritline.sales.views.common import (
    add_domain_error,
    bound,
    call_service,
    export,
    listing,
    render_form,
    require,
)
from meritline.sales.views.common import sales_view as incentives_view

__all__ = [
    "FORM_TEMPLATE",
    "add_domain_error",
    "bound",
    "call_service",
    "export",
    "incentives_view",
    "listing",
    "may_manage",
    "may_read_all",
    "render_form",
    "require",
    "user_name",
]

FORM_TEMPLATE = "incentives/form_page.html"


def may_manage(request: HttpRequest) -> bool:
    """Finance or an HR admin: writes plans, terms and runs, decides disputes."""
    return access.manages_incentives(request.user)


def may_read_all(request: HttpRequest) -> bool:
    """Finance, HR admins and auditors: read plans, terms, runs and every statement."""
    return access.reads_all(request.user)


def user_name(user: Any) -> str:
    """A login as the person behind it (or its username)."""
    if user is None:
        return ""
    employee = getattr(user, "employee", None)  # RelatedObjectDoesNotExist is an AttributeError
    return employee.name if employee is not None else user.get_username()
