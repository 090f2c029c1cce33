"""REST endpoints of the analytics app, under /api/v1/analytics/: the signed-in person's
dashboard data and a leaderboard (names as the pages show them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from meritline.analytics.selectors.boards import leaderboard
from meritline.analytics.selectors.dashboard import rep_dashboard
from meritline.core.errors import DomainError

router = Router(tags=["analytics"])


class KpiOut(Schema):
    kpi_id: str
    name: str
    unit: str
    weight: Decimal
    value: str
    target: str
    attainment: Decimal | None
    score: Decimal
    status: str
    live: bool


class RankOut(Schema):
    rank: int
    total: int
    text: str
    gap_unit: str
    gap_amount: Decimal | None
    gap_kpi: str | None


class StepOut(Schema):
    step: str
    label: str
    count: int


class CommissionOut(Schema):
    open_deals: int
    amount_fen: int
    earned_fen: int | None
    text: str


class DashboardOut(Schema):
    employee_no: str
    name: str
    cycle: str | None
    composite: Decimal | None
    final: Decimal | None
    kpis: list[KpiOut]
    team: RankOut | None
    platform: RankOut | None
    pipeline: list[StepOut]
    commission: CommissionOut | None


class BoardRowOut(Schema):
    rank: int
    score: Decimal
    grade: str
    employee_id: int | None = Field(None, description="Left out when you may not see who.")
    name: str | None
    is_me: bool


class BoardFilters(Schema):
    cycle: int | None = Field(None, gt=0, description="A scored cycle; yours by default.")
    team: int | None = Field(None, gt=0, description="A team (department) of the cycle.")


class LeaderboardOut(Schema):
    cycle_id: int | None
    cycle: str | None
    team_id: int | None
    size: int
    my_rank: int | None
    rows: list[BoardRowOut]


def _rank(rank: Any, text: str) -> dict[str, Any] | None:
    if rank is None:
        return None
    return {
        "rank": rank.rank,
        "total": rank.total,
        "text": text,
        "gap_unit": rank.phrase.unit.value,
        "gap_amount": rank.phrase.amount,
        "gap_kpi": rank.phrase.kpi_id,
    }


@router.get("/dashboard", response=DashboardOut, summary="My dashboard")
def analytics_dashboard_mine(request: HttpRequest) -> Any:
    """Your current appraisal's KPIs computed live from your sales records, your score,
    your rank in team and platform with what closes the gap to the top 3, your pipeline
    by lead step and the commission your open deals would earn."""
    board = rep_dashboard(user=request.auth)  # type: ignore[attr-defined]
    if board is None:
        raise DomainError("no_employee", _("Your login has no employee record."))
    a = board.appraisal
    commission = board.commission
    return {
        "employee_no": board.employee.employee_no,
        "name": board.employee.name,
        "cycle": a.cycle.label if a else None,
        "composite": board.composite,
        "final": board.final,
        "kpis": [k.__dict__ for k in board.kpis],
        "team": _rank(board.team, board.team_text),
        "platform": _rank(board.platform, board.platform_text),
        "pipeline": [s.__dict__ for s in board.pipeline],
        "commission": None
        if commission is None
        else {
            "open_deals": commission.deals,
            "amount_fen": commission.amount_fen,
            "earned_fen": commission.earned_fen,
            "text": commission.text,
        },
    }


@router.get("/leaderboard", response=LeaderboardOut, summary="A leaderboard")
def analytics_leaderboard(request: HttpRequest, filters: Query[BoardFilters]) -> Any:
    """Ranks and final scores of a cycle (a platform's period), or of one team in it.
    Names: the top 10, yourself and the people in your scope; other rows carry none."""
    result = leaderboard(user=request.auth, cycle_id=filters.cycle, team_id=filters.team)  # type: ignore[attr-defined]
    board = result.board
    return {
        "cycle_id": result.cycle.pk if result.cycle else None,
        "cycle": result.cycle.label if result.cycle else None,
        "team_id": result.team.pk if result.team else None,
        "size": board.size if board else 0,
        "my_rank": board.my_rank if board else None,
        "rows": [r.__dict__ for r in board.rows] if board else [],
    }
