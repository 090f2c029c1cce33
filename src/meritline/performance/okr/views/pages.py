"""Reading pages: my OKRs (phone first), the alignment tree, one objective."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meritline.core.access import scope_for
from meritline.core.periods import Period
from meritline.performance.okr import access, selectors
from meritline.performance.okr.forms import CheckInForm, GradeForm
from meritline.performance.okr.models import GradeStatus, Objective, OkrPeriod
from meritline.performance.okr.views.common import okr_view, period_of

CENT = Decimal("0.01")


def _period_context(request: HttpRequest, code: str) -> dict[str, object]:
    period = Period.parse(code)
    row = OkrPeriod.objects.filter(code=code).first()
    return {
        "period": code,
        "period_row": row,
        "previous_period": str(period.previous()),
        "next_period": str(period.next()),
        "is_hr_admin": access.is_hr_admin(request.user),
    }


@okr_view
def my_okrs(request: HttpRequest) -> HttpResponse:
    code = period_of(request)
    objectives = selectors.my_objectives(user=request.user, period=code)
    reports = selectors.reports_objectives(user=request.user, period=code)
    return render(
        request,
        "okr/mine.html",
        {
            **_period_context(request, code),
            "objectives": objectives,
            "reports": reports,
            "check_in_form": CheckInForm(),
            "has_employee": scope_for(request.user).self_employee_id is not None,
        },
    )


@okr_view
def tree(request: HttpRequest) -> HttpResponse:
    code = period_of(request)
    return render(
        request,
        "okr/tree.html",
        {
            **_period_context(request, code),
            "roots": selectors.alignment_tree(user=request.user, period=code),
        },
    )


def detail_context(
    request: HttpRequest, objective: Objective, **forms: object
) -> dict[str, object]:
    """What the objective page shows, forms included (``forms`` replace the blank ones
    when a submitted form is shown again with its errors)."""
    user = request.user
    is_open = objective.period.is_open
    reviewable = (
        is_open
        and access.may_review(user, objective)
        and objective.owner_id != scope_for(user).self_employee_id
        and objective.grade_status in (GradeStatus.SUBMITTED, GradeStatus.REVIEWED)
    )
    computed = objective.score()
    own = objective.self_score
    suggestion = own if own is not None else computed.quantize(CENT)
    return {
        "objective": objective,
        "computed": computed,
        "writable": is_open and access.may_write(user, objective),
        "is_owner": objective.owner_id == scope_for(user).self_employee_id,
        "reviewable": reviewable,
        "has_metric": any(kr.metric for kr in objective.key_results.all()),
        "check_ins": selectors.check_in_list(user=user, objective=objective)[:50],
        "chart": selectors.progress_chart(user=user, objective=objective),
        "children": selectors.objective_list(user=user).filter(parent=objective),
        "check_in_form": CheckInForm(),
        "grade_form": GradeForm(initial={"score": suggestion}),
        "review_form": GradeForm(
            initial={"score": objective.final_score if objective.final_score is not None else own}
        ),
        **forms,
    }


@okr_view
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(user=request.user, pk=pk)
    return render(request, "okr/detail.html", detail_context(request, objective))
