"""Dispute pages (LED-3): the queue, export, a dispute with the decision form for HR
admins and sales directors, and raising a dispute about a lead."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.listing import apply_sort
from meritline.sales import selectors
from meritline.sales import selectors_pages as pages
from meritline.sales.forms import DisputeDecideForm, DisputeFilterForm, DisputeRaiseForm
from meritline.sales.models import DisputeKind, Lead, LeadDispute
from meritline.sales.services import ownership
from meritline.sales.views.common import (
    bound,
    call_service,
    export,
    listing,
    render_form,
    require,
    sales_view,
)

SORTS = {
    "raised_at": "raised_at",
    "lead": "lead__number",
    "company": "lead__company_name",
    "claimant": "claimant__name",
    "status": "status",
    "decided_at": "decided_at",
}
DEFAULT_SORT = "-raised_at"


def _filtered(request: HttpRequest) -> tuple[DisputeFilterForm, Any]:
    form = DisputeFilterForm(request.GET)
    return form, pages.dispute_rows(user=request.user, filters=form.filters())


@sales_view
def dispute_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    return render(
        request,
        "sales/disputes/list.html",
        {
            "filter_form": form,
            "filtered": form.active,
            **listing(request, rows, SORTS, DEFAULT_SORT),
        },
    )


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@sales_view
def dispute_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _filtered(request)
    rows, _sort = apply_sort(rows, request, SORTS, DEFAULT_SORT)
    return export(
        request,
        rows=rows,
        headers=[
            _("Lead number"),
            _("Company"),
            _("What is disputed"),
            _("Claimant"),
            _("Raised at"),
            _("Claim"),
            _("Status"),
            _("Decided by"),
            _("Decided at"),
            _("Awarded to"),
            _("Decision"),
        ],
        row=lambda d: [
            d.lead.number,
            d.lead.company_name,
            d.get_kind_display(),
            d.claimant.name,
            _when(d.raised_at),
            d.claim,
            d.get_status_display(),
            _user_name(d.decided_by),
            _when(d.decided_at),
            d.awarded_to.name if d.awarded_to else "",
            d.decision,
        ],
        filename="lead-disputes",
    )


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    employee = getattr(user, "employee", None)  # RelatedObjectDoesNotExist is an AttributeError
    return employee.name if employee is not None else user.get_username()


def _decide_form(dispute: LeadDispute, data: Any = None) -> DisputeDecideForm:
    return DisputeDecideForm(
        data,
        people=pages.award_choices(dispute),
        with_source=dispute.kind == DisputeKind.SOURCE,
    )


def _detail(
    request: HttpRequest, dispute: LeadDispute, form: DisputeDecideForm | None
) -> HttpResponse:
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "sales/disputes/detail.html",
        {
            "dispute": dispute,
            "lead": dispute.lead,
            "holder": pages.dispute_holder(dispute),
            "lead_visible": pages.lead_visible(user=request.user, lead_id=dispute.lead_id),
            "form": form,
        },
        status=status,
    )


@sales_view
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    may_decide = pages.may_decide(user=request.user, dispute=dispute)
    return _detail(request, dispute, _decide_form(dispute) if may_decide else None)


@sales_view
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=pk)
    require(pages.may_decide(user=request.user, dispute=dispute))
    form = _decide_form(dispute, bound(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _dispute = call_service(
            form,
            ownership.dispute_decide,
            actor=request.user,
            dispute=dispute,
            decision=data["decision"],
            awarded_to=data["awarded_to"],
            source_kind=data.get("source_kind") or None,
        )
        if ok:
            messages.success(
                request,
                _("The dispute about lead %(number)s has been decided in favour of %(name)s.")
                % {"number": dispute.lead.number, "name": data["awarded_to"].name},
            )
            return redirect("sales:dispute_detail", pk=dispute.pk)
    return _detail(request, dispute, form)


def _lead_for_claim(request: HttpRequest, form: DisputeRaiseForm) -> Lead:
    source = request.POST if request.method == "POST" else request.GET
    raw = source.get("lead", "")
    return pages.claimable_lead(
        user=request.user,
        pk=int(raw) if raw.isdigit() else None,
        company_name=source.get("company_name", ""),
        contact_phone=source.get("contact_phone", ""),
        contact_email=source.get("contact_email", ""),
    )


@sales_view
def dispute_raise(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = DisputeRaiseForm(
        bound(request),
        initial={
            "company_name": request.GET.get("company_name", ""),
            "contact_phone": request.GET.get("contact_phone", ""),
            "contact_email": request.GET.get("contact_email", ""),
        },
    )
    lead = _lead_for_claim(request, form)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, dispute = call_service(
            form,
            ownership.dispute_raise,
            actor=user,
            lead=lead,
            claim=data["claim"],
            kind=data["kind"],
        )
        if ok:
            messages.success(
                request,
                _(
                    "Your dispute about lead %s has been raised; HR or a sales director will "
                    "decide it."
                )
                % lead.number,
            )
            return redirect("sales:dispute_detail", pk=dispute.pk)
    visible = pages.lead_visible(user=user, lead_id=lead.pk)
    return render_form(
        request,
        "sales/disputes/raise.html",
        {
            "lead": lead,
            "lead_visible": visible,
            "lead_param": lead.pk if visible else "",
            "cancel_url": reverse("sales:lead_detail", args=[lead.pk])
            if visible
            else reverse("sales:my_leads"),
        },
        form,
    )
