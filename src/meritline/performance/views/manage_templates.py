"""KPI template pages (PRF-2, PRF-6): the templates, one template with the history of its
weights (each re-weighting shown as a diff), and the editor of a new template or version."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.performance import selectors
from meritline.performance.forms import (
    KpiItemFormSet,
    TemplateForm,
    VersionForm,
    initial_items,
)
from meritline.performance.models import KpiTemplate, KpiTemplateVersion
from meritline.performance.services.templates import (
    template_create,
    template_version_create,
    version_in_force,
)
from meritline.performance.views.manage_common import (
    add_domain_error,
    bound,
    may_manage,
    performance_view,
    require,
)

PREFIX = "items"


def _template(request: HttpRequest, pk: int) -> KpiTemplate:
    try:
        return selectors.template_list(user=request.user).get(pk=pk)
    except KpiTemplate.DoesNotExist as exc:
        raise NotFoundError(_("KPI template not found.")) from exc


@performance_view
def template_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for template in selectors.template_list(user=request.user).prefetch_related("versions"):
        versions = sorted(template.versions.all(), key=lambda v: -v.number)
        rows.append(
            {
                "template": template,
                "in_force": version_in_force(template, today),
                "latest": versions[0] if versions else None,
                "count": len(versions),
            }
        )
    return render(
        request,
        "performance/manage/templates/list.html",
        {"rows": rows, "can_write": may_manage(request)},
    )


def weight_history(versions: list[KpiTemplateVersion]) -> dict[str, Any]:
    """KPI ids (first seen first) × versions (oldest first) → weight, and per version
    what changed against the one before: added, removed and re-weighted KPIs."""
    kpis: list[str] = []
    names: dict[str, str] = {}
    for version in versions:
        for item in version.items:
            if item["id"] not in kpis:
                kpis.append(item["id"])
            names.setdefault(item["id"], item.get("name") or item["id"])
    grid = [
        {"kpi": kpi, "name": names[kpi], "weights": [v.weights.get(kpi) for v in versions]}
        for kpi in kpis
    ]
    changes = []
    for old, new in itertools.pairwise(versions):
        before, after = old.weights, new.weights
        lines = [("add", k, None, after[k]) for k in after if k not in before]
        lines += [("del", k, before[k], None) for k in before if k not in after]
        lines += [
            ("change", k, before[k], after[k])
            for k in after
            if k in before and before[k] != after[k]
        ]
        changes.append(
            {
                "version": new,
                "previous": old,
                "lines": [
                    {"kind": kind, "kpi": names.get(k, k), "id": k, "old": o, "new": n}
                    for kind, k, o, n in lines
                ],
            }
        )
    return {"kpis": grid, "changes": list(reversed(changes))}


@performance_view
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    versions = list(
        selectors.template_version_list(user=request.user, template=template).order_by("number")
    )
    today = timezone.localdate()
    return render(
        request,
        "performance/manage/templates/detail.html",
        {
            "template": template,
            "versions": versions,
            "newest_first": list(reversed(versions)),
            "history": weight_history(versions),
            "in_force": version_in_force(template, today),
            "can_write": may_manage(request),
        },
    )


def _rows(request: HttpRequest) -> int:
    try:
        return max(0, min(int(request.GET.get("rows", "2")), 10))
    except ValueError:
        return 2


def _formset(request: HttpRequest, items: list[dict[str, Any]]) -> Any:
    if request.method == "POST":
        return KpiItemFormSet(request.POST, prefix=PREFIX)
    return KpiItemFormSet(initial=initial_items(items, _rows(request)), prefix=PREFIX)


def _items(formset: Any) -> list[dict[str, Any]] | None:
    if not formset.is_valid():
        return None
    return [item for form in formset.forms if (item := form.item()) is not None]


def _save(request: HttpRequest, form: Any, formset: Any, save: Any) -> tuple[Any, list[str]]:
    """Run ``save(items)`` when the forms are valid; (result, problems with the KPIs)."""
    items = _items(formset)
    if not form.is_valid() or items is None:
        return None, []
    if not items:
        return None, [_("Add at least one KPI.")]
    try:
        return save(items), []
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        if exc.field == "items":
            return None, [str(exc.message)]
        add_domain_error(form, exc)
        return None, []


def _render_editor(
    request: HttpRequest, context: dict[str, Any], form: Any, formset: Any, problems: list[str]
) -> HttpResponse:
    invalid = request.method == "POST"
    return render(
        request,
        "performance/manage/templates/editor.html",
        {
            "form": form,
            "formset": formset,
            "problems": problems,
            "more_rows": _rows(request) + 2,
            **context,
        },
        status=400 if invalid else 200,
    )


@performance_view
def template_new(request: HttpRequest) -> HttpResponse:
    require(may_manage(request))
    form = TemplateForm(bound(request), initial={"valid_from": timezone.localdate()})
    formset = _formset(request, [])

    def save(items: list[dict[str, Any]]) -> KpiTemplate:
        data = form.cleaned_data
        return template_create(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            stage=data["stage"],
            position=data["position"],
            items=items,
            valid_from=data["valid_from"],
            note=data["note"],
        )

    template, problems = _save(request, form, formset, save) if form.is_bound else (None, [])
    if template is not None:
        messages.success(request, _("KPI template %(code)s created.") % {"code": template.code})
        return redirect("performance:template_detail", pk=template.pk)
    return _render_editor(request, {"title": _("New KPI template")}, form, formset, problems)


@performance_view
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_manage(request))
    template = _template(request, pk)
    latest = template.versions.order_by("-number").first()
    start = max(timezone.localdate(), latest.valid_from + timedelta(days=1)) if latest else None
    form = VersionForm(bound(request), initial={"valid_from": start or timezone.localdate()})
    formset = _formset(request, list(latest.items) if latest else [])

    def save(items: list[dict[str, Any]]) -> KpiTemplateVersion:
        return template_version_create(
            actor=request.user,
            template=template,
            items=items,
            valid_from=form.cleaned_data["valid_from"],
            note=form.cleaned_data["note"],
        )

    version, problems = _save(request, form, formset, save) if form.is_bound else (None, [])
    if version is not None:
        messages.success(
            request,
            _("Version %(version)s saved; it is in force from %(day)s.")
            % {"version": version.label, "day": version.valid_from.isoformat()},
        )
        return redirect("performance:template_detail", pk=template.pk)
    return _render_editor(
        request,
        {
            "title": _("New version of %(code)s") % {"code": template.code},
            "template": template,
            "latest": latest,
        },
        form,
        formset,
        problems,
    )
