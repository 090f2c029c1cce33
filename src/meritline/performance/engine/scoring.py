"""Scoring one person, the reference way: attainment → KPI score → composite → final.

All arithmetic is exact ``Decimal`` with one half-up rounding per result (see
``numbers``). The rules (also in docs/performance-scoring.md):

- A KPI value is a numerator and a denominator as the metrics engine hands them over
  (money and counts have denominator 1). No value, or a denominator ≤ 0: status
  ``missing_value``, score 0. No target (neither the employee's nor the template's):
  status ``missing_target``, score 0.
- Attainment = value ÷ target × 100, rounded half-up to 4 places, then clamped into
  [0 %, 100,000 %]. A zero target: for a higher-is-better curve 100 % when the value is
  ≥ 0, else 0 %; for a lower-is-better curve 100 % when the value is ≤ 0, else
  100,000 % (far beyond the last point, so the curve's lowest score).
- Composite = Σ weightᵢ × scoreᵢ ÷ 100, rounded half-up to 2 places.
- Final = individual × (100 − team weight) ÷ 100 + team score × team weight ÷ 100,
  rounded half-up to 2 places (the individual alone when there is no team score),
  plus the additive points (collaboration, breakthrough awards) cut to ``max_points``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from meritline.performance.engine.errors import RulesError, issues_from
from meritline.performance.engine.numbers import (
    ATT_MAX,
    ATT_PLACES,
    HUNDRED,
    PERCENT_PLACES,
    SCORE_PLACES,
    divide,
    places,
    quantize,
    read_decimal,
    scaled,
)
from meritline.performance.engine.template import KpiItem, Template


@dataclass(frozen=True)
class KpiValue:
    """A KPI value as ``num / den`` (den > 0); money and counts use ``den = 1``."""

    num: int
    den: int = 1

    @classmethod
    def of(cls, value: int | Decimal) -> KpiValue:
        """An exact value: ``KpiValue.of(Decimal("3.25")) == KpiValue(325, 100)``."""
        if isinstance(value, int):
            return cls(value, 1)
        digits = places(value)
        return cls(scaled(value, digits), 10**digits)

    @property
    def decimal(self) -> Decimal:
        """The value as a Decimal (exact for a terminating ratio, else 28 digits)."""
        return Decimal(self.num) / Decimal(self.den)


class Status(str, Enum):
    OK = "ok"
    MISSING_VALUE = "missing_value"
    MISSING_TARGET = "missing_target"


@dataclass(frozen=True)
class KpiScore:
    """One KPI of one person: attainment (%, 4 places), score (2 places), status."""

    kpi_id: str
    attainment: Decimal | None
    score: Decimal
    status: Status


def attainment(
    value: KpiValue | None, target: Decimal | None, *, lower_is_better: bool
) -> tuple[Decimal | None, Status]:
    """Attainment in percent with 4 places, by the rules in this module's docstring."""
    if target is None:
        return None, Status.MISSING_TARGET
    if value is None or value.den <= 0:
        return None, Status.MISSING_VALUE
    if target == 0:
        met = value.num <= 0 if lower_is_better else value.num >= 0
        return (HUNDRED if met else (ATT_MAX if lower_is_better else Decimal(0))), Status.OK
    exact = divide(Decimal(value.num) * HUNDRED, Decimal(value.den) * target, ATT_PLACES)
    return min(max(exact, Decimal(0)), ATT_MAX), Status.OK


def score_kpi(item: KpiItem, value: KpiValue | None, target: Decimal | None = None) -> KpiScore:
    """Score one KPI; ``target`` overrides the template's (the employee's own target)."""
    goal = item.target if target is None else target
    att, status = attainment(value, goal, lower_is_better=item.curve.lower_is_better)
    if att is None:
        return KpiScore(item.id, None, Decimal("0.00"), status)
    return KpiScore(item.id, att, quantize(item.curve.score(att), SCORE_PLACES), status)


def score_person(
    template: Template,
    values: Mapping[str, KpiValue | None],
    targets: Mapping[str, Decimal] | None = None,
) -> list[KpiScore]:
    """Every KPI of ``template`` for one person; a KPI absent from ``values`` is missing."""
    targets = targets or {}
    return [score_kpi(item, values.get(item.id), targets.get(item.id)) for item in template.items]


def composite(template: Template, scores: Sequence[KpiScore] | Mapping[str, Decimal]) -> Decimal:
    """Σ weight × score ÷ 100 over the template's items, rounded half-up to 2 places."""
    by_id = dict(scores) if isinstance(scores, Mapping) else {s.kpi_id: s.score for s in scores}
    total = sum(
        (item.weight * by_id.get(item.id, Decimal(0)) for item in template.items), Decimal(0)
    )
    return divide(total, HUNDRED, SCORE_PLACES)


def _percent(value: Any) -> Decimal:
    return read_decimal(value, what="a percentage", max_places=PERCENT_PLACES)


def _points(value: Any) -> Decimal:
    return read_decimal(value, what="points", max_places=SCORE_PLACES)


class BlendRules(BaseModel):
    """PRF-4: the team's share of the final score and the bound on additive points."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    team_weight: Annotated[Decimal, BeforeValidator(_percent), Field(ge=0, le=100)] = Decimal(0)
    max_points: Annotated[Decimal, BeforeValidator(_points), Field(ge=0, le=1000)] = Decimal(0)

    @classmethod
    def parse(cls, document: Mapping[str, Any]) -> BlendRules:
        """Validate a document; :class:`RulesError` with locations on failure."""
        try:
            return cls.model_validate(document)
        except ValidationError as exc:
            raise RulesError(issues_from(exc)) from None


@dataclass(frozen=True)
class Final:
    """An employee's final score and how it was reached."""

    individual: Decimal
    team: Decimal | None
    blended: Decimal
    points_given: Decimal
    points: Decimal  # applied: the given points cut to the rules' maximum
    final: Decimal


def blend(individual: Decimal, team: Decimal | None, points: Decimal, rules: BlendRules) -> Final:
    """Blend individual and team scores and add the bounded points (points ≥ 0)."""
    if points < 0:
        raise ValueError("points must not be negative")
    if team is None:
        blended = quantize(individual, SCORE_PLACES)
    else:
        weight = rules.team_weight
        blended = divide(individual * (HUNDRED - weight) + team * weight, HUNDRED, SCORE_PLACES)
    applied = quantize(min(points, rules.max_points), SCORE_PLACES)
    return Final(individual, team, blended, points, applied, blended + applied)
