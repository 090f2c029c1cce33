"""Deal pages: list, export, detail with splits and the collections/refunds ledger, and
recording a collection, a refund or a cancellation (HR admins and finance)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from meritline.core.listing import apply_sort
from meritline.core.money import format_fen, to_yuan
from meritline.sales import access, selectors
from meritline.sales import selectors_pages as pages
from meritline.sales.forms import CancelForm, CollectionForm, DealFilterForm, RefundForm
from meritline.sales.models import Deal, Segment
from meritline.sales.services import payments
from meritline.sales.views.common import (
    FORM_TEMPLATE,
    bound,
    call_service,
    export,
    listing,
    render_form,
    require,
    sales_view,
)

SORTS = {
    "number": "number",
    "signed_on": "signed_on",
    "customer": "customer__name",
    "platform": "platform__code",
    "owner": "owner__name",
    "amount": "amount_fen",
    "collected": "collected_fen",
    "refunded": "refunded_fen",
    "status": "status",
}
DEFAULT_SORT = "-signed_on"


def _filtered(request: HttpRequest) -> tuple[DealFilterForm, Any]:
    form = DealFilterForm(request.GET, user=request.user)
    return form, pages.deal_rows(user=request.user, filters=form.filters())


def _with_segments(deals: list[Deal]) -> list[Deal]:
    for deal in deals:
        deal.segment = pages.segment_label(deal.amount_fen, deal.threshold_fen)
    return deals


@sales_view
def deal_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    context = listing(request, rows, SORTS, DEFAULT_SORT)
    _with_segments(list(context["page_obj"].object_list))
    return render(
        request,
        "sales/deals/list.html",
        {"filter_form": form, "filtered": form.active, **context},
    )


@sales_view
def deal_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _filtered(request)
    rows, _sort = apply_sort(rows, request, SORTS, DEFAULT_SORT)
    segments = dict(Segment.choices)
    return export(
        request,
        rows=rows,
        headers=[
            _("Contract number"),
            _("Signed on"),
            _("Customer"),
            _("Sales platform"),
            _("Owner"),
            _("Contract amount (yuan)"),
            _("Refunded (yuan)"),
            _("Collected (yuan)"),
            _("Segment"),
            _("Repurchase"),
            _("Status"),
            _("Lead number"),
            _("Source system"),
            _("External id"),
        ],
        row=lambda d: [
            d.number,
            d.signed_on.isoformat(),
            d.customer.name,
            d.platform.name,
            d.owner.name,
            to_yuan(d.amount_fen),
            to_yuan(d.refunded_fen),
            to_yuan(d.collected_fen),
            segments.get(pages.segment_label(d.amount_fen, d.threshold_fen), ""),
            _("Yes") if d.is_repurchase else _("No"),
            d.get_status_display(),
            d.lead.number if d.lead else "",
            d.source,
            d.external_id,
        ],
        filename="deals",
    )


@sales_view
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    deal = selectors.deal_get(user=user, pk=pk)
    threshold = pages.deal_threshold(deal)
    net = deal.net_fen
    return render(
        request,
        "sales/deals/detail.html",
        {
            "deal": deal,
            "credits": pages.deal_credits(deal),
            "ledger": pages.deal_ledger(deal),
            "threshold": threshold,
            "segment": pages.segment_label(deal.amount_fen, threshold),
            "outstanding": max(net - deal.collected_fen, 0),
            "collected_percent": (deal.collected_fen * 100 // net) if net > 0 else None,
            "can_write": access.writes_sales_records(user) and not deal.is_cancelled,
            "lead_visible": deal.lead_id is not None
            and pages.lead_visible(user=user, lead_id=deal.lead_id),
        },
    )


def _deal_form(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    title: str,
    submit: str,
    write: Callable[[Deal, Any], tuple[bool, Any]] | None = None,
    done: Callable[[Deal, dict[str, Any]], str] | None = None,
    danger: bool = False,
) -> HttpResponse:
    user = request.user
    deal = selectors.deal_get(user=user, pk=pk)
    require(access.writes_sales_records(user))
    form = form_class(bound(request))
    if form.is_bound and form.is_valid() and write is not None and done is not None:
        ok, _line = write(deal, form)
        if ok:
            messages.success(request, done(deal, form.cleaned_data))
            return redirect("sales:deal_detail", pk=deal.pk)
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": title,
            "subtitle": f"{deal} · {deal.customer.name}",
            "intro": _("Amount %(amount)s, refunded %(refunded)s, collected %(collected)s.")
            % {
                "amount": format_fen(deal.amount_fen),
                "refunded": format_fen(deal.refunded_fen),
                "collected": format_fen(deal.collected_fen),
            },
            "submit_label": submit,
            "cancel_url": reverse("sales:deal_detail", args=[deal.pk]),
            "deal": deal,
            "danger": danger,
        },
        form,
    )


@sales_view
def deal_collect(request: HttpRequest, pk: int) -> HttpResponse:
    def write(deal: Deal, form: Any) -> tuple[bool, Any]:
        data = form.cleaned_data
        return call_service(
            form,
            payments.collection_record,
            aliases={"amount_fen": "amount", "deal": ""},
            actor=request.user,
            deal=deal,
            received_on=data["received_on"],
            amount_fen=data["amount"],
            note=data["note"],
        )

    return _deal_form(
        request,
        pk,
        form_class=CollectionForm,
        title=_("Record a collection"),
        submit=_("Record the collection"),
        write=write,
        done=lambda deal, data: (
            _("A collection of %(amount)s on %(deal)s has been recorded.")
            % {"amount": format_fen(data["amount"]), "deal": deal}
        ),
    )


@sales_view
def deal_refund(request: HttpRequest, pk: int) -> HttpResponse:
    def write(deal: Deal, form: Any) -> tuple[bool, Any]:
        data = form.cleaned_data
        return call_service(
            form,
            payments.refund_record,
            aliases={"amount_fen": "amount", "deal": ""},
            actor=request.user,
            deal=deal,
            refunded_on=data["refunded_on"],
            amount_fen=data["amount"],
            reason=data["reason"],
        )

    return _deal_form(
        request,
        pk,
        form_class=RefundForm,
        title=_("Record a refund"),
        submit=_("Record the refund"),
        write=write,
        done=lambda deal, data: (
            _("A refund of %(amount)s on %(deal)s has been recorded.")
            % {"amount": format_fen(data["amount"]), "deal": deal}
        ),
    )


@sales_view
def deal_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def write(deal: Deal, form: Any) -> tuple[bool, Any]:
        data = form.cleaned_data
        return call_service(
            form,
            payments.deal_cancel,
            aliases={"refunded_on": "cancelled_on", "amount_fen": "", "deal": ""},
            actor=request.user,
            deal=deal,
            cancelled_on=data["cancelled_on"],
            reason=data["reason"],
        )

    return _deal_form(
        request,
        pk,
        form_class=CancelForm,
        title=_("Cancel the deal"),
        submit=_("Cancel the deal"),
        write=write,
        done=lambda deal, data: _("Deal %s has been cancelled.") % deal,
        danger=True,
    )
