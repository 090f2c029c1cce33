"""Objective forms: set one, edit it, and its key results (a set, weights 100 %)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.core.money import to_yuan
from meritline.performance.okr import access, selectors
from meritline.performance.okr.forms import (
    KeyResultFormSet,
    ObjectiveEditForm,
    ObjectiveForm,
    to_stored,
)
from meritline.performance.okr.models import Measure, Objective
from meritline.performance.okr.services.key_results import KeyResultInput, key_results_save
from meritline.performance.okr.services.objectives import objective_create, objective_update
from meritline.performance.okr.views.common import (
    bound,
    call_service,
    okr_view,
    period_of,
    render_form,
    require,
)


@okr_view
def objective_new(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("period") or period_of(request)
    owners = selectors.owner_choices(user=request.user)
    require(owners.exists())
    form = ObjectiveForm(
        bound(request),
        owners=owners,
        parents=selectors.parent_choices(user=request.user, period=code),
        initial={
            "period": period_of(request),
            "owner": scope_for(request.user).self_employee_id,
            "parent": request.GET.get("parent"),
            "level": "person",
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, objective = call_service(
            form,
            objective_create,
            actor=request.user,
            period=data["period"],
            title=data["title"],
            level=data["level"],
            owner=data["owner"],
            team=data["team"],
            parent=data["parent"],
            visibility=data["visibility"],
            description=data["description"],
        )
        if ok:
            messages.success(request, _("Objective set; now add its key results."))
            return redirect("okr:key_results", pk=objective.pk)
    return render_form(request, "okr/objective_form.html", {"creating": True}, form)


def _writable(request: HttpRequest, pk: int) -> Objective:
    objective = selectors.objective_get(user=request.user, pk=pk)
    require(access.may_write(request.user, objective) and objective.period.is_open)
    return objective


@okr_view
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _writable(request, pk)
    form = ObjectiveEditForm(
        bound(request),
        parents=selectors.parent_choices(
            user=request.user, period=objective.period.code, exclude=objective.pk
        ),
        initial={
            "title": objective.title,
            "parent": objective.parent_id,
            "visibility": objective.visibility,
            "description": objective.description,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _saved = call_service(
            form, objective_update, actor=request.user, objective=objective, **data
        )
        if ok:
            messages.success(request, _("Objective saved."))
            return redirect("okr:objective_detail", pk=objective.pk)
    return render_form(
        request, "okr/objective_form.html", {"creating": False, "objective": objective}, form
    )


def _initial(objective: Objective) -> list[dict[str, Any]]:
    def shown(measure: str, value: Decimal) -> str:
        if measure == Measure.CURRENCY:
            return format(to_yuan(int(value)), "f")
        return format(value.normalize(), "f")

    return [
        {
            "id": kr.pk,
            "title": kr.title,
            "measure": kr.measure,
            "start": shown(kr.measure, kr.start_value),
            "target": shown(kr.measure, kr.target_value),
            "weight": kr.weight.normalize(),
            "metric": kr.metric,
        }
        for kr in objective.key_results.all()
    ]


def _value(measure: str, raw: str, n: int) -> Decimal:
    try:
        return to_stored(measure, raw, field="target")
    except DomainError as exc:
        raise DomainError(
            exc.code,
            _("Key result %(n)d: %(problem)s") % {"n": n + 1, "problem": exc.message},
            field=exc.field,
        ) from None


def _rows(formset: Any) -> list[KeyResultInput]:
    """The filled rows as service inputs; a value that is not a number → DomainError."""
    rows = []
    for n, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or form.is_blank:
            continue
        measure = data["measure"]
        is_milestone = measure == Measure.MILESTONE
        rows.append(
            KeyResultInput(
                id=data.get("id"),
                title=data["title"],
                measure=measure,
                weight=data.get("weight") or Decimal(0),
                start=Decimal(0) if is_milestone else _value(measure, data["start"] or "0", n),
                target=Decimal(1) if is_milestone else _value(measure, data["target"] or "", n),
                metric=data.get("metric") or "",
            )
        )
    return rows


@okr_view
def key_results(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _writable(request, pk)
    formset = KeyResultFormSet(bound(request), initial=_initial(objective))
    error = None
    if formset.is_bound and formset.is_valid():
        try:
            key_results_save(actor=request.user, objective=objective, rows=_rows(formset))
        except DomainError as exc:
            if exc.code == "permission_denied":
                raise
            error = exc.message
        else:
            messages.success(request, _("Key results saved."))
            return redirect("okr:objective_detail", pk=objective.pk)
    status = 400 if formset.is_bound else 200
    return render(
        request,
        "okr/key_results.html",
        {"objective": objective, "formset": formset, "error": error},
        status=status,
    )
