"""Plumbing shared by the OKR pages."""

from __future__ import annotations

from django.http import HttpRequest

from meritline.core.periods import Period, PeriodError, PeriodKind
from meritline.org.views.common import add_domain_error, bound, call_service, render_form, require
from meritline.org.views.common import org_view as okr_view
from meritline.performance.okr.services.common import current_period_code

__all__ = [
    "add_domain_error",
    "bound",
    "call_service",
    "okr_view",
    "period_of",
    "render_form",
    "require",
]


def period_of(request: HttpRequest) -> str:
    """The quarter asked for in ``?period=`` (the current one when missing or wrong)."""
    raw = request.GET.get("period", "")
    try:
        period = Period.parse(raw)
    except PeriodError:
        return current_period_code()
    return str(period) if period.kind is PeriodKind.QUARTER else current_period_code()
