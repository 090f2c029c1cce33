"""OKR scores, 0–1 (PRF-9). Pure: the standard library only, no Django.

Conventions (docs/okr.md):
- A key result scores its progress from start to target: ``(current − start) ÷ (target −
  start)``, clamped to [0, 1]. The target may lie below the start (a KR that lowers a
  number, e.g. churn): the formula is the same, progress is made by going down.
- A milestone KR scores 1 when done, 0 until then.
- Targets are meant as *stretch* goals: 0.7 is a good result, 1.0 means the stretch was
  fully met, and going past the target still scores 1.0 (over-achievement is not paid
  for elsewhere). Bands: ≥ 0.7 on track (green), ≥ 0.4 progressing (yellow), below red.
- An objective scores the weighted mean of its KRs' scores; the weights of an
  objective's KRs must add up to exactly 100 (per cent).
- Scores are kept to 4 decimal places (half-up) and shown to 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
PLACES = Decimal("0.0001")
GOOD = Decimal("0.7")
FAIR = Decimal("0.4")


class Band(str, Enum):
    ON_TRACK = "on_track"
    PROGRESSING = "progressing"
    BEHIND = "behind"


class ScoringError(ValueError):
    """Inputs a score cannot be computed from (a target equal to its start)."""


def _clamp(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value))


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def kr_score(start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """The 0–1 score of a KR measured by a number (number, percentage, currency)."""
    if target == start:
        raise ScoringError("target equals start")
    return _round(_clamp((current - start) / (target - start)))


def milestone_score(done: bool) -> Decimal:
    return ONE if done else ZERO


def weights_total(weights: Sequence[Decimal]) -> Decimal:
    return sum(weights, ZERO)


def weights_ok(weights: Sequence[Decimal]) -> bool:
    """Whether the weights add up to exactly 100 (and none is negative)."""
    return bool(weights) and all(w >= 0 for w in weights) and weights_total(weights) == HUNDRED


def objective_score(parts: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The weighted mean of ``(weight, score)`` pairs; 0 without any weight.

    Weights are normally a set adding up to 100; any positive total is honoured as a
    proportion so that a set being edited still gives a meaningful figure.
    """
    total = weights_total([w for w, _s in parts])
    if total <= 0:
        return ZERO
    weighted = sum((w * _clamp(s) for w, s in parts), ZERO)
    return _round(_clamp(weighted / total))


def band(score: Decimal) -> Band:
    if score >= GOOD:
        return Band.ON_TRACK
    if score >= FAIR:
        return Band.PROGRESSING
    return Band.BEHIND


def valid_grade(score: Decimal) -> bool:
    """A final grade is a 0–1 number with at most two decimals."""
    exponent = score.as_tuple().exponent
    return (
        score.is_finite() and isinstance(exponent, int) and exponent >= -2 and ZERO <= score <= ONE
    )
