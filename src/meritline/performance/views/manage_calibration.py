"""Calibration (PRF-5) and team points (PRF-4): per team the grade distribution against
the cycle's guideline, with a warning where a team departs from it, and each person's
grade to adjust with a mandatory reason; points granted to a whole team."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.org.models import Department
from meritline.performance import access, selectors
from meritline.performance.forms import GradeChangeForm, TeamAwardForm
from meritline.performance.models import CycleStatus
from meritline.performance.services.awards import team_award_grant
from meritline.performance.services.calibration import warning_text
from meritline.performance.views.manage_common import (
    call_service,
    may_lead,
    may_read_all,
    performance_view,
    render_form,
    require,
)


@performance_view
def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    require(may_read_all(request))
    teams = selectors.calibration_overview(user=request.user, cycle=cycle)
    team = request.GET.get("team", "")
    appraisals = (
        selectors.appraisal_list(user=request.user, cycle=cycle)
        .exclude(grade="")
        .select_related("calibrated_by__employee")
        .order_by("department__name", "-final_score", "employee__employee_no")
    )
    if team:
        appraisals = appraisals.filter(department__name=team)
    open_for_it = cycle.status in (CycleStatus.SCORING, CycleStatus.CALIBRATION)
    grades = [band["grade"] for band in cycle.grades.get("bands", [])]
    appraisals = list(appraisals)
    editable = (
        access.acts_on(request.user, [a.employee_id for a in appraisals])
        if open_for_it and may_lead(request)
        else set()
    )
    rows = [
        {
            "appraisal": a,
            "form": GradeChangeForm(grades=grades, initial={"grade": a.effective_grade})
            if a.employee_id in editable
            else None,
        }
        for a in appraisals
    ]
    return render(
        request,
        "performance/manage/cycles/calibration.html",
        {
            "cycle": cycle,
            "teams": teams,
            "warnings": [warning_text(w) for t in teams for w in t.warnings],
            "team": team,
            "rows": rows,
            "open_for_it": open_for_it,
            "here": request.get_full_path(),
        },
    )


@performance_view
@require_POST
def team_award(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_lead(request))
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    # Any team of the cycle is a valid choice; the service refuses teams not led.
    teams = Department.objects.filter(appraisals__cycle=cycle).distinct()
    form = TeamAwardForm(request.POST, teams=teams)
    if form.is_valid():
        ok, _award = call_service(
            form, team_award_grant, actor=request.user, cycle=cycle, **form.cleaned_data
        )
        if ok:
            messages.success(
                request,
                _("Points granted to %(team)s.") % {"team": form.cleaned_data["department"].name},
            )
            return redirect("performance:cycle_detail", pk=cycle.pk)
    form.fields["department"].queryset = Department.objects.filter(
        pk__in=[t for t, _n in selectors.cycle_teams(user=request.user, cycle=cycle)]
    )
    return render_form(
        request,
        "performance/manage/form_page.html",
        {
            "title": _("Grant points to a team"),
            "intro": cycle.label,
            "submit_label": _("Grant"),
            "cancel_url": reverse("performance:cycle_detail", args=[cycle.pk]),
            "breadcrumb_url": reverse("performance:cycle_detail", args=[cycle.pk]),
            "breadcrumb_label": cycle.label,
            "action": reverse("performance:team_award", args=[cycle.pk]),
        },
        form,
    )
