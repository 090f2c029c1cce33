"""The user's own statements: totals and every line in words."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from meritline.incentives import selectors
from meritline.incentives.text import line_text

router = Router()


class LineOut(Schema):
    id: int
    component_id: str
    line_kind: str
    source_label: str
    base_fen: int
    amount_fen: int
    explanation: str


class StatementOut(Schema):
    run_id: int
    plan: str
    period: str
    status: str
    earned_fen: int
    held_fen: int
    released_fen: int
    clawed_back_fen: int
    adjustment_fen: int
    carried_in_fen: int
    payable_fen: int
    carried_out_fen: int
    lines: list[LineOut]


@router.get("/statements/mine", response=list[StatementOut], summary="My statements")
def incentives_statement_mine(request: HttpRequest, period: str | None = None) -> Any:
    """Your statements of approved and closed runs (optionally of one ``period``), newest
    first, each line explained in the request's language."""
    user = request.auth  # type: ignore[attr-defined]
    out = []
    for row in selectors.statements_of(user=user, period=period):
        lines = selectors.line_list(user=user, run=row.run, payee_id=row.payee_id)
        out.append(
            {
                "run_id": row.run_id,
                "plan": row.run.plan_version.label,
                "period": row.run.period,
                "status": row.run.status,
                "earned_fen": row.earned_fen,
                "held_fen": row.held_fen,
                "released_fen": row.released_fen,
                "clawed_back_fen": row.clawed_back_fen,
                "adjustment_fen": row.adjustment_fen,
                "carried_in_fen": row.carried_in_fen,
                "payable_fen": row.payable_fen,
                "carried_out_fen": row.carried_out_fen,
                "lines": [
                    {
                        "id": line.pk,
                        "component_id": line.component_id,
                        "line_kind": line.line_kind,
                        "source_label": line.source_label,
                        "base_fen": line.base_fen,
                        "amount_fen": line.amount_fen,
                        "explanation": line_text(line),
                    }
                    for line in lines
                ],
            }
        )
    return out
