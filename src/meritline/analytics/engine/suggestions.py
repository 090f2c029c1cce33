"""Improvement suggestions (PRF-8) from a person's weakest KPIs relative to their peers.

Rules (also in docs/dashboards.md):
- Peers are the other people scored on the same KPI in the same cycle (same template
  item). The *baseline* of a KPI is the peers' median score; with fewer than
  ``min_peers`` peers it is the target's score, 100 (too few peers say nothing and
  could reveal someone's result).
- A KPI is *weak* when the person's score is below its baseline. Its *impact* is the
  composite points the shortfall costs: weight × (baseline − score) ÷ 100, rounded
  half-up to 2 places. The weakest come first: larger impact, then the lower
  percentile among peers, then the template's order; at most ``limit`` are returned.
- The percentile of a score among peers is the share of peers strictly below it plus
  half of those equal, in percent, rounded half-up to a whole number (no peers: None).
- Each weak KPI carries an advice code chosen by what the KPI measures (its metric, or
  its kind for rating and manual KPIs); the Django side words the advice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Advice(str, Enum):
    VOLUME = "volume"
    PROSPECT = "prospect"
    RETAIN = "retain"
    MARGIN = "margin"
    CONVERT = "convert"
    FOLLOW_UP = "follow_up"
    BIG_CLIENTS = "big_clients"
    ORDERS = "orders"
    COLLECT = "collect"
    GROWTH = "growth"
    FEEDBACK = "feedback"
    EVIDENCE = "evidence"
    GENERAL = "general"


_BY_METRIC = {
    "sales_amount": Advice.VOLUME,
    "gross_margin": Advice.VOLUME,
    "new_customers": Advice.PROSPECT,
    "enterprise_clients": Advice.PROSPECT,
    "repurchase_rate": Advice.RETAIN,
    "retention_rate": Advice.RETAIN,
    "gross_margin_rate": Advice.MARGIN,
    "conversion_rate": Advice.CONVERT,
    "average_follow_up_days": Advice.FOLLOW_UP,
    "big_client_signing_rate": Advice.BIG_CLIENTS,
    "small_order_volume": Advice.ORDERS,
    "deal_count": Advice.ORDERS,
    "collection_rate": Advice.COLLECT,
    "collection_amount": Advice.COLLECT,
    "growth_rate": Advice.GROWTH,
}


@dataclass(frozen=True)
class KpiStanding:
    """One KPI of the person: its kind (metric/rating/manual), metric, weight (%) and
    score (2 places)."""

    kpi_id: str
    kind: str
    metric: str | None
    weight: Decimal
    score: Decimal


@dataclass(frozen=True)
class Weakness:
    kpi_id: str
    score: Decimal
    baseline: Decimal
    peers: int
    percentile: int | None
    impact: Decimal
    advice: Advice


def advice_for(kind: str, metric: str | None) -> Advice:
    """The advice code of a KPI by what it measures."""
    if kind == "rating":
        return Advice.FEEDBACK
    if kind == "manual":
        return Advice.EVIDENCE
    return _BY_METRIC.get(metric or "", Advice.GENERAL)


def median(values: Sequence[Decimal]) -> Decimal:
    """The median (the mean of the middle two for an even count), exact."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of nothing")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile_rank(value: Decimal, peers: Sequence[Decimal]) -> int | None:
    """Share of ``peers`` below ``value`` (ties count half), in whole percent."""
    if not peers:
        return None
    below = sum(1 for p in peers if p < value)
    equal = sum(1 for p in peers if p == value)
    share = (Decimal(below) + Decimal(equal) / 2) * HUNDRED / len(peers)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def weakest_kpis(
    mine: Sequence[KpiStanding],
    peers: Mapping[str, Sequence[Decimal]],
    *,
    limit: int = 3,
    min_peers: int = 3,
) -> list[Weakness]:
    """The person's weakest KPIs relative to ``peers`` (KPI id → the peers' scores)."""
    found: list[tuple[Decimal, int, int, Weakness]] = []
    for order, kpi in enumerate(mine):
        others = list(peers.get(kpi.kpi_id, ()))
        baseline = median(others) if len(others) >= min_peers else HUNDRED
        if kpi.score >= baseline:
            continue
        impact = (kpi.weight * (baseline - kpi.score) / HUNDRED).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        percentile = percentile_rank(kpi.score, others) if len(others) >= min_peers else None
        weakness = Weakness(
            kpi_id=kpi.kpi_id,
            score=kpi.score,
            baseline=baseline.quantize(CENT, rounding=ROUND_HALF_UP),
            peers=len(others),
            percentile=percentile,
            impact=impact,
            advice=advice_for(kpi.kind, kpi.metric),
        )
        found.append((-impact, percentile if percentile is not None else 101, order, weakness))
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found[:limit]]
