"""Line dispute pages: the queue (finance and HR admins decide; payees follow their own),
one dispute with the decide form (adjust by an amount, or reject with the reason)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.incentives import selectors
from meritline.incentives.forms import DisputeDecideForm
from meritline.incentives.models import DisputeStatus, LineDispute
from meritline.incentives.services.disputes import line_dispute_decide
from meritline.incentives.text import line_text
from meritline.incentives.views.common import (
    bound,
    call_service,
    incentives_view,
    listing,
    may_manage,
    require,
)

SORTS = {
    "raised_at": "raised_at",
    "due_at": "due_at",
    "payee": "payee__name",
    "period": "run__period",
    "status": "status",
    "amount": "line__amount_fen",
}
ALL = "all"


@incentives_view
def dispute_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.dispute_list(user=request.user).select_related(
        "run__plan_version__plan", "applied_run"
    )
    status = request.GET.get("status", DisputeStatus.OPEN if may_manage(request) else ALL)
    if status in DisputeStatus.values:
        rows = rows.filter(status=status)
    open_only = status == DisputeStatus.OPEN
    return render(
        request,
        "incentives/disputes/list.html",
        {
            "statuses": DisputeStatus.choices,
            "status": status,
            "now": timezone.now(),
            "can_decide": may_manage(request),
            **listing(request, rows, SORTS, "due_at" if open_only else "-raised_at"),
        },
    )


def _detail(
    request: HttpRequest, dispute: LineDispute, form: DisputeDecideForm | None
) -> HttpResponse:
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "incentives/disputes/detail.html",
        {
            "dispute": dispute,
            "line": dispute.line,
            "text": line_text(dispute.line),
            "form": form,
            "now": timezone.now(),
        },
        status=status,
    )


def _may_decide(request: HttpRequest, dispute: LineDispute) -> bool:
    return may_manage(request) and dispute.status == DisputeStatus.OPEN


@incentives_view
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    form = DisputeDecideForm() if _may_decide(request, dispute) else None
    return _detail(request, dispute, form)


@incentives_view
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    require(_may_decide(request, dispute))
    form = DisputeDecideForm(bound(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        adjust = data["decision"] == DisputeDecideForm.ADJUST
        ok, decided = call_service(
            form,
            line_dispute_decide,
            aliases={"adjustment_fen": "amount"},
            actor=request.user,
            dispute=dispute,
            decision=data["decision"],
            reason=data["reason"],
            adjustment_fen=data["amount"] if adjust else None,
        )
        if ok:
            messages.success(
                request,
                _("The dispute is decided: %(status)s.") % {"status": decided.get_status_display()},
            )
            return redirect("incentives:dispute_detail", pk=dispute.pk)
    return _detail(request, dispute, form)
