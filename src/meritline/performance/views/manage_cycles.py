"""Cycle pages (PRF-3, PRF-4): the cycles, opening one (or every one that is due), a
cycle with its appraisals (scoped), scoring it and closing it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.core.listing import paginate
from meritline.org.models import Department, Platform
from meritline.performance import selectors
from meritline.performance.forms import CycleOpenForm, TeamAwardForm
from meritline.performance.models import Cycle, CycleStatus
from meritline.performance.services.cycles import cycle_close, cycle_open
from meritline.performance.services.schedule import cycles_open_due, due_period, due_summary
from meritline.performance.services.scoring import cycle_score
from meritline.performance.views.manage_common import (
    bound,
    call_service,
    may_lead,
    may_manage,
    may_read_all,
    performance_view,
    render_form,
    require,
)


@performance_view
def cycle_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.cycle_list(user=request.user).order_by("-as_of", "platform__code")
    status = request.GET.get("status", "")
    if status in CycleStatus.values:
        rows = rows.filter(status=status)
    due = []
    if may_manage(request):
        today = timezone.localdate()
        for platform in Platform.objects.filter(launched_on__lte=today):
            cadence, period = due_period(platform, today)
            if not Cycle.objects.filter(platform=platform, period=str(period)).exists():
                due.append({"platform": platform, "period": str(period), "cadence": cadence})
    return render(
        request,
        "performance/manage/cycles/list.html",
        {
            "page_obj": paginate(rows, request),
            "status": status,
            "statuses": CycleStatus.choices,
            "can_write": may_manage(request),
            "due": due,
        },
    )


@performance_view
def cycle_new(request: HttpRequest) -> HttpResponse:
    require(may_manage(request))
    form = CycleOpenForm(bound(request))
    if form.is_bound and form.is_valid():
        ok, cycle = call_service(
            form,
            cycle_open,
            aliases={
                "grades": "grades",
                "guideline": "guideline_max",
                "rater_rules": "rater_weights",
            },
            actor=request.user,
            **form.service_kwargs(),
        )
        if ok:
            messages.success(
                request,
                _("Cycle %(cycle)s opened with %(count)d appraisals.")
                % {"cycle": cycle.label, "count": cycle.appraisals.count()},
            )
            return redirect("performance:cycle_detail", pk=cycle.pk)
    return render_form(
        request,
        "performance/manage/form_page.html",
        {
            "title": _("Open an appraisal cycle"),
            "intro": _(
                "New platforms cycle monthly, mature ones quarterly or half-yearly. The "
                "template in force and these rules are frozen into every appraisal."
            ),
            "submit_label": _("Open the cycle"),
            "cancel_url": reverse("performance:cycle_list"),
            "breadcrumb_url": reverse("performance:cycle_list"),
            "breadcrumb_label": _("Appraisal cycles"),
        },
        form,
    )


@performance_view
@require_POST
def cycle_open_due(request: HttpRequest) -> HttpResponse:
    require(may_manage(request))
    result = cycles_open_due(as_of=timezone.localdate(), actor=request.user)
    messages.success(request, due_summary(result))
    for where, why in result.skipped:
        messages.warning(request, f"{where}: {why}")
    return redirect("performance:cycle_list")


def grade_counts(appraisals: Any, grades: list[str]) -> list[tuple[str, int]]:
    counts = Counter(a.calibrated_grade or a.grade for a in appraisals if a.grade)
    return [(grade, counts.get(grade, 0)) for grade in grades]


@performance_view
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    appraisals = selectors.appraisal_list(user=request.user, cycle=cycle).order_by(
        "department__name", "-final_score", "employee__employee_no"
    )
    grades = [band["grade"] for band in cycle.grades.get("bands", [])]
    counts = grade_counts(list(appraisals), grades)
    teams = Department.objects.filter(
        pk__in=[team for team, _name in selectors.cycle_teams(user=request.user, cycle=cycle)]
    )
    can_award = may_lead(request) and cycle.status in (CycleStatus.OPEN, CycleStatus.SCORING)
    return render(
        request,
        "performance/manage/cycles/detail.html",
        {
            "cycle": cycle,
            "page_obj": paginate(appraisals, request, per_page=50),
            "counts": counts,
            "chart": {
                "labels": [g for g, _n in counts],
                "values": [n for _g, n in counts],
                "name": _("Appraisals"),
            },
            "awards": selectors.award_list(user=request.user, cycle=cycle).select_related(
                "appraisal__employee", "granted_by__employee"
            ),
            "can_write": may_manage(request),
            "can_calibrate": may_read_all(request) and cycle.status != CycleStatus.OPEN,
            "award_form": TeamAwardForm(teams=teams) if can_award and teams else None,
        },
    )


def _act(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    require(may_manage(request))
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    try:
        cycle = service(actor=request.user, cycle=cycle)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % {"cycle": cycle.label})
    return redirect("performance:cycle_detail", pk=pk)


@performance_view
@require_POST
def cycle_score_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, cycle_score, _("Cycle %(cycle)s scored."))


@performance_view
@require_POST
def cycle_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, cycle_close, _("Cycle %(cycle)s closed; its results are locked."))
