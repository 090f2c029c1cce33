"""Customer pages: list, export, detail with the deals and leads the user sees."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from meritline.core.listing import apply_sort
from meritline.core.money import to_yuan
from meritline.sales import selectors
from meritline.sales import selectors_pages as pages
from meritline.sales.forms import CustomerFilterForm
from meritline.sales.views.common import export, listing, sales_view

SORTS = {
    "name": "name",
    "kind": "kind",
    "industry": "industry",
    "region": "region__name",
    "platform": "platform__code",
    "first_purchase": "first_purchase_on",
    "deals": "deal_count",
    "sales": "sales_fen",
}
DEFAULT_SORT = "name"


def _filtered(request: HttpRequest) -> tuple[CustomerFilterForm, Any]:
    form = CustomerFilterForm(request.GET, user=request.user)
    return form, pages.customer_rows(user=request.user, filters=form.filters())


@sales_view
def customer_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    return render(
        request,
        "sales/customers/list.html",
        {
            "filter_form": form,
            "filtered": form.active,
            **listing(request, rows, SORTS, DEFAULT_SORT),
        },
    )


@sales_view
def customer_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _filtered(request)
    rows, _sort = apply_sort(rows, request, SORTS, DEFAULT_SORT)
    return export(
        request,
        rows=rows,
        headers=[
            _("Customer"),
            _("Kind"),
            _("Industry"),
            _("Region"),
            _("Sales platform"),
            _("First purchase"),
            _("Deals"),
            _("Sales (yuan)"),
            _("Source system"),
            _("External id"),
        ],
        row=lambda c: [
            c.name,
            c.get_kind_display(),
            c.industry,
            c.region.name if c.region else "",
            c.platform.name,
            c.first_purchase_on.isoformat() if c.first_purchase_on else "",
            c.deal_count,
            to_yuan(c.sales_fen),
            c.source,
            c.external_id,
        ],
        filename="customers",
    )


@sales_view
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    customer = selectors.customer_get(user=user, pk=pk)
    deals = list(pages.customer_deals(user=user, customer=customer))
    for deal in deals:
        deal.segment = pages.segment_label(deal.amount_fen, deal.threshold_fen)
    active = [d for d in deals if not d.is_cancelled]
    return render(
        request,
        "sales/customers/detail.html",
        {
            "customer": customer,
            "deals": deals,
            "leads": list(pages.customer_leads(user=user, customer=customer)),
            "sales_fen": sum(d.net_fen for d in active),
            "collected_fen": sum(d.collected_fen for d in active),
            "deal_count": len(active),
        },
    )
