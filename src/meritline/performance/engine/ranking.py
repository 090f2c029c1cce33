"""Ranking and the distance to the top 3 (PRF-7), as data the Django layer words.

- Ranks are competition ranks by final score: equal scores share a rank and the next
  rank skips (100, 90, 90, 80 → 1, 2, 2, 4). Input order does not matter.
- For someone ranked below ``top``: the *bar* is the ``top``-th highest final score
  (reaching it puts them at rank ≤ ``top``); ``points_short`` = bar − their score. The
  *reference person* is the one at position ``top`` when sorted by score descending,
  then employee id.
- For each KPI: ``value_gap`` = the reference person's value − theirs (in the KPI's
  unit), and ``needed`` = the smallest change of this KPI alone, in steps of the unit
  (1 fen, 1 count, 0.0001 ratio, 0.01 otherwise), that lifts their final score to the
  bar with everything else unchanged — an increase, or a decrease (negative) for a
  lower-is-better KPI; None when no value of this KPI alone reaches the bar or the KPI
  has no value or target.
- ``fastest`` is the KPI whose ``needed`` is the smallest share of its target
  (|needed| ÷ target); ties go to the earlier KPI of the template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from meritline.performance.engine.numbers import HUNDRED
from meritline.performance.engine.scoring import (
    BlendRules,
    KpiValue,
    blend,
    composite,
    score_person,
)
from meritline.performance.engine.template import KpiItem, Template


@dataclass(frozen=True)
class Standing:
    """One person's inputs: KPI values, own targets, team score and points."""

    employee_id: int
    values: Mapping[str, KpiValue | None]
    targets: Mapping[str, Decimal] = field(default_factory=dict)
    team_score: Decimal | None = None
    points: Decimal = Decimal(0)


@dataclass(frozen=True)
class KpiGap:
    """How far one KPI is from the reference person, and the change that closes the gap."""

    kpi_id: str
    unit: str
    value: Decimal | None
    reference_value: Decimal | None
    value_gap: Decimal | None
    needed: Decimal | None


@dataclass(frozen=True)
class TopGap:
    """Where someone stands, and (outside the top) what closes the gap."""

    employee_id: int
    rank: int
    ranked: int
    score: Decimal
    bar: Decimal | None
    points_short: Decimal | None
    reference_id: int | None
    kpis: tuple[KpiGap, ...]
    fastest: str | None

    @property
    def in_top(self) -> bool:
        """Whether the person is already at or above the bar."""
        return self.bar is None


def rank(scores: Mapping[int, Decimal]) -> dict[int, int]:
    """Competition ranks: 1 + how many have a strictly higher score."""
    ordered = sorted(scores.values(), reverse=True)
    first: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return {emp: first[score] for emp, score in scores.items()}


def final_score(template: Template, standing: Standing, rules: BlendRules) -> Decimal:
    """The person's final score by the reference scorer."""
    scores = score_person(template, standing.values, standing.targets)
    return blend(composite(template, scores), standing.team_score, standing.points, rules).final


def distance_to_top(
    template: Template,
    standings: Sequence[Standing],
    employee_id: int,
    rules: BlendRules,
    *,
    top: int = 3,
) -> TopGap:
    """Rank, bar and per-KPI gaps of ``employee_id`` among ``standings``."""
    finals = {s.employee_id: final_score(template, s, rules) for s in standings}
    ranks = rank(finals)
    me = next(s for s in standings if s.employee_id == employee_id)
    mine = finals[employee_id]
    if ranks[employee_id] <= top:
        return TopGap(
            employee_id, ranks[employee_id], len(finals), mine, None, None, None, (), None
        )
    ordered = sorted(finals, key=lambda e: (-finals[e], e))
    ref_id = ordered[top - 1]
    bar = finals[ref_id]
    ref = next(s for s in standings if s.employee_id == ref_id)
    gaps, fastest = gaps_to_bar(template, me, bar, rules, ref)
    return TopGap(
        employee_id, ranks[employee_id], len(finals), mine, bar, bar - mine, ref_id, gaps, fastest
    )


def gaps_to_bar(
    template: Template,
    me: Standing,
    bar: Decimal,
    rules: BlendRules,
    reference: Standing | None = None,
) -> tuple[tuple[KpiGap, ...], str | None]:
    """Per KPI of ``me``'s template, the change of that KPI alone that lifts their final
    score to ``bar`` (and the value gap to ``reference`` when given: someone scored on
    another template has no comparable values), and the fastest KPI. The bar may come
    from anyone's final score, whatever their template."""
    gaps = tuple(_gap(template, item, me, reference, bar, rules) for item in template.items)
    return gaps, _fastest(template, me, gaps)


def _value(standing: Standing, item: KpiItem) -> Decimal | None:
    value = standing.values.get(item.id)
    if value is None or value.den <= 0:
        return None
    return (Decimal(value.num) / Decimal(value.den)).quantize(item.unit.step)


def _target(standing: Standing, item: KpiItem) -> Decimal | None:
    return standing.targets.get(item.id, item.target)


def _gap(
    template: Template,
    item: KpiItem,
    me: Standing,
    ref: Standing | None,
    bar: Decimal,
    rules: BlendRules,
) -> KpiGap:
    value = _value(me, item)
    other = None if ref is None else _value(ref, item)
    gap = None if value is None or other is None else other - value
    return KpiGap(
        item.id, item.unit.value, value, other, gap, _needed(template, item, me, value, bar, rules)
    )


def _needed(
    template: Template,
    item: KpiItem,
    me: Standing,
    value: Decimal | None,
    bar: Decimal,
    rules: BlendRules,
) -> Decimal | None:
    target = _target(me, item)
    if value is None or target is None:
        return None
    step = item.unit.step
    lower = item.curve.lower_is_better
    points = item.curve.points
    if lower:
        far = max(target * points[0][0] / HUNDRED, Decimal(0))
        steps = int(((value - far) / step).to_integral_value(rounding=ROUND_CEILING))
    else:
        far = target * points[-1][0] / HUNDRED if target > 0 else value + step
        steps = int(((far - value) / step).to_integral_value(rounding=ROUND_CEILING))
    steps = max(steps, 1)
    sign = -1 if lower else 1

    def reaches(k: int) -> bool:
        changed = dict(me.values)
        changed[item.id] = KpiValue.of(value + sign * k * step)
        trial = Standing(me.employee_id, changed, me.targets, me.team_score, me.points)
        return final_score(template, trial, rules) >= bar

    if not reaches(steps):
        return None
    low, high = 0, steps  # reaches(high) holds; reaches(0) does not (we are below the bar)
    while high - low > 1:
        mid = (low + high) // 2
        if reaches(mid):
            high = mid
        else:
            low = mid
    return (sign * high * step).quantize(step, rounding=ROUND_FLOOR if lower else ROUND_CEILING)


def _fastest(template: Template, me: Standing, gaps: Sequence[KpiGap]) -> str | None:
    best: tuple[Decimal, str] | None = None
    for item, gap in zip(template.items, gaps, strict=True):
        target = _target(me, item)
        if gap.needed is None or not target:
            continue
        share = abs(gap.needed) / target
        if best is None or share < best[0]:
            best = (share, item.id)
    return None if best is None else best[1]
