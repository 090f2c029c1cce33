"""The distance to the top 3 as a phrase a person can act on (PRF-7: "5th; 2 big deals
short").

The performance engine's ``distance_to_top`` finds, per KPI, the smallest change of that
KPI alone that lifts the final score to the bar, and the *fastest* KPI (the smallest
change relative to its target). This module turns that KPI's change into a quantity in
the unit people think in:

- money (fen): the amount, whole fen;
- a count: the number of things (always a whole number ≥ 1);
- a ratio: percentage points (0.0350 → 3.5), never a bare ratio;
- days and other numbers: the value as it is (a lower-is-better KPI gives a decrease).

When no single KPI closes the gap the phrase falls back to the score points short.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

HUNDRED = Decimal(100)


class GapUnit(str, Enum):
    IN_TOP = "in_top"  # already at or above the bar
    MONEY = "money"  # amount in fen
    COUNT = "count"
    PERCENT_POINTS = "percent_points"
    DECREASE = "decrease"  # a lower-is-better KPI must fall by ``amount``
    NUMBER = "number"
    SCORE_POINTS = "score_points"  # no single KPI closes the gap


@dataclass(frozen=True)
class GapPhrase:
    """What to say: ``unit`` and ``amount`` of the change on ``kpi_id`` (None for
    ``IN_TOP``/``SCORE_POINTS``)."""

    unit: GapUnit
    amount: Decimal | int | None = None
    kpi_id: str | None = None


def gap_phrase(
    *,
    in_top: bool,
    fastest: str | None,
    needed: Decimal | None,
    kpi_unit: str | None,
    points_short: Decimal | None,
) -> GapPhrase:
    """The phrase for a standing: ``needed`` is the fastest KPI's change (negative for a
    lower-is-better KPI) in ``kpi_unit`` (``fen``, ``count``, ``ratio``, ``days``, …)."""
    if in_top:
        return GapPhrase(GapUnit.IN_TOP)
    if fastest is None or needed is None or kpi_unit is None:
        return GapPhrase(GapUnit.SCORE_POINTS, points_short)
    if needed < 0:
        return GapPhrase(GapUnit.DECREASE, plain(-needed), fastest)
    if kpi_unit == "fen":
        return GapPhrase(GapUnit.MONEY, int(needed), fastest)
    if kpi_unit == "count":
        return GapPhrase(GapUnit.COUNT, max(int(needed), 1), fastest)
    if kpi_unit == "ratio":
        return GapPhrase(GapUnit.PERCENT_POINTS, plain(needed * HUNDRED), fastest)
    return GapPhrase(GapUnit.NUMBER, plain(needed), fastest)


def plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and never in exponent form (100, not 1E+2)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
