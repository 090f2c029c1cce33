"""The analytics pages: the rep's dashboard, leaderboards, a performance report per
employee and the platform comparison. Thin: parse, call one selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from meritline.analytics import charts
from meritline.analytics.forms import BoardForm
from meritline.analytics.selectors.boards import leaderboard
from meritline.analytics.selectors.compare import platform_comparison
from meritline.analytics.selectors.dashboard import rep_dashboard
from meritline.analytics.selectors.reports import employee_report
from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.org.views.common import org_view as analytics_view


@analytics_view
def dashboard(request: HttpRequest) -> HttpResponse:
    board = rep_dashboard(user=request.user)
    return render(request, "analytics/dashboard.html", {"board": board})


@analytics_view
def leaderboards(request: HttpRequest) -> HttpResponse:
    form = BoardForm(request.GET or None)
    choice: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        choice = {k: v for k, v in form.cleaned_data.items() if v is not None}
    elif form.is_bound:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    try:
        result = leaderboard(
            user=request.user, cycle_id=choice.get("cycle"), team_id=choice.get("team")
        )
    except NotFoundError as exc:
        messages.error(request, str(exc))
        result = leaderboard(user=request.user)
    return render(request, "analytics/leaderboards.html", {"result": result})


@analytics_view
def report(request: HttpRequest, employee_id: int) -> HttpResponse:
    result = employee_report(user=request.user, employee_id=employee_id)
    return render(request, "analytics/report.html", {"report": result})


@analytics_view
def my_report(request: HttpRequest) -> HttpResponse:
    me = scope_for(request.user).self_employee_id
    if me is None:
        raise NotFoundError(_("Your login has no employee record."))
    return report(request, me)


@analytics_view
def comparison(request: HttpRequest) -> HttpResponse:
    result = platform_comparison(user=request.user)
    return render(
        request,
        "analytics/comparison.html",
        {"comparison": result, "chart": charts.comparison_chart(result)},
    )
