"""One appraisal (PRF-4, PAY-7): each KPI with its value, target, attainment, score and
weight; individual, team, points, final score, grade and coefficient; manual values with
their evidence; the awards and the calibration — and the forms to act on them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meritline.core.errors import NotFoundError
from meritline.core.money import format_fen
from meritline.performance import access, selectors
from meritline.performance.forms import AwardForm, GradeChangeForm, ManualValueForm
from meritline.performance.models import Appraisal, CycleStatus
from meritline.performance.services.awards import team_award_grant
from meritline.performance.services.calibration import GradeChange, cycle_calibrate
from meritline.performance.services.cycles import OPEN_FOR_SCORING, appraisal_manual_value_set
from meritline.performance.views.manage_common import (
    call_service,
    may_lead,
    performance_view,
    require,
)

STATUS_TEXT = {
    "missing_target": gettext_lazy("no target"),
    "missing_value": gettext_lazy("no value"),
}


def _value_text(unit: str, num: Any, den: Any) -> str:
    if num is None or den in (None, 0):
        return "—"
    try:
        value = Decimal(str(num)) / Decimal(str(den))
    except (InvalidOperation, ZeroDivisionError):
        return "—"
    return _number_text(unit, value)


def _number_text(unit: str, value: Decimal) -> str:
    if unit == "fen":
        return format_fen(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    if unit == "ratio":
        return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} %"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


def kpi_rows(appraisal: Appraisal) -> list[dict[str, Any]]:
    """The frozen template's KPIs with what scoring stored, ready to show."""
    rows = []
    for item in appraisal.template.get("items", []):
        scored = appraisal.kpis.get(item["id"], {})
        unit = item.get("unit", "number")
        target = scored.get("target") or item.get("target")
        score = scored.get("score")
        contribution = None
        if score is not None:
            contribution = (Decimal(score) * Decimal(str(item["weight"])) / 100).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        rows.append(
            {
                "id": item["id"],
                "name": item.get("name") or item["id"],
                "kind": item["kind"],
                "metric": item.get("metric", ""),
                "weight": item["weight"],
                "value": _value_text(unit, scored.get("num"), scored.get("den")),
                "target": _number_text(unit, Decimal(str(target))) if target is not None else "—",
                "own_target": scored.get("target") is not None,
                "attainment": scored.get("attainment"),
                "score": score,
                "contribution": contribution,
                "status": STATUS_TEXT.get(scored.get("status", ""), ""),
                "manual": appraisal.manual.get(item["id"]),
            }
        )
    return rows


def _manual_kpis(appraisal: Appraisal) -> list[tuple[str, str]]:
    return [
        (item["id"], item.get("name") or item["id"])
        for item in appraisal.template.get("items", [])
        if item["kind"] == "manual"
    ]


def _grades(appraisal: Appraisal) -> list[str]:
    return [band["grade"] for band in appraisal.cycle.grades.get("bands", [])]


def render_appraisal(
    request: HttpRequest, appraisal: Appraisal, status: int = 200, **forms: Any
) -> HttpResponse:
    cycle = appraisal.cycle
    acts = may_lead(request) and access.may_act_on(request.user, appraisal.employee_id)
    is_open = cycle.status in OPEN_FOR_SCORING
    manual = _manual_kpis(appraisal)
    calibratable = cycle.status in (CycleStatus.SCORING, CycleStatus.CALIBRATION)
    context = {
        "appraisal": appraisal,
        "cycle": cycle,
        "kpis": kpi_rows(appraisal),
        "awards": selectors.appraisal_awards(user=request.user, appraisal=appraisal),
        "manual_form": forms.get("manual_form")
        or (ManualValueForm(kpis=manual) if acts and is_open and manual else None),
        "grade_form": forms.get("grade_form")
        or (
            GradeChangeForm(grades=_grades(appraisal), initial={"grade": appraisal.effective_grade})
            if acts and calibratable and appraisal.grade
            else None
        ),
        "award_form": forms.get("award_form") or (AwardForm() if acts and is_open else None),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "performance/manage/appraisals/detail.html", context, status=status)


def _appraisal(request: HttpRequest, pk: int) -> Appraisal:
    return selectors.appraisal_get(user=request.user, pk=pk)


@performance_view
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_appraisal(request, _appraisal(request, pk))


def _back(request: HttpRequest, appraisal: Appraisal) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("performance:appraisal_detail", pk=appraisal.pk)


@performance_view
@require_POST
def appraisal_manual(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_lead(request))
    appraisal = _appraisal(request, pk)
    form = ManualValueForm(request.POST, request.FILES, kpis=_manual_kpis(appraisal))
    if form.is_valid():
        data = form.cleaned_data
        ok, _saved = call_service(
            form,
            appraisal_manual_value_set,
            actor=request.user,
            appraisal=appraisal,
            kpi_id=data["kpi_id"],
            value=data["value"],
            evidence=data["evidence"],
            evidence_file=data.get("evidence_file"),
        )
        if ok:
            messages.success(
                request,
                _("Value saved; it counts the next time the cycle is scored."),
            )
            return _back(request, appraisal)
    return render_appraisal(request, appraisal, status=400, manual_form=form)


@performance_view
def appraisal_evidence(request: HttpRequest, pk: int, kpi: str) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    stored = (appraisal.manual.get(kpi) or {}).get("file")
    if not stored or not default_storage.exists(stored["path"]):
        raise NotFoundError(_("No evidence file here."))
    return FileResponse(
        default_storage.open(stored["path"], "rb"),
        as_attachment=True,
        filename=stored["name"],
        content_type=stored.get("content_type") or "application/octet-stream",
    )


@performance_view
@require_POST
def appraisal_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_lead(request))
    appraisal = _appraisal(request, pk)
    form = GradeChangeForm(request.POST, grades=_grades(appraisal))
    if form.is_valid():
        ok, _result = call_service(
            form,
            cycle_calibrate,
            actor=request.user,
            cycle=appraisal.cycle,
            changes=[
                GradeChange(
                    employee_id=appraisal.employee_id,
                    grade=form.cleaned_data["grade"],
                    reason=form.cleaned_data["reason"],
                )
            ],
        )
        if ok:
            messages.success(
                request,
                _("%(name)s is now graded %(grade)s.")
                % {"name": appraisal.employee.name, "grade": form.cleaned_data["grade"]},
            )
            return _back(request, appraisal)
    return render_appraisal(request, appraisal, status=400, grade_form=form)


@performance_view
@require_POST
def appraisal_award(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_lead(request))
    appraisal = _appraisal(request, pk)
    form = AwardForm(request.POST)
    if form.is_valid():
        ok, _award = call_service(
            form,
            team_award_grant,
            actor=request.user,
            cycle=appraisal.cycle,
            appraisal=appraisal,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Points granted."))
            return _back(request, appraisal)
    return render_appraisal(request, appraisal, status=400, award_form=form)
