"""Review answers as the engine reads them (fetch only; the scoring service and the
results selector both start from here)."""

from __future__ import annotations

import polars as pl

from meritline.performance.engine import ANSWERS_SCHEMA, Answer
from meritline.performance.engine.raters import answers_from_rows
from meritline.performance.models import Cycle, ReviewAnswer, ReviewGroup


def review_answers(cycle: Cycle) -> pl.DataFrame:
    """The engine's answers frame: every submitted rating of the cycle. An employee rates
    under their employee id; a customer link under minus its assignment id, so the two
    never collide."""
    rows = ReviewAnswer.objects.filter(
        assignment__appraisal__cycle=cycle, assignment__submitted_at__isnull=False
    ).values_list(
        "assignment__appraisal__employee_id",
        "assignment__rater_id",
        "assignment_id",
        "assignment__group",
        "item",
        "score",
    )
    return pl.DataFrame(
        [
            {
                "ratee_id": ratee,
                "rater_id": rater if group != ReviewGroup.CUSTOMER else -assignment,
                "group": group,
                "item": item,
                "score": score,
            }
            for ratee, rater, assignment, group, item, score in rows.order_by(
                "assignment_id", "item"
            )
        ],
        schema=ANSWERS_SCHEMA,
        orient="row",
    )


def review_answer_list(cycle: Cycle) -> list[Answer]:
    """The same answers as engine values, for the reference aggregation."""
    return answers_from_rows(review_answers(cycle).iter_rows(named=True))
