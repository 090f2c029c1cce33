"""Where someone stands in their cycle (PRF-7): rank in the team and on the platform, and
what closes the distance to the top 3.

Peers are the others appraised in the same cycle with a final score from its last
scoring — the platform's leaderboard (``selectors.boards``) — and, for the team, those
of them in the same team; whatever KPI template each was scored on. The person counts
with their live score. Ranks are the performance engine's competition ranks (``rank``:
1 + how many score higher), so the dashboard and the leaderboard agree. The bar is the
3rd-best final score; the engine's ``gaps_to_bar`` finds, on the person's own template,
the KPI whose change alone reaches it fastest — a peer on another template sets the bar
as well as anyone. No ranks before the cycle's first scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from meritline.analytics.engine import GapPhrase, GapUnit, gap_phrase
from meritline.analytics.selectors.live import LiveScore
from meritline.performance.engine import gaps_to_bar, rank
from meritline.performance.models import Appraisal

TOP = 3


@dataclass(frozen=True)
class Rank:
    rank: int
    total: int
    phrase: GapPhrase
    kpi_name: str | None


def _rank(live: LiveScore, peers: dict[int, Decimal]) -> Rank:
    me = live.appraisal.employee_id
    mine = live.final.final
    position = rank({**peers, me: mine})[me]
    total = len(peers) + 1
    if position <= TOP:
        return Rank(position, total, GapPhrase(GapUnit.IN_TOP), None)
    bar = sorted(peers.values(), reverse=True)[TOP - 1]
    gaps, fastest = gaps_to_bar(live.template, live.standing, bar, live.rules)
    needed = next((k.needed for k in gaps if k.kpi_id == fastest), None)
    item = live.template.item(fastest) if fastest else None
    phrase = gap_phrase(
        in_top=False,
        fastest=fastest,
        needed=needed,
        kpi_unit=item.unit.value if item else None,
        points_short=bar - mine,
    )
    return Rank(position, total, phrase, (item.name or item.id) if item else None)


def ranks(live: LiveScore) -> tuple[Rank | None, Rank | None]:
    """(team rank, platform rank) of the live score; None before the first scoring."""
    appraisal = live.appraisal
    if appraisal.cycle.scored_at is None:
        return None, None
    peers = list(
        Appraisal.objects.filter(cycle_id=appraisal.cycle_id, final_score__isnull=False)
        .exclude(employee_id=appraisal.employee_id)
        .values_list("employee_id", "department_id", "final_score")
    )
    platform = {e: s for e, _d, s in peers}
    team = {e: s for e, d, s in peers if d == appraisal.department_id}
    return _rank(live, team), _rank(live, platform)
