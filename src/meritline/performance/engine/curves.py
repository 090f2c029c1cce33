"""Scoring curves: strategy classes chosen by ``kind``, each scoring an attainment.

Attainment is a percentage with 4 places (``value ÷ target × 100``, see ``scoring``).
Every curve maps it to a score with 2 places, rounded half-up once:

- ``linear`` (higher is better): points ``[attainment %, score]`` with rising
  attainments and non-decreasing scores. Below the first point the score is ``below``
  (default 0); between two points it is interpolated linearly; from the last point on
  it stays at the last point's score (the cap).
- ``steps`` (higher is better): rows ``[from attainment %, score]``; the score is the
  one of the last row whose ``from`` is ≤ the attainment, ``below`` under the first.
- ``lower_is_better``: points ``[value ÷ target %, score]`` with rising ratios and
  non-increasing scores (e.g. follow-up days: 50 % of the target → 120, the target →
  100, twice the target → 0). Flat before the first and after the last point.

Each curve has a reference ``score`` (Decimal) and a vectorized ``expr`` (Int128
scaled integers) that agree exactly.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from meritline.performance.engine.errors import Issue
from meritline.performance.engine.numbers import (
    ATT_MAX,
    ATT_PLACES,
    SCORE_MAX,
    SCORE_PLACES,
    div_round_expr,
    divide,
    i128,
    read_decimal,
    scaled,
)


def _att(value: Any) -> Decimal:
    return read_decimal(value, what="an attainment", max_places=ATT_PLACES)


def _score(value: Any) -> Decimal:
    return read_decimal(value, what="a score", max_places=SCORE_PLACES)


Attainment = Annotated[Decimal, BeforeValidator(_att)]
Score = Annotated[Decimal, BeforeValidator(_score)]
Point = tuple[Attainment, Score]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Curve(_Model):
    points: list[Point] = Field(min_length=1, max_length=50)
    below: Score = Decimal(0)

    @property
    def max_score(self) -> Decimal:
        """The highest score this curve gives (its cap)."""
        return max([self.below, *(s for _, s in self.points)])

    @property
    def lower_is_better(self) -> bool:
        """Whether a smaller value is the better one (it decides the zero-target rule)."""
        return False

    def check(self, where: str) -> list[Issue]:
        """Cross-field problems: order, ranges, monotonicity (empty when valid)."""
        issues: list[Issue] = []
        for i, (att, score) in enumerate(self.points):
            if not Decimal(0) <= att <= ATT_MAX:
                issues.append(
                    Issue(
                        f"{where}.points[{i}]",
                        "bad_attainment",
                        f"attainment must be between 0 % and {ATT_MAX} %, not {att} %",
                        {"value": str(att)},
                    )
                )
            if not Decimal(0) <= score <= SCORE_MAX:
                issues.append(
                    Issue(
                        f"{where}.points[{i}]",
                        "bad_score",
                        f"score must be between 0 and {SCORE_MAX}, not {score}",
                        {"value": str(score)},
                    )
                )
        for i in range(1, len(self.points)):
            (a0, s0), (a1, s1) = self.points[i - 1], self.points[i]
            if a1 <= a0:
                issues.append(
                    Issue(
                        f"{where}.points[{i}]",
                        "not_increasing",
                        f"attainments must rise from point to point ({a1} % after {a0} %)",
                    )
                )
            if (s1 > s0) if self.lower_is_better else (s1 < s0):
                way = "non-increasing" if self.lower_is_better else "non-decreasing"
                issues.append(
                    Issue(
                        f"{where}.points[{i}]",
                        "not_monotone",
                        f"scores must be {way} ({s1} after {s0})",
                    )
                )
        if self.lower_is_better and self.below != 0:
            issues.append(
                Issue(
                    f"{where}.below",
                    "not_used",
                    "a lower_is_better curve is flat before its first point; it has no below",
                )
            )
        if not self.lower_is_better and self.below > self.points[0][1]:
            issues.append(
                Issue(
                    f"{where}.below",
                    "not_monotone",
                    f"the score below the first point ({self.below}) must not exceed "
                    f"the first point's ({self.points[0][1]})",
                )
            )
        return issues

    def score(self, attainment: Decimal) -> Decimal:
        """The score at ``attainment`` (a percentage with 4 places)."""
        raise NotImplementedError

    def expr(self, attainment: pl.Expr) -> pl.Expr:
        """The vectorized twin of :meth:`score`: attainment ×10**4 in, score ×100 out."""
        raise NotImplementedError

    def _scaled(self) -> list[tuple[int, int]]:
        return [(scaled(a, ATT_PLACES), scaled(s, SCORE_PLACES)) for a, s in self.points]


class _Piecewise(_Curve):
    def _before(self) -> Decimal:
        return self.points[0][1] if self.lower_is_better else self.below

    def score(self, attainment: Decimal) -> Decimal:
        points = self.points
        if attainment < points[0][0]:
            return self._before()
        for (a0, s0), (a1, s1) in pairwise(points):
            if attainment < a1:
                return divide(s0 * (a1 - a0) + (attainment - a0) * (s1 - s0), a1 - a0, 2)
        return points[-1][1]

    def expr(self, attainment: pl.Expr) -> pl.Expr:
        pts = self._scaled()
        result = i128(pts[-1][1])
        for (a0, s0), (a1, s1) in reversed(list(pairwise(pts))):
            # scores ×100 and attainments ×10**4: the quotient is a score ×100
            num = i128(s0 * (a1 - a0)) + (attainment - i128(a0)) * i128(s1 - s0)
            result = _when(attainment < i128(a1), div_round_expr(num, a1 - a0), result)
        before = i128(scaled(self._before(), SCORE_PLACES))
        return _when(attainment < i128(pts[0][0]), before, result)


class LinearCurve(_Piecewise):
    """Piecewise-linear, higher is better; ``below`` under the first point."""

    kind: Literal["linear"]
    points: list[Point] = Field(min_length=2, max_length=50)


class LowerIsBetterCurve(_Piecewise):
    """Piecewise-linear over value ÷ target, lower is better; flat at both ends."""

    kind: Literal["lower_is_better"]
    points: list[Point] = Field(min_length=2, max_length=50)

    @property
    def lower_is_better(self) -> bool:
        return True


class StepCurve(_Curve):
    """A step table, higher is better: the score of the last row reached."""

    kind: Literal["steps"]

    def score(self, attainment: Decimal) -> Decimal:
        result = self.below
        for start, value in self.points:
            if attainment >= start:
                result = value
        return result

    def expr(self, attainment: pl.Expr) -> pl.Expr:
        result = i128(scaled(self.below, SCORE_PLACES))
        for start, value in self._scaled():
            result = _when(attainment >= i128(start), i128(value), result)
        return result


def _when(condition: pl.Expr, then: pl.Expr, otherwise: pl.Expr) -> pl.Expr:
    result: pl.Expr = pl.when(condition).then(then).otherwise(otherwise)
    return result


Curve = Annotated[LinearCurve | StepCurve | LowerIsBetterCurve, Field(discriminator="kind")]
AnyCurve = LinearCurve | StepCurve | LowerIsBetterCurve
CURVE_KINDS = ("linear", "steps", "lower_is_better")
