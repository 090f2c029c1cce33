"""Run pages: the runs, the calculate form (a background job), a run with its totals and
statements per payee (sortable, paged, exported) and its calculation's progress,
recalculate / approve / close, and the payroll hand-off of a closed run."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.core.listing import apply_sort
from meritline.core.money import to_yuan
from meritline.incentives import selectors
from meritline.incentives.forms import CalculateForm
from meritline.incentives.models import CalculationJob, JobStatus, Run, RunStatus
from meritline.incentives.services.jobs import job_progress, latest_job, run_calculation_queue
from meritline.incentives.services.runs import run_approve, run_close
from meritline.incentives.views.common import (
    bound,
    call_service,
    export,
    incentives_view,
    listing,
    may_manage,
    may_read_all,
    render_form,
    require,
)
from meritline.org.models import Employee

RUN_SORTS = {
    "period": "period",
    "plan": "plan_version__plan__code",
    "status": "status",
    "payable": "payable_fen",
    "lines": "line_count",
    "calculated_at": "calculated_at",
}
STATEMENT_SORTS = {
    "employee_no": "payee__employee_no",
    "name": "payee__name",
    "earned": "earned_fen",
    "held": "held_fen",
    "released": "released_fen",
    "adjustment": "adjustment_fen",
    "payable": "payable_fen",
    "carried": "carried_out_fen",
}
TOTALS = (
    "earned_fen",
    "cap_cut_fen",
    "held_fen",
    "released_fen",
    "clawed_back_fen",
    "adjustment_fen",
    "carried_in_fen",
    "payable_fen",
    "carried_out_fen",
)


@incentives_view
def run_list(request: HttpRequest) -> HttpResponse:
    require(may_read_all(request))
    rows = selectors.run_list(user=request.user)
    status = request.GET.get("status", "")
    if status in RunStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "incentives/runs/list.html",
        {
            "statuses": RunStatus.choices,
            "status": status,
            "can_write": may_manage(request),
            **listing(request, rows, RUN_SORTS, "-period"),
        },
    )


@incentives_view
def run_new(request: HttpRequest) -> HttpResponse:
    require(may_manage(request))
    form = CalculateForm(bound(request), initial=_initial(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, job = call_service(
            form,
            run_calculation_queue,
            actor=request.user,
            plan_version=data["plan_version"],
            period=data["period"],
            scope=data["scope"],
        )
        if ok:
            _queued_message(request, job)
            return redirect("incentives:run_detail", pk=job.run_id)
    return render_form(
        request,
        "incentives/runs/new.html",
        {"cancel_url": reverse("incentives:run_list")},
        form,
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    return {k: request.GET[k] for k in ("plan_version", "period", "scope") if request.GET.get(k)}


def _queued_message(request: HttpRequest, job: CalculationJob) -> None:
    """Say what became of a queued calculation: done at once (eager mode), or queued.
    A failure is shown by the run page itself."""
    job.refresh_from_db()
    run = job.run
    names = {"version": run.plan_version.label, "period": run.period}
    if job.status == JobStatus.DONE:
        messages.success(
            request,
            _("%(version)s calculated for %(period)s: %(lines)d lines.")
            % {**names, "lines": job.line_count or 0},
        )
    elif not job.finished:
        messages.info(
            request,
            _("The calculation of %(version)s for %(period)s is queued; this page follows it.")
            % names,
        )


def _statements(request: HttpRequest, run: Run) -> Any:
    rows = selectors.statement_list(user=request.user, run=run)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(Q(payee__name__icontains=query) | Q(payee__employee_no__icontains=query))
    return rows


def _render_run(request: HttpRequest, run: Run, error: str = "", status: int = 200) -> HttpResponse:
    statements = _statements(request, run)
    totals = selectors.statement_list(user=request.user, run=run).aggregate(
        **{name: Sum(name) for name in TOTALS}
    )
    manager = may_manage(request)
    job = latest_job(run)
    busy = job is not None and not job.finished
    return render(
        request,
        "incentives/runs/detail.html",
        {
            "run": run,
            "totals": {k: v or 0 for k, v in totals.items()},
            "payee_count": selectors.statement_list(user=request.user, run=run).count(),
            "q": request.GET.get("q", "").strip(),
            "error": error,
            "job": job,
            "busy": busy,
            "progress": job_progress(job) if busy and job is not None else None,
            "may_recalculate": manager and run.status == RunStatus.DRAFT and not busy,
            "may_approve": manager
            and run.status == RunStatus.DRAFT
            and run.calculated_at
            and not busy,
            "may_close": manager and run.status == RunStatus.APPROVED,
            "handoff": _handoff(run),
            **listing(request, statements, STATEMENT_SORTS, "employee_no"),
        },
        status=status,
    )


def _handoff(run: Run) -> dict[str, int] | None:
    if run.status != RunStatus.CLOSED:
        return None
    payable = selectors.payable_by_payee(run=run)
    return {"count": len(payable), "total_fen": sum(payable.values())}


def _run(request: HttpRequest, pk: int) -> Run:
    return selectors.run_get(user=request.user, pk=pk)


@incentives_view
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_run(request, _run(request, pk))


@incentives_view
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    rows, _sort = apply_sort(_statements(request, run), request, STATEMENT_SORTS, "employee_no")
    return export(
        request,
        rows=rows,
        headers=[
            _("Employee number"),
            _("Name"),
            _("Period"),
            _("Plan version"),
            _("Earned (yuan)"),
            _("Cut by caps (yuan)"),
            _("Held (yuan)"),
            _("Released (yuan)"),
            _("Clawed back (yuan)"),
            _("Adjustments (yuan)"),
            _("Carried in (yuan)"),
            _("Payable (yuan)"),
            _("Carried to next period (yuan)"),
            _("Points"),
        ],
        row=lambda s: [
            s.payee.employee_no,
            s.payee.name,
            run.period,
            run.plan_version.label,
            *[to_yuan(getattr(s, name)) for name in TOTALS],
            s.points,
        ],
        filename=f"incentives-{run.period}-{run.pk}",
    )


@incentives_view
def run_payable(request: HttpRequest, pk: int) -> HttpResponse:
    """The payroll hand-off of a closed run: payable amount per payee."""
    run = _run(request, pk)
    try:
        payable = selectors.payable_by_payee(run=run)
    except DomainError as exc:
        raise NotFoundError(exc.message) from exc
    people = Employee.objects.filter(pk__in=list(payable)).order_by("employee_no")
    return export(
        request,
        rows=people,
        headers=[
            _("Employee number"),
            _("Name"),
            _("Period"),
            _("Payable (yuan)"),
            _("Payable (fen)"),
        ],
        row=lambda p: [
            p.employee_no,
            p.name,
            run.period,
            to_yuan(payable[p.pk]),
            payable[p.pk],
        ],
        filename=f"payroll-handoff-{run.period}-{run.pk}",
    )


def _transition(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    require(may_manage(request))
    run = _run(request, pk)
    try:
        run = action(run)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        return _render_run(request, run, error=str(exc.message), status=400)
    messages.success(request, done % {"period": run.period, "version": run.plan_version.label})
    return redirect("incentives:run_detail", pk=run.pk)


@incentives_view
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the run's latest calculation stands, for the page's progress bar."""
    run = _run(request, pk)
    job = latest_job(run)
    if job is None:
        return JsonResponse({"phase": "none", "percent": 0, "finished": True, "status": ""})
    return JsonResponse(job_progress(job))


@incentives_view
@require_POST
def run_recalculate(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_manage(request))
    run = _run(request, pk)
    try:
        job = run_calculation_queue(
            actor=request.user, plan_version=run.plan_version, period=run.period, scope=run.scope
        )
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        return _render_run(request, run, error=str(exc.message), status=400)
    _queued_message(request, job)
    return redirect("incentives:run_detail", pk=run.pk)


@incentives_view
@require_POST
def run_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    return _transition(
        request,
        pk,
        lambda run: run_approve(actor=user, run=run),
        _("The run for %(period)s is approved and locked; reps now see their statements."),
    )


@incentives_view
@require_POST
def run_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    return _transition(
        request,
        pk,
        lambda run: run_close(actor=user, run=run),
        _("The run for %(period)s is closed; payroll reads its payable amounts."),
    )
