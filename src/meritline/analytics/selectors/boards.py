"""Leaderboards (PRF-8) by platform (a platform's cycle), team and period (the cycle's).

Who sees which board: everyone sees the boards of the scored cycles they may read
(``performance.selectors.cycle_list``: a rep the cycles they are appraised in; managers,
HR and finance every cycle). Names follow ``analytics.engine.boards``: the top 10 and
oneself always, everyone else only within the viewer's scope — a rep sees the other
rows' ranks and scores without names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from meritline.analytics.engine import Board, BoardEntry, build_board
from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError
from meritline.org.models import Department
from meritline.performance import selectors as perf
from meritline.performance.models import Appraisal, Cycle


@dataclass(frozen=True)
class Leaderboard:
    cycle: Cycle | None
    team: Department | None
    board: Board | None
    cycles: list[Cycle]
    teams: list[Department]


def board_cycles(*, user: Any) -> QuerySet[Cycle]:
    """The scored cycles whose boards the user may read, newest first."""
    return (
        perf.cycle_list(user=user)
        .filter(scored_at__isnull=False)
        .order_by("-as_of", "platform__name", "-pk")
    )


def _default_cycle(user: Any, cycles: QuerySet[Cycle]) -> Cycle | None:
    me = scope_for(user).self_employee_id
    mine = cycles.filter(appraisals__employee_id=me).first() if me is not None else None
    return mine or cycles.first()


def leaderboard(
    *, user: Any, cycle_id: int | None = None, team_id: int | None = None
) -> Leaderboard:
    """The board of ``cycle_id`` (default: the user's latest scored cycle), for one team
    of it when ``team_id`` is given."""
    cycles = board_cycles(user=user)
    if cycle_id is None:
        cycle = _default_cycle(user, cycles)
    else:
        cycle = cycles.filter(pk=cycle_id).first()
        if cycle is None:
            raise NotFoundError(_("Leaderboard not found."))
    listed = list(cycles[:60])
    if cycle is None:
        return Leaderboard(None, None, None, listed, [])
    rows = Appraisal.objects.filter(cycle=cycle, final_score__isnull=False)
    teams = list(Department.objects.filter(pk__in=rows.values("department_id")).order_by("name"))
    team = None
    if team_id is not None:
        team = next((t for t in teams if t.pk == team_id), None)
        if team is None:
            raise NotFoundError(_("Team not found in this cycle."))
        rows = rows.filter(department_id=team_id)
    scope = scope_for(user)
    visible = None
    if not scope.all_rows:
        visible = set(
            perf.appraisal_list(user=user, cycle=cycle).values_list("employee_id", flat=True)
        )
    entries = [
        BoardEntry(e, name, score, calibrated or grade)
        for e, name, score, grade, calibrated in rows.values_list(
            "employee_id", "employee__name", "final_score", "grade", "calibrated_grade"
        )
    ]
    board = build_board(entries, viewer_id=scope.self_employee_id, visible=visible)
    if cycle not in listed:
        listed.append(cycle)
    return Leaderboard(cycle, team, board, listed, teams)
