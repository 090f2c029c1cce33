"""The estimator (PRF-7: "if it closes at ¥X this month, you earn ¥Y and move from bracket
A to B") and the what-if of a draft plan version on a past period."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from meritline.core.money import to_yuan
from meritline.incentives import access
from meritline.incentives.forms import EstimateForm, WhatIfForm
from meritline.incentives.services.estimate import estimate
from meritline.incentives.services.whatif import WhatIf, what_if
from meritline.incentives.views.common import (
    call_service,
    incentives_view,
    may_manage,
    render_form,
    require,
)
from meritline.org.models import Employee, EmployeeStatus
from meritline.sales import selectors as sales_selectors
from meritline.sales.models import TERMINAL, Lead

SOURCE_KINDS = {"marketing": "marketing", "self_sourced": "self", "referral": "referral"}
BUCKETS = 12


def _people(user: Any) -> QuerySet[Employee] | None:
    """Whom the user may estimate for besides themselves; None when only themselves."""
    visible = access.visible_payee_ids(user)
    active = Employee.objects.filter(status=EmployeeStatus.ACTIVE).order_by("employee_no")
    if visible is None:
        return active
    if len(visible) <= 1:
        return None
    return active.filter(pk__in=visible)


def _open_leads(user: Any) -> list[Lead]:
    me = access.self_employee_id(user)
    if me is None:
        return []
    return list(
        sales_selectors.lead_list(user=user)
        .filter(owner_id=me)
        .exclude(step__in=TERMINAL)
        .select_related("customer", "platform")
        .order_by("-step_at", "-pk")[:50]
    )


def _context(lead: Lead | None) -> dict[str, Any]:
    """The deal context an open lead gives the estimate."""
    if lead is None:
        return {}
    customer = lead.customer
    return {
        "platform": lead.platform.code if lead.platform_id else "",
        "customer_kind": customer.kind if customer is not None else "enterprise",
        "is_new_customer": customer is None or not customer.deals.exists(),
        "lead_source_kind": SOURCE_KINDS.get(lead.source_kind, "self"),
    }


@incentives_view
def estimator(request: HttpRequest) -> HttpResponse:
    user = request.user
    me = Employee.objects.filter(pk=access.self_employee_id(user)).first()
    people = _people(user)
    require(me is not None or people is not None)
    leads = _open_leads(user)
    submitted = "amount" in request.GET
    form = EstimateForm(
        request.GET if submitted else None,
        people=people,
        leads=[(lead.pk, f"{lead.number} · {lead.company_name}") for lead in leads],
        initial={"lead": request.GET.get("lead") or None},
    )
    result = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        employee = data.get("employee") or me
        lead = next((lead for lead in leads if lead.pk == data.get("lead")), None)
        if employee is None:
            form.add_error("employee", _("Choose whom to estimate for."))
        else:
            _ok, result = call_service(
                form,
                estimate,
                aliases={"amount_fen": "amount"},
                actor=user,
                employee=employee,
                amount_fen=data["amount"],
                is_repurchase=data["is_repurchase"],
                **_context(lead),
            )
    return render_form(
        request, "incentives/tools/estimate.html", {"result": result, "has_me": me}, form
    )


def _distribution(result: WhatIf) -> dict[str, Any]:
    """Deltas per payee (yuan) bucketed for a bar chart; floats only for drawing."""
    deltas = [p.delta_fen for p in result.payees]
    if not deltas:
        return {"labels": [], "counts": [], "series": _("Payees")}
    low, high = min(deltas), max(deltas)
    if low == high:
        return {"labels": [f"{to_yuan(low):,.0f}"], "counts": [len(deltas)], "series": _("Payees")}
    width = -(-(high - low) // BUCKETS)
    counts = [0] * BUCKETS
    for delta in deltas:
        counts[min((delta - low) // width, BUCKETS - 1)] += 1
    labels = [
        f"{to_yuan(low + i * width):,.0f}…{to_yuan(low + (i + 1) * width):,.0f}"
        for i in range(BUCKETS)
    ]
    return {"labels": labels, "counts": counts, "series": _("Payees")}


@incentives_view
def whatif(request: HttpRequest) -> HttpResponse:
    require(may_manage(request))
    submitted = "period" in request.GET
    form = WhatIfForm(request.GET if submitted else None)
    result = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        _ok, result = call_service(
            form,
            what_if,
            actor=request.user,
            draft_version=data["draft_version"],
            period=data["period"],
        )
    context: dict[str, Any] = {"result": result}
    if result is not None:
        rows = sorted(result.payees, key=lambda p: (-abs(p.delta_fen), p.employee_no))
        context["page_obj"] = Paginator(rows, 25).get_page(request.GET.get("page"))
        context["chart"] = _distribution(result)
        context["changed"] = sum(1 for p in result.payees if p.delta_fen)
    return render_form(request, "incentives/tools/whatif.html", context, form)
