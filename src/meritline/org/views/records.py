"""Certificates and training records of an employee (HR admins and HR business partners
within their scope; SPEC PLT-2)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meritline.core.access import scope_for
from meritline.org import selectors
from meritline.org import selectors_access as access
from meritline.org.forms_access import CertificateForm, TrainingForm
from meritline.org.models import Employee
from meritline.org.services import records as services
from meritline.org.views.access import attempt
from meritline.org.views.common import bound, call_service, org_view, render_form, require

FORM_TEMPLATE = "org/form_page.html"


def _managed(request: HttpRequest, pk: int) -> Employee:
    """The employee (404 outside the scope) if the user may manage people (else 403)."""
    employee = selectors.employee_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_people)
    return employee


def _context(employee: Employee, title: str, submit: str) -> dict[str, Any]:
    return {
        "title": title,
        "subtitle": f"{employee.name} · {employee.employee_no}",
        "submit_label": submit,
        "cancel_url": reverse("org:employee_detail", args=[employee.pk]),
        "employee": employee,
    }


def _back(employee_pk: int, anchor: str) -> HttpResponse:
    return redirect(reverse("org:employee_detail", args=[employee_pk]) + anchor)


@org_view
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _managed(request, pk)
    form = CertificateForm(bound(request))
    if form.is_bound and form.is_valid():
        ok, _certificate = call_service(
            form,
            services.certificate_add,
            actor=request.user,
            employee=employee,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The certificate has been added."))
            return _back(employee.pk, "#certificates")
    return render_form(
        request, FORM_TEMPLATE, _context(employee, _("Add a certificate"), _("Add")), form
    )


@require_POST
@org_view
def certificate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = access.certificate_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_people)
    attempt(
        request,
        services.certificate_remove,
        _("The certificate has been removed."),
        actor=request.user,
        certificate=certificate,
    )
    return _back(certificate.employee_id, "#certificates")


@org_view
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _managed(request, pk)
    form = TrainingForm(bound(request), initial={"completed_on": selectors.today()})
    if form.is_bound and form.is_valid():
        ok, _record = call_service(
            form,
            services.training_record_add,
            actor=request.user,
            employee=employee,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The training record has been added."))
            return _back(employee.pk, "#training")
    return render_form(
        request, FORM_TEMPLATE, _context(employee, _("Add a training record"), _("Add")), form
    )


@require_POST
@org_view
def training_remove(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.training_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_people)
    attempt(
        request,
        services.training_record_remove,
        _("The training record has been removed."),
        actor=request.user,
        record=record,
    )
    return _back(record.employee_id, "#training")
