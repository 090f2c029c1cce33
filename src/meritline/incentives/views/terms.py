"""Commission terms pages: the level rates and rate adjustments in their history, and the
form to set new ones (effective-dated, with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.incentives import selectors
from meritline.incentives.forms import TermsForm
from meritline.incentives.models import TermsKind
from meritline.incentives.services.terms import commission_terms_set
from meritline.incentives.views.common import (
    FORM_TEMPLATE,
    bound,
    call_service,
    incentives_view,
    listing,
    may_manage,
    may_read_all,
    render_form,
    require,
)

SORTS = {
    "valid_from": "valid_from",
    "kind": "kind",
    "employee": "employee__employee_no",
    "level": "level__rank",
    "rate": "rate",
    "created_at": "created_at",
}
DEFAULT_SORT = "-valid_from"


@incentives_view
def terms_list(request: HttpRequest) -> HttpResponse:
    require(may_read_all(request))
    rows = selectors.terms_list(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in TermsKind.values:
        rows = rows.filter(kind=kind)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(
            Q(employee__name__icontains=query) | Q(employee__employee_no__icontains=query)
        )
    return render(
        request,
        "incentives/terms/list.html",
        {
            "kinds": TermsKind.choices,
            "kind": kind,
            "q": query,
            "can_write": may_manage(request),
            **listing(request, rows, SORTS, DEFAULT_SORT),
        },
    )


@incentives_view
def terms_new(request: HttpRequest) -> HttpResponse:
    require(may_manage(request))
    form = TermsForm(
        bound(request),
        initial={
            "kind": request.GET.get("kind") or TermsKind.LEVEL_RATE,
            "valid_from": timezone.localdate(),
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, row = call_service(
            form,
            commission_terms_set,
            actor=request.user,
            kind=data["kind"],
            valid_from=data["valid_from"],
            rate=data["rate"],
            employee=data["employee"],
            level=data["level"],
            reason=data["reason"],
        )
        if ok:
            holder = row.employee.name if row.employee else row.level.name
            messages.success(
                request,
                _("From %(day)s, %(holder)s: %(kind)s %(rate)s.")
                % {
                    "day": row.valid_from.isoformat(),
                    "holder": holder,
                    "kind": row.get_kind_display(),
                    "rate": row.rate.normalize(),
                },
            )
            return redirect("incentives:terms_list")
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": _("Set commission terms"),
            "intro": _(
                "A level rate is what a “level_rate” tier pays; an adjustment is added to an "
                "employee's rate (a rate of 0 ends it). Earlier terms stay in the history."
            ),
            "submit_label": _("Save the terms"),
            "cancel_url": reverse("incentives:terms_list"),
            "breadcrumb_url": reverse("incentives:terms_list"),
            "breadcrumb_label": _("Commission terms"),
        },
        form,
    )
