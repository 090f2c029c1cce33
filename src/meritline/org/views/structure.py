"""Structure pages: department tree, post ladder and positions, reference data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meritline.core.access import scope_for
from meritline.org import selectors
from meritline.org import selectors_pages as pages
from meritline.org.forms import (
    REFERENCE_FORMS,
    CompetencyForm,
    CriterionForm,
    DepartmentForm,
    PositionForm,
)
from meritline.org.models import CriterionKind, Position
from meritline.org.services import structure as services
from meritline.org.views.common import bound, call_service, org_view, render_form, require

FORM_TEMPLATE = "org/form_page.html"


# Departments -----------------------------------------------------------------------------
@org_view
def department_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    departments = list(selectors.department_list(user=user).order_by("path"))
    counts = pages.department_headcounts(user=user)
    top = min((d.depth for d in departments), default=0)
    rows = [
        {
            "department": d,
            "indent": d.depth - top,
            "headcount": counts.get(d.pk, 0),
        }
        for d in departments
    ]
    return render(
        request,
        "org/structure/department_list.html",
        {"rows": rows, "can_edit": scope_for(user).manage_org},
    )


def _department_form_page(request: HttpRequest, form: DepartmentForm, title: str) -> HttpResponse:
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": title,
            "submit_label": _("Save"),
            "cancel_url": reverse("org:department_list"),
        },
        form,
    )


@org_view
def department_create(request: HttpRequest) -> HttpResponse:
    require(scope_for(request.user).manage_org)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else None
    form = DepartmentForm(bound(request), initial=initial)
    if form.is_bound and form.is_valid():
        ok, department = call_service(
            form, services.department_save, actor=request.user, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("Department %s has been created.") % department.name)
            return redirect("org:department_list")
    return _department_form_page(request, form, _("New department"))


@org_view
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = selectors.department_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_org)
    initial = {
        "code": department.code,
        "name": department.name,
        "entity": department.entity_id,
        "parent": department.parent_id,
        "region": department.region_id,
        "active": department.active,
    }
    form = DepartmentForm(bound(request), initial=initial, exclude_pk=department.pk)
    if form.is_bound and form.is_valid():
        ok, _department = call_service(
            form,
            services.department_save,
            actor=request.user,
            pk=department.pk,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The changes have been saved."))
            return redirect("org:department_list")
    return _department_form_page(request, form, _("Edit department · %s") % department.name)


# Post ladder and positions ---------------------------------------------------------------
@org_view
def post_ladder(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "org/structure/post_ladder.html",
        {
            "ladder": selectors.post_ladder(user=user),
            "others": pages.other_positions(user=user),
            "can_edit": scope_for(user).manage_org,
        },
    )


@org_view
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = pages.position_get(user=request.user, pk=pk)
    return render(
        request,
        "org/structure/position_detail.html",
        {
            "position": position,
            "criteria": list(position.criteria.all()),
            "competencies": list(position.competencies.all()),
            "previous": list(position.previous_positions.all()),
            "can_edit": scope_for(request.user).manage_org,
        },
    )


def _position_page(request: HttpRequest, form: Any, title: str, cancel: str) -> HttpResponse:
    return render_form(
        request,
        FORM_TEMPLATE,
        {"title": title, "submit_label": _("Save"), "cancel_url": cancel},
        form,
    )


@org_view
def position_create(request: HttpRequest) -> HttpResponse:
    require(scope_for(request.user).manage_org)
    form = PositionForm(bound(request))
    if form.is_bound and form.is_valid():
        ok, position = call_service(
            form, services.position_save, actor=request.user, data=form.cleaned_data
        )
        if ok:
            messages.success(request, _("Position %s has been created.") % position.name)
            return redirect("org:position_detail", pk=position.pk)
    return _position_page(request, form, _("New position"), reverse("org:post_ladder"))


@org_view
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = pages.position_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_org)
    # The ModelForm only validates (on its own copy); the service saves.
    form = PositionForm(bound(request), instance=Position.objects.get(pk=position.pk))
    if form.is_bound and form.is_valid():
        ok, _position = call_service(
            form,
            services.position_save,
            actor=request.user,
            data=form.cleaned_data,
            pk=position.pk,
        )
        if ok:
            messages.success(request, _("The changes have been saved."))
            return redirect("org:position_detail", pk=position.pk)
    return _position_page(
        request,
        form,
        _("Edit position · %s") % position.name,
        reverse("org:position_detail", args=[position.pk]),
    )


# Which form field a criterion's "params" error belongs to, per kind.
_PARAMS_FIELD = {
    CriterionKind.TENURE_YEARS: "min_years",
    CriterionKind.METRIC_THRESHOLD: "min_value",
    CriterionKind.CLIENT_COUNT: "min_count",
    CriterionKind.CERTIFICATE: "certificate",
}


@org_view
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    position = pages.position_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_org)
    form = CriterionForm(bound(request))
    if form.is_bound and form.is_valid():
        kind = form.cleaned_data["kind"]
        ok, _criterion = call_service(
            form,
            services.criterion_add,
            aliases={"params": _PARAMS_FIELD.get(kind, "")},
            actor=request.user,
            position=position,
            kind=kind,
            params=form.params,
        )
        if ok:
            messages.success(request, _("The criterion has been added."))
            return redirect("org:position_detail", pk=position.pk)
    return render_form(
        request,
        "org/structure/criterion_form.html",
        {
            "title": _("Add a hard criterion"),
            "subtitle": position.name,
            "submit_label": _("Add criterion"),
            "cancel_url": reverse("org:position_detail", args=[position.pk]),
            "kind_fields": {k.value: list(v) for k, v in CriterionForm.KIND_FIELDS.items()},
        },
        form,
    )


@require_POST
@org_view
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = pages.criterion_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_org)
    position_pk = criterion.position_id
    services.criterion_remove(actor=request.user, criterion=criterion)
    messages.success(request, _("The criterion has been removed."))
    return redirect("org:position_detail", pk=position_pk)


@org_view
def competency_add(request: HttpRequest, pk: int) -> HttpResponse:
    position = pages.position_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_org)
    form = CompetencyForm(bound(request))
    if form.is_bound and form.is_valid():
        ok, _competency = call_service(
            form,
            services.competency_add,
            actor=request.user,
            position=position,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The competency has been added."))
            return redirect("org:position_detail", pk=position.pk)
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": _("Add a soft competency"),
            "subtitle": position.name,
            "submit_label": _("Add competency"),
            "cancel_url": reverse("org:position_detail", args=[position.pk]),
        },
        form,
    )


# Reference data --------------------------------------------------------------------------
@dataclass(frozen=True)
class RefKind:
    title: Any
    singular: Any
    columns: tuple[str, ...]


REFERENCE_KINDS: dict[str, RefKind] = {
    "entity": RefKind(
        gettext_lazy("Legal entities"),
        gettext_lazy("legal entity"),
        ("code", "name", "credit_code", "parent"),
    ),
    "region": RefKind(gettext_lazy("Regions"), gettext_lazy("region"), ("code", "name")),
    "family": RefKind(gettext_lazy("Job families"), gettext_lazy("job family"), ("code", "name")),
    "level": RefKind(
        gettext_lazy("Job levels"), gettext_lazy("job level"), ("code", "name", "rank", "family")
    ),
    "platform": RefKind(
        gettext_lazy("Sales platforms"),
        gettext_lazy("sales platform"),
        ("code", "name", "launched_on", "stage"),
    ),
}


def _kind(kind: str) -> RefKind:
    if kind not in REFERENCE_KINDS:
        raise Http404(_("Unknown kind of reference data."))
    return REFERENCE_KINDS[kind]


def _cell(row: Any, name: str) -> Any:
    display = getattr(row, f"get_{name}_display", None)
    value = display() if display else getattr(row, name)
    return "—" if value in (None, "") else value


@org_view
def reference_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    model = pages.REFERENCE_MODELS[kind]
    rows = pages.reference_rows(user=request.user, kind=kind)
    headers = [model._meta.get_field(name).verbose_name for name in spec.columns]
    return render(
        request,
        "org/structure/reference_list.html",
        {
            "kind": kind,
            "spec": spec,
            "kinds": REFERENCE_KINDS,
            "headers": headers,
            "rows": [(row, [_cell(row, c) for c in spec.columns]) for row in rows],
            "can_edit": scope_for(request.user).manage_org,
        },
    )


def _reference_page(request: HttpRequest, kind: str, form: Any, title: str) -> HttpResponse:
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": title,
            "submit_label": _("Save"),
            "cancel_url": reverse("org:reference_list", args=[kind]),
        },
        form,
    )


@org_view
def reference_create(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    require(scope_for(request.user).manage_org)
    form = REFERENCE_FORMS[kind](bound(request))
    if form.is_bound and form.is_valid():
        ok, _row = call_service(
            form, services.reference_save, actor=request.user, kind=kind, data=form.cleaned_data
        )
        if ok:
            messages.success(request, _("Saved."))
            return redirect("org:reference_list", kind=kind)
    title = _("New %(kind)s") % {"kind": spec.singular}
    return _reference_page(request, kind, form, title)


@org_view
def reference_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    row = pages.reference_get(user=request.user, kind=kind, pk=pk)
    require(scope_for(request.user).manage_org)
    copy = type(row).objects.get(pk=row.pk)
    form = REFERENCE_FORMS[kind](bound(request), instance=copy)
    if form.is_bound and form.is_valid():
        ok, _row = call_service(
            form,
            services.reference_save,
            actor=request.user,
            kind=kind,
            data=form.cleaned_data,
            pk=row.pk,
        )
        if ok:
            messages.success(request, _("Saved."))
            return redirect("org:reference_list", kind=kind)
    title = _("Edit %(kind)s · %(name)s") % {"kind": spec.singular, "name": row}
    return _reference_page(request, kind, form, title)
