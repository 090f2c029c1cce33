"""Statement pages: the rep's own, the statements a manager or finance may see, one
payee's statement for a period with every line in words, its PDF, and questioning a line."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from meritline.core.access import Role, scope_for
from meritline.core.errors import NotFoundError
from meritline.incentives import access, selectors
from meritline.incentives.forms import LineDisputeForm, PeriodFilterForm
from meritline.incentives.pdf import statement_pdf as build_pdf
from meritline.incentives.services.disputes import line_dispute_raise
from meritline.incentives.text import line_text
from meritline.incentives.views.common import (
    bound,
    call_service,
    incentives_view,
    listing,
    render_form,
    require,
)
from meritline.incentives.views.statement_data import StatementData, statement_data

SORTS = {
    "period": "run__period",
    "employee_no": "payee__employee_no",
    "name": "payee__name",
    "plan": "run__plan_version__plan__code",
    "earned": "earned_fen",
    "payable": "payable_fen",
}


def _render(request: HttpRequest, data: StatementData) -> HttpResponse:
    return render(request, "incentives/statements/detail.html", {"data": data})


@incentives_view
def my_statement(request: HttpRequest) -> HttpResponse:
    me = access.self_employee_id(request.user)
    if me is None:
        raise PermissionDenied(_("Your login has no employee record."))
    period = request.GET.get("period") or None
    try:
        data = statement_data(user=request.user, employee_id=me, period=period)
    except NotFoundError:
        if period:
            raise
        return render(request, "incentives/statements/none.html", {})
    return _render(request, data)


@incentives_view
def statement_list(request: HttpRequest) -> HttpResponse:
    """Statements of the payees the user sees (a manager's team, everyone for finance)."""
    require(access.reads_all(request.user) or scope_for(request.user).has(Role.SALES_MANAGER))
    form = PeriodFilterForm(request.GET)
    values = form.values()
    rows = selectors.statement_list(user=request.user)
    if values["period"]:
        rows = rows.filter(run__period=values["period"])
    if values["q"]:
        rows = rows.filter(
            Q(payee__name__icontains=values["q"]) | Q(payee__employee_no__icontains=values["q"])
        )
    return render(
        request,
        "incentives/statements/list.html",
        {
            "filter_form": form,
            "filtered": form.active,
            **listing(request, rows, SORTS, "-period"),
        },
    )


@incentives_view
def statement_detail(request: HttpRequest, employee: int, period: str) -> HttpResponse:
    return _render(request, statement_data(user=request.user, employee_id=employee, period=period))


@incentives_view
def statement_pdf(request: HttpRequest, employee: int, period: str) -> HttpResponse:
    data = statement_data(user=request.user, employee_id=employee, period=period)
    response = HttpResponse(build_pdf(data), content_type="application/pdf")
    name = f"statement-{data.employee.employee_no}-{data.period}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@incentives_view
def line_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(user=request.user, pk=pk)
    require(access.self_employee_id(request.user) == line.payee_id)
    form = LineDisputeForm(bound(request))
    back = reverse("incentives:statement_detail", args=[line.payee_id, line.run.period])
    if form.is_bound and form.is_valid():
        ok, _dispute = call_service(
            form, line_dispute_raise, actor=request.user, line=line, **form.cleaned_data
        )
        if ok:
            messages.success(
                request,
                _("Your question has been sent to finance; you will see the answer here."),
            )
            return redirect(back)
    return render_form(
        request,
        "incentives/statements/dispute.html",
        {"line": line, "text": line_text(line), "cancel_url": back},
        form,
    )
