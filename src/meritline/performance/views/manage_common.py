"""Plumbing shared by the performance management pages: login and error mapping (as the
other apps' pages), and who may do what."""

from __future__ import annotations

from django.http import HttpRequest

from meritline.core.access import scope_for
from meritline.org.views.common import (
    add_domain_error,
    bound,
    call_service,
    render_form,
    require,
)
from meritline.org.views.common import org_view as performance_view
from meritline.performance import access

__all__ = [
    "add_domain_error",
    "bound",
    "call_service",
    "may_lead",
    "may_manage",
    "may_read_all",
    "performance_view",
    "render_form",
    "require",
]


def may_manage(request: HttpRequest) -> bool:
    """HR admins: templates, cycles, company/platform/team targets."""
    return access.manages_performance(request.user)


def may_lead(request: HttpRequest) -> bool:
    """HR admins, HRBPs and sales managers: act on the appraisals and targets of their
    people."""
    return access.leads_people(request.user)


def may_read_all(request: HttpRequest) -> bool:
    """Those who read every appraisal (HR admins, finance, auditors) or lead people."""
    return scope_for(request.user).all_rows or may_lead(request)
