"""Performance API: manage — cycles, appraisals (scoped to the user), targets (read and
set) and KPI templates (read). Scores and weights are decimal strings; money targets are
integer fen like everywhere else."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from meritline.org.models import Department, Employee, Platform
from meritline.org.selectors import employee_by_number
from meritline.performance import selectors
from meritline.performance.models import Appraisal, Cycle, KpiTemplate, Target
from meritline.performance.services.targets import target_set

router = Router()


class CycleOut(Schema):
    id: int
    platform: str | None
    cadence: str
    period: str
    as_of: date
    status: str
    team_weight: Decimal
    max_points: Decimal
    grades: dict[str, Any]
    guideline: dict[str, Any]
    scored_at: datetime | None
    closed_at: datetime | None


class AppraisalOut(Schema):
    id: int
    cycle: int
    employee_no: str
    employee: str
    team: str
    template_version: str
    individual_score: Decimal | None
    team_score: Decimal | None
    points: Decimal | None
    final_score: Decimal | None
    grade: str
    calibrated_grade: str
    coefficient: Decimal | None


class AppraisalDetailOut(AppraisalOut):
    kpis: dict[str, Any]
    template: dict[str, Any]
    manual: dict[str, Any]
    calibration_reason: str


class TargetOut(Schema):
    id: int
    level: str
    period: str
    metric: str
    value: Decimal
    platform: str | None
    department: str | None
    employee_no: str | None


class TargetIn(Schema):
    level: str
    period: str
    metric: str
    value: str
    platform: str = ""
    department: str = ""
    employee: str = ""


class TargetFilters(Schema):
    period: str | None = None
    metric: str | None = None
    level: str | None = None


class VersionOut(Schema):
    number: int
    valid_from: date
    valid_to: date | None
    note: str
    items: list[dict[str, Any]]


class TemplateOut(Schema):
    code: str
    name: str
    stage: str
    position: str | None


class TemplateDetailOut(TemplateOut):
    versions: list[VersionOut]


def _cycle(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "platform": cycle.platform.code if cycle.platform_id else None,
        "cadence": cycle.cadence,
        "period": cycle.period,
        "as_of": cycle.as_of,
        "status": cycle.status,
        "team_weight": cycle.team_weight,
        "max_points": cycle.max_points,
        "grades": cycle.grades,
        "guideline": cycle.guideline or {},
        "scored_at": cycle.scored_at,
        "closed_at": cycle.closed_at,
    }


def _appraisal(a: Appraisal, detail: bool = False) -> dict[str, Any]:
    row = {
        "id": a.pk,
        "cycle": a.cycle_id,
        "employee_no": a.employee.employee_no,
        "employee": a.employee.name,
        "team": a.department.name,
        "template_version": a.template_version.label,
        "individual_score": a.individual_score,
        "team_score": a.team_score,
        "points": a.points,
        "final_score": a.final_score,
        "grade": a.grade,
        "calibrated_grade": a.calibrated_grade,
        "coefficient": a.coefficient,
    }
    if detail:
        manual = {
            k: {**v, "file": {f: v["file"][f] for f in ("name", "size", "sha256")}}
            if v.get("file")
            else v
            for k, v in a.manual.items()
        }
        row.update(
            kpis=a.kpis,
            template=a.template,
            manual=manual,
            calibration_reason=a.calibration_reason,
        )
    return row


def _target(t: Target) -> dict[str, Any]:
    return {
        "id": t.pk,
        "level": t.level,
        "period": t.period,
        "metric": t.metric,
        "value": t.value,
        "platform": t.platform.code if t.platform_id else None,
        "department": t.department.code if t.department_id else None,
        "employee_no": t.employee.employee_no if t.employee_id else None,
    }


@router.get("/cycles", response=list[CycleOut], summary="List appraisal cycles")
@paginate(LimitOffsetPagination)
def performance_cycle_list(request: HttpRequest) -> Any:
    """The cycles the user may see: all for those who lead people or read everything,
    else those the user is appraised in."""
    user = request.auth  # type: ignore[attr-defined]
    return [_cycle(c) for c in selectors.cycle_list(user=user).order_by("-as_of", "platform_id")]


@router.get("/cycles/{cycle_id}", response=CycleOut, summary="Get an appraisal cycle")
def performance_cycle_get(request: HttpRequest, cycle_id: int) -> Any:
    return _cycle(selectors.cycle_get(user=request.auth, pk=cycle_id))  # type: ignore[attr-defined]


@router.get(
    "/cycles/{cycle_id}/appraisals",
    response=list[AppraisalOut],
    summary="List a cycle's appraisals",
)
@paginate(LimitOffsetPagination)
def performance_cycle_appraisals(request: HttpRequest, cycle_id: int) -> Any:
    """The appraisals of the cycle the user may see (a manager: their subtree; a rep:
    their own)."""
    user = request.auth  # type: ignore[attr-defined]
    cycle = selectors.cycle_get(user=user, pk=cycle_id)
    rows = selectors.appraisal_list(user=user, cycle=cycle).order_by("employee__employee_no")
    return [_appraisal(a) for a in rows]


@router.get("/appraisals/{appraisal_id}", response=AppraisalDetailOut, summary="Get an appraisal")
def performance_appraisal_get(request: HttpRequest, appraisal_id: int) -> Any:
    """One appraisal with its frozen template, KPI values and scores, and manual values
    (evidence files by name, size and SHA-256)."""
    user = request.auth  # type: ignore[attr-defined]
    return _appraisal(selectors.appraisal_get(user=user, pk=appraisal_id), detail=True)


@router.get("/targets", response=list[TargetOut], summary="List targets")
@paginate(LimitOffsetPagination)
def performance_target_list(request: HttpRequest, filters: Query[TargetFilters]) -> Any:
    """Company, platform and team targets, and the employee targets the user may see."""
    user = request.auth  # type: ignore[attr-defined]
    rows = selectors.target_list(user=user, period=(filters.period or "").strip() or None)
    if filters.metric:
        rows = rows.filter(metric=filters.metric)
    if filters.level:
        rows = rows.filter(level=filters.level)
    return [_target(t) for t in rows.order_by("period", "metric", "level", "owner_key")]


def _ref(model: Any, lookup: str, text: str) -> Any:
    return get_object_or_404(model, **{lookup: text.strip()}) if text.strip() else None


def _employee(user: Any, number: str) -> Employee | None:
    """The employee numbered ``number`` among those ``user`` may see. Outside that scope
    an unknown number is refused like a known one, so the answer does not tell who exists."""
    if not number.strip():
        return None
    return employee_by_number(
        user=user, number=number, refusal=_("You may not set targets for this employee.")
    )


@router.post("/targets", response=TargetOut, summary="Set a target")
def performance_target_set(request: HttpRequest, body: TargetIn) -> Any:
    """Create or change one target. Company, platform and team targets: HR admins;
    employee targets also the employee's leaders. Platforms and teams by code, employees
    by number, looked up among the people the user may see (anyone else is a 403); a
    negative target, or a money target in fractions of a fen, is a 400 naming ``value``."""
    user = request.auth  # type: ignore[attr-defined]
    target = target_set(
        actor=user,
        level=body.level,
        period=body.period,
        metric=body.metric,
        value=body.value,
        platform=_ref(Platform, "code", body.platform),
        department=_ref(Department, "code", body.department),
        employee=_employee(user, body.employee),
    )
    return _target(target)


@router.get("/templates", response=list[TemplateOut], summary="List KPI templates")
def performance_template_list(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return [_template(t) for t in selectors.template_list(user=user)]


def _template(t: KpiTemplate) -> dict[str, Any]:
    return {
        "code": t.code,
        "name": t.name,
        "stage": t.stage,
        "position": t.position.code if t.position_id else None,
    }


@router.get("/templates/{code}", response=TemplateDetailOut, summary="Get a KPI template")
def performance_template_get(request: HttpRequest, code: str) -> Any:
    """A template with every version, oldest first: the history of its weights."""
    user = request.auth  # type: ignore[attr-defined]
    template = get_object_or_404(selectors.template_list(user=user), code=code)
    versions = selectors.template_version_list(user=user, template=template).order_by("number")
    return {
        **_template(template),
        "versions": [
            {
                "number": v.number,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "note": v.note,
                "items": v.items,
            }
            for v in versions
        ],
    }
