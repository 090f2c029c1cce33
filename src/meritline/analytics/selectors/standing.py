"""Where someone stands in their cycle (PRF-7): rank in the team and on the platform, and
what closes the distance to the top 3.

Peers are the other people appraised in the same cycle on the same KPI template, as the
last scoring left them (their stored final scores and KPI values); the person counts with
their live score. The performance engine's ``distance_to_top`` finds the KPI that closes
the gap fastest; it only needs the person and the top 3 (the bar and the reference), so
only those three peers' KPI values are read. No ranks before the cycle's first scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from meritline.analytics.engine import GapPhrase, gap_phrase
from meritline.analytics.selectors.live import LiveScore, stored_target, stored_value
from meritline.performance.engine import Standing, distance_to_top
from meritline.performance.models import Appraisal

TOP = 3


@dataclass(frozen=True)
class Rank:
    rank: int
    total: int
    phrase: GapPhrase
    kpi_name: str | None


def _standing(row: dict[str, Any], live: LiveScore) -> Standing:
    kpis = row["kpis"] or {}
    values = {item.id: stored_value(kpis, item.id) for item in live.template.items}
    targets = {
        item.id: target
        for item in live.template.items
        if (target := stored_target(kpis, item.id)) is not None
    }
    return Standing(
        row["employee_id"], values, targets, row["team_score"], row["points"] or Decimal(0)
    )


def _rank(live: LiveScore, peers: list[tuple[int, Decimal]], details: dict[int, Any]) -> Rank:
    mine = live.final.final
    ahead = sum(1 for _e, score in peers if score > mine)
    top = sorted(peers, key=lambda p: (-p[1], p[0]))[:TOP]
    standings = [live.standing, *(_standing(details[e], live) for e, _s in top)]
    gap = distance_to_top(live.template, standings, live.appraisal.employee_id, live.rules, top=TOP)
    needed = next((k.needed for k in gap.kpis if k.kpi_id == gap.fastest), None)
    item = live.template.item(gap.fastest) if gap.fastest else None
    phrase = gap_phrase(
        in_top=ahead < TOP or gap.in_top,
        fastest=gap.fastest,
        needed=needed,
        kpi_unit=item.unit.value if item else None,
        points_short=gap.points_short,
    )
    return Rank(ahead + 1, len(peers) + 1, phrase, (item.name or item.id) if item else None)


def ranks(live: LiveScore) -> tuple[Rank | None, Rank | None]:
    """(team rank, platform rank) of the live score; None before the first scoring."""
    appraisal = live.appraisal
    if appraisal.cycle.scored_at is None:
        return None, None
    peers = list(
        Appraisal.objects.filter(
            cycle_id=appraisal.cycle_id,
            final_score__isnull=False,
            template__id=live.template.id,
        )
        .exclude(employee_id=appraisal.employee_id)
        .values_list("employee_id", "department_id", "final_score")
    )
    platform = [(e, s) for e, _d, s in peers]
    team = [(e, s) for e, d, s in peers if d == appraisal.department_id]
    wanted = {e for e, _s in sorted(platform, key=lambda p: (-p[1], p[0]))[:TOP]}
    wanted |= {e for e, _s in sorted(team, key=lambda p: (-p[1], p[0]))[:TOP]}
    details = {
        row["employee_id"]: row
        for row in Appraisal.objects.filter(
            cycle_id=appraisal.cycle_id, employee_id__in=wanted
        ).values("employee_id", "kpis", "team_score", "points")
    }
    return _rank(live, team, details), _rank(live, platform, details)
