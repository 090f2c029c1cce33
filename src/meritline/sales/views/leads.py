"""Lead pages: list, export, detail with the lifecycle timeline, registration (with the
ownership refusal), advancing, review, assignment, and "my leads" for the phone."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.core.listing import apply_sort
from meritline.sales import access, selectors
from meritline.sales import selectors_pages as pages
from meritline.sales.errors import ErrorCode
from meritline.sales.forms import (
    LeadAdvanceForm,
    LeadAssignForm,
    LeadFilterForm,
    LeadRegisterForm,
    LeadReviewForm,
)
from meritline.sales.models import Lead, SourceKind, Step
from meritline.sales.services import lead_actions
from meritline.sales.services import leads as lead_services
from meritline.sales.views.common import (
    FORM_TEMPLATE,
    add_domain_error,
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
    "company": "company_name",
    "step": "step_rank",
    "source": "source_kind",
    "owner": "owner__name",
    "platform": "platform__code",
    "entered": "entered_at",
    "step_at": "step_at",
}
DEFAULT_SORT = "-entered"


def _filtered(request: HttpRequest) -> tuple[LeadFilterForm, Any]:
    form = LeadFilterForm(request.GET, user=request.user)
    return form, pages.lead_rows(user=request.user, filters=form.filters())


@sales_view
def lead_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    return render(
        request,
        "sales/leads/list.html",
        {
            "filter_form": form,
            "filtered": form.active,
            "can_register": scope_for(request.user).self_employee_id is not None
            or access.writes_sales_records(request.user),
            **listing(request, rows, SORTS, DEFAULT_SORT),
        },
    )


@sales_view
def lead_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _filtered(request)
    rows, _sort = apply_sort(rows, request, SORTS, DEFAULT_SORT)
    return export(
        request,
        rows=rows,
        headers=[
            _("Lead number"),
            _("Company"),
            _("Contact"),
            _("Step"),
            _("Step reached at"),
            _("Lead source"),
            _("Brought by"),
            _("Referrer"),
            _("Owner"),
            _("Sales platform"),
            _("Entered at"),
            _("Qualified"),
            _("Reason lost"),
        ],
        row=_export_row,
        filename="leads",
    )


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _export_row(lead: Lead) -> list[Any]:
    qualified = {True: _("Yes"), False: _("No"), None: ""}[lead.qualified]
    return [
        lead.number,
        lead.company_name,
        lead.contact_name,
        lead.get_step_display(),
        _when(lead.step_at),
        lead.get_source_kind_display(),
        lead.source_employee.name if lead.source_employee else "",
        lead.referrer_name,
        lead.owner.name if lead.owner else "",
        lead.platform.name,
        _when(lead.entered_at),
        qualified,
        lead.lost_reason,
    ]


@sales_view
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    actions = pages.lead_actions(user=user, lead=lead)
    next_step = pages.next_chain_step(lead.step) if actions.advance else None
    return render(
        request,
        "sales/leads/detail.html",
        {
            "lead": lead,
            "timeline": pages.lead_timeline(lead),
            "actions": actions,
            "next_step": next_step,
            "next_step_label": Step(next_step).label if next_step else "",
            "disputes": list(lead.disputes.select_related("claimant", "awarded_to")),
            "alerts": list(lead.alerts.filter(resolved_at__isnull=True, step=lead.step)),
            "deals": list(selectors.deal_list(user=user).filter(lead=lead)),
        },
    )


@sales_view
def lead_register(request: HttpRequest) -> HttpResponse:
    user = request.user
    platform = pages.default_platform(user=user)
    form = LeadRegisterForm(
        bound(request),
        user=user,
        initial={"platform": platform.pk if platform else None},
    )
    match_url = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        owner = data.get("owner")
        if "owner" not in form.fields and data["source_kind"] == SourceKind.REFERRAL:
            owner = pages.self_employee(user=user)  # a rep registering a referral works it
        try:
            lead = lead_services.lead_register(
                actor=user,
                company_name=data["company_name"],
                source_kind=data["source_kind"],
                platform=data["platform"],
                source_employee=data.get("source_employee"),
                owner=owner,
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                referrer_name=data["referrer_name"],
                note=data["note"],
            )
        except DomainError as exc:
            if exc.code == ErrorCode.MARKETING_LEAD_MATCH:
                # The ownership rule names the lead; show it under the company (LED-3).
                match_url = _dispute_url_for_match(data)  # before add_error drops the field
                form.add_error("company_name", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Lead %(number)s for %(company)s has been registered.")
                % {"number": lead.number, "company": lead.company_name},
            )
            if pages.lead_visible(user=user, lead_id=lead.pk):
                return redirect("sales:lead_detail", pk=lead.pk)
            return redirect("sales:my_leads")
    return render_form(
        request,
        "sales/leads/register.html",
        {"match_url": match_url, "cancel_url": reverse("sales:my_leads")},
        form,
    )


def _dispute_url_for_match(data: dict[str, Any]) -> str:
    query = {
        "company_name": data.get("company_name") or "",
        "contact_phone": data.get("contact_phone") or "",
        "contact_email": data.get("contact_email") or "",
    }
    return reverse("sales:dispute_raise") + "?" + urlencode({k: v for k, v in query.items() if v})


def _lead_form_context(lead: Lead, title: str, submit: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "subtitle": f"{lead.number} · {lead.company_name}",
        "submit_label": submit,
        "cancel_url": reverse("sales:lead_detail", args=[lead.pk]),
        "lead": lead,
        **extra,
    }


def _after_lead_action(request: HttpRequest, lead: Lead) -> HttpResponse:
    if request.POST.get("next") == "my_leads":
        return redirect("sales:my_leads")
    return redirect("sales:lead_detail", pk=lead.pk)


@sales_view
def lead_advance(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    require(pages.lead_actions(user=user, lead=lead).advance)
    steps = pages.next_steps(lead)
    form = LeadAdvanceForm(bound(request), user=user, steps=steps, initial={"step": steps[0]})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _row = call_service(
            form,
            lead_actions.lead_advance,
            actor=user,
            lead=lead,
            step=data["step"],
            at=data.get("at"),
            owner=data.get("owner"),
            note=data["note"],
            lost_reason=data["lost_reason"],
        )
        if ok:
            messages.success(
                request,
                _("Lead %(number)s is now at “%(step)s”.")
                % {"number": lead.number, "step": Step(data["step"]).label},
            )
            return _after_lead_action(request, lead)
    return render_form(
        request,
        FORM_TEMPLATE,
        _lead_form_context(
            lead,
            _("Move the lead on"),
            _("Save the step"),
            intro=_("Current step: %(step)s since %(at)s.")
            % {"step": lead.get_step_display(), "at": _when(lead.step_at)},
            next=request.POST.get("next", ""),
        ),
        form,
    )


@sales_view
def lead_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    require(pages.lead_actions(user=user, lead=lead).review)
    initial = {"qualified": {True: "yes", False: "no"}.get(lead.qualified)}
    form = LeadReviewForm(bound(request), initial={**initial, "note": lead.review_note})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _lead = call_service(
            form,
            lead_actions.lead_review,
            actor=user,
            lead=lead,
            qualified=data["qualified"],
            note=data["note"],
        )
        if ok:
            messages.success(request, _("The review of lead %s has been saved.") % lead.number)
            return redirect("sales:lead_detail", pk=lead.pk)
    standard = lead_actions.standard_on(timezone.localdate(lead.entered_at))
    return render_form(
        request,
        FORM_TEMPLATE,
        _lead_form_context(
            lead,
            _("Review the lead"),
            _("Save the review"),
            intro=(
                _("Checked against the standard “%s” in force when the lead was entered.")
                % standard.name
                if standard
                else _("No qualification standard was in force when the lead was entered.")
            ),
        ),
        form,
    )


@sales_view
def lead_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    require(pages.lead_actions(user=user, lead=lead).assign)
    form = LeadAssignForm(bound(request), user=user, initial={"owner": lead.owner_id})
    if form.is_bound and form.is_valid():
        owner = form.cleaned_data["owner"]
        ok, _lead = call_service(form, lead_actions.lead_assign, actor=user, lead=lead, owner=owner)
        if ok:
            messages.success(
                request,
                _("Lead %(number)s now belongs to %(name)s.")
                % {"number": lead.number, "name": owner.name},
            )
            return redirect("sales:lead_detail", pk=lead.pk)
    return render_form(
        request,
        FORM_TEMPLATE,
        _lead_form_context(lead, _("Assign the lead"), _("Assign")),
        form,
    )


@sales_view
def my_leads(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = pages.my_leads(user=user)
    return render(
        request,
        "sales/leads/my_leads.html",
        {
            "mine": mine,
            "is_employee": scope_for(user).self_employee_id is not None,
            "me": scope_for(user).self_employee_id,
            "next_of": {
                s: {"step": n, "label": Step(n).label}
                for s in pages.OPEN_STEPS
                if (n := pages.next_chain_step(s))
            },
        },
    )
