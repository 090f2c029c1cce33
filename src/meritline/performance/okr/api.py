"""OKR API: objectives (scoped like the pages) and check-ins."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from meritline.core.errors import PermissionDeniedError
from meritline.performance.okr import access, selectors
from meritline.performance.okr.models import Objective
from meritline.performance.okr.services.checkins import check_in_create

router = Router()


class KeyResultOut(Schema):
    id: int
    title: str
    measure: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal
    weight: Decimal
    metric: str
    score: Decimal


class ObjectiveOut(Schema):
    id: int
    period: str
    title: str
    level: str
    owner_id: int
    owner: str
    team: str | None
    parent_id: int | None
    visibility: str
    score: Decimal
    self_score: Decimal | None
    final_score: Decimal | None
    grade_status: str
    key_results: list[KeyResultOut]


class CheckInIn(Schema):
    value: Decimal
    confidence: str
    comment: str = ""


class CheckInOut(Schema):
    id: int
    key_result_id: int
    previous_value: Decimal
    value: Decimal
    score: Decimal
    objective_score: Decimal
    confidence: str
    comment: str
    source: str
    author_name: str
    created_at: datetime


def _objective(o: Objective) -> dict[str, Any]:
    return {
        "id": o.pk,
        "period": o.period.code,
        "title": o.title,
        "level": o.level,
        "owner_id": o.owner_id,
        "owner": o.owner.name,
        "team": o.team.name if o.team else None,
        "parent_id": o.parent_id,
        "visibility": o.visibility,
        "score": o.score(),
        "self_score": o.self_score,
        "final_score": o.final_score,
        "grade_status": o.grade_status,
        "key_results": [
            {
                "id": kr.pk,
                "title": kr.title,
                "measure": kr.measure,
                "start_value": kr.start_value,
                "target_value": kr.target_value,
                "current_value": kr.current_value,
                "weight": kr.weight,
                "metric": kr.metric,
                "score": kr.score(),
            }
            for kr in o.key_results.all()
        ],
    }


@router.get("/objectives", response=list[ObjectiveOut], summary="Objectives")
def okr_objective_list(
    request: HttpRequest, period: str | None = None, owner: int | None = None
) -> Any:
    """The objectives you may read (public ones, and private ones of yourself and the
    people you manage), optionally of one quarter (``2026-Q4``) or owner. Currency values
    are fen, percentages points; scores are 0–1."""
    rows = selectors.objective_list(user=request.auth, period=period)  # type: ignore[attr-defined]
    if owner is not None:
        rows = rows.filter(owner_id=owner)
    return [_objective(o) for o in rows.order_by("period__starts_on", "pk")[:500]]


@router.get("/objectives/{objective_id}", response=ObjectiveOut, summary="One objective")
def okr_objective_get(request: HttpRequest, objective_id: int) -> Any:
    objective = selectors.objective_get(user=request.auth, pk=objective_id)  # type: ignore[attr-defined]
    return _objective(objective)


@router.get("/objectives/{objective_id}/check-ins", response=list[CheckInOut], summary="Check-ins")
def okr_check_in_list(request: HttpRequest, objective_id: int) -> Any:
    """Every check-in of the objective's key results, newest first."""
    user = request.auth  # type: ignore[attr-defined]
    objective = selectors.objective_get(user=user, pk=objective_id)
    return list(selectors.check_in_list(user=user, objective=objective))


@router.post(
    "/key-results/{key_result_id}/check-ins",
    response={201: CheckInOut},
    summary="Check in",
)
def okr_check_in_create(request: HttpRequest, key_result_id: int, payload: CheckInIn) -> Any:
    """A new current value of a key result (currency in fen, a milestone 0 or 1) with a
    confidence (``high``, ``medium``, ``low``); by the owner or their managers."""
    user = request.auth  # type: ignore[attr-defined]
    kr = selectors.key_result_get(user=user, pk=key_result_id)
    if not access.may_write(user, kr.objective):
        raise PermissionDeniedError(
            _("Only the owner of the objective and their managers may check in.")
        )
    row = check_in_create(
        actor=user,
        key_result=kr,
        value=payload.value,
        confidence=payload.confidence,
        comment=payload.comment,
    )
    return Status(201, row)
