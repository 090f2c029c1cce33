"""Performance API: multi-rater reviews (PRF-5) — the reviews I am asked to give, giving
or changing my ratings, and the aggregated results of an appraisal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from meritline.performance import review_selectors as selectors
from meritline.performance.services.reviews_answers import review_submit

router = Router()


class ReviewItemOut(Schema):
    id: str
    name: str
    score: Decimal | None = None


class ReviewOut(Schema):
    id: int
    appraisal_id: int
    employee: str
    cycle: str
    group: str
    deadline: date | None
    submitted_at: datetime | None
    comment: str
    scale_min: Decimal | None
    scale_max: Decimal | None
    items: list[ReviewItemOut]


class RatingIn(Schema):
    scores: dict[str, str]
    comment: str = ""


class GroupOut(Schema):
    group: str
    configured_weight: Decimal
    answered: int
    counted: bool
    mean: Decimal | None
    effective_weight: Decimal | None
    reason: str


class ItemResultOut(Schema):
    item: str
    name: str
    value: Decimal | None
    groups: list[GroupOut]


class NamedAnswerOut(Schema):
    group: str
    rater: str
    scores: dict[str, Decimal]
    comment: str


class ResultsOut(Schema):
    appraisal_id: int
    normalised: bool
    items: list[ItemResultOut]
    answers: list[NamedAnswerOut]
    anonymous_comments: dict[str, list[str]]
    problem: str


def _review(assignment: Any, deadline: date | None) -> dict[str, Any]:
    scores = {a.item: a.score for a in assignment.answers.all()}
    low, high = selectors.scale_of(assignment.appraisal.cycle)
    return {
        "id": assignment.pk,
        "appraisal_id": assignment.appraisal_id,
        "employee": assignment.appraisal.employee.name,
        "cycle": assignment.appraisal.cycle.label,
        "group": assignment.group,
        "deadline": deadline,
        "submitted_at": assignment.submitted_at,
        "comment": assignment.comment,
        "scale_min": low,
        "scale_max": high,
        "items": [
            {"id": i["id"], "name": i.get("name") or i["id"], "score": scores.get(i["id"])}
            for i in assignment.appraisal.template.get("items", [])
            if i.get("kind") == "rating"
        ],
    }


@router.get("/reviews/mine", response=list[ReviewOut], summary="Reviews I am asked to give")
def performance_review_mine(request: HttpRequest) -> Any:
    """The reviews you are asked to give, each with its rating items, your scores so far
    and its deadline."""
    rows = list(selectors.my_review_list(user=request.auth).prefetch_related("answers"))  # type: ignore[attr-defined]
    days = selectors.deadlines(rows)
    return [_review(a, days[a.pk]) for a in rows]


@router.post("/reviews/{review_id}/answers", response=ReviewOut, summary="Give my ratings")
def performance_review_submit(request: HttpRequest, review_id: int, payload: RatingIn) -> Any:
    """Rate every item of a review you are asked to give (or change your ratings until
    the deadline). Refused with a 400 when a score is outside the cycle's scale, an item
    is missing or unknown, the deadline has passed or the cycle is closed."""
    user = request.auth  # type: ignore[attr-defined]
    selectors.my_review_get(user=user, pk=review_id)
    review_submit(
        actor=user, assignment_id=review_id, scores=payload.scores, comment=payload.comment
    )
    assignment = selectors.my_review_get(user=user, pk=review_id)
    return _review(assignment, selectors.deadlines([assignment])[assignment.pk])


@router.get("/appraisals/{appraisal_id}/reviews", response=ResultsOut, summary="Review results")
def performance_review_results(request: HttpRequest, appraisal_id: int) -> Any:
    """The aggregated review results of an appraisal: per rating item the value, each
    group's mean and effective weight (or why it did not count); supervisor, self and
    customer answers as such; peer and subordinate answers only aggregated, and only
    when at least 3 answered."""
    results = selectors.appraisal_review_results(user=request.auth, pk=appraisal_id)  # type: ignore[attr-defined]
    return {
        "appraisal_id": results.appraisal.pk,
        "normalised": bool(results.rules and results.rules.normalise),
        "items": [
            {
                "item": item.item,
                "name": item.name,
                "value": item.value,
                "groups": [
                    {
                        "group": g.group,
                        "configured_weight": g.configured,
                        "answered": g.answered,
                        "counted": g.counted,
                        "mean": g.mean,
                        "effective_weight": g.weight,
                        "reason": g.reason,
                    }
                    for g in item.groups
                ],
            }
            for item in results.items
        ],
        "answers": [
            {"group": a.group, "rater": a.rater, "scores": a.scores, "comment": a.comment}
            for a in results.named
        ],
        "anonymous_comments": results.comments,
        "problem": results.problem,
    }
