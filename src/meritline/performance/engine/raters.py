"""Multi-rater reviews (PRF-5): rules, answers, and the reference aggregation.

The reference works in exact fractions and rounds half-up where the rules say so; the
vectorized twin (``raters_vectorized``) does the same in Int128 and must agree.

Rules (also in docs/performance-scoring.md), for each (ratee, item):

1. *Normalisation* (when ``normalise`` is on), per (rater, item) over the ratees that
   rater rated: with the rater's mean m and spread d (mean absolute deviation from m)
   and the item's pooled mean M and spread D over every answer to that item in the
   batch, a score x becomes ``M + D × (x − m) ÷ d``, rounded half-up to 2 places and
   clamped into the scale. A rater with one rating or d = 0 keeps raw scores.
2. *Anonymity*: a peer or subordinate group counts only when at least
   ``anonymity_min`` (≥ 3) distinct raters answered; otherwise it is excluded with the
   reason ``below_anonymity_threshold``. A group with weight and no answer is excluded
   with ``no_answers``. Groups with weight 0 play no part.
3. *Group mean*: the mean of the group's (normalised) scores, rounded half-up to 4 places.
4. *Redistribution*: the counted groups share 100 % in proportion to their configured
   weights: value = Σ wᵍ × meanᵍ ÷ Σ wᵍ over counted groups, rounded half-up to 2
   places. When no group counts, the value is missing (``no_counted_group``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from meritline.performance.engine.errors import Issue, RulesError, issues_from
from meritline.performance.engine.numbers import (
    HUNDRED,
    PERCENT_PLACES,
    SCORE_PLACES,
    read_decimal,
    show,
)
from meritline.performance.engine.template import weights_issue


class RaterGroup(str, Enum):
    SUPERVISOR = "supervisor"
    PEER = "peer"
    SUBORDINATE = "subordinate"
    CUSTOMER = "customer"
    SELF = "self"


GROUPS = tuple(RaterGroup)
ANONYMOUS = frozenset({RaterGroup.PEER, RaterGroup.SUBORDINATE})


class Reason(str, Enum):
    NO_ANSWERS = "no_answers"
    BELOW_ANONYMITY_THRESHOLD = "below_anonymity_threshold"


def _percent(value: Any) -> Decimal:
    return read_decimal(value, what="a percentage", max_places=PERCENT_PLACES)


def _score(value: Any) -> Decimal:
    return read_decimal(value, what="a score", max_places=SCORE_PLACES)


class RaterRules(BaseModel):
    """Group weights (percent, adding up to 100), the rating scale and the options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: dict[RaterGroup, Annotated[Decimal, BeforeValidator(_percent), Field(ge=0)]]
    scale_min: Annotated[Decimal, BeforeValidator(_score)] = Decimal(0)
    scale_max: Annotated[Decimal, BeforeValidator(_score)] = Decimal(100)
    normalise: bool = False
    anonymity_min: int = Field(default=3, ge=3, le=100)

    def weight(self, group: RaterGroup) -> Decimal:
        """The configured weight of ``group`` (0 when it is not listed)."""
        return self.weights.get(group, Decimal(0))

    @classmethod
    def parse(cls, document: Mapping[str, Any]) -> RaterRules:
        """Validate a document; :class:`RulesError` lists every issue with its location."""
        try:
            rules = cls.model_validate(document)
        except ValidationError as exc:
            raise RulesError(issues_from(exc)) from None
        issues: list[Issue] = []
        total = sum(rules.weights.values(), Decimal(0))
        if total != HUNDRED:
            issues.append(weights_issue(total, "weights"))
        if rules.scale_min >= rules.scale_max:
            issues.append(
                Issue(
                    "scale_max",
                    "bad_scale",
                    f"the scale's top ({show(rules.scale_max)}) must be above its bottom "
                    f"({show(rules.scale_min)})",
                )
            )
        if issues:
            raise RulesError(issues)
        return rules


@dataclass(frozen=True)
class Answer:
    """One rater's score for one ratee on one rating item."""

    ratee_id: int
    rater_id: int
    group: RaterGroup
    item: str
    score: Decimal


@dataclass(frozen=True)
class GroupShare:
    """A counted group: how many answered, its mean (4 places), its share after redistribution."""

    group: RaterGroup
    answered: int
    mean: Decimal
    weight: Decimal  # effective weight in percent, 2 places (display only)


@dataclass(frozen=True)
class Excluded:
    """A group that did not count, and why."""

    group: RaterGroup
    reason: Reason
    answered: int


@dataclass(frozen=True)
class Rating:
    """The aggregated rating of one ratee on one item (value None: no group counted)."""

    ratee_id: int
    item: str
    value: Decimal | None
    used: tuple[GroupShare, ...]
    excluded: tuple[Excluded, ...]


def round_half_up(value: Fraction, places_: int) -> Decimal:
    """An exact fraction rounded half away from zero to ``places_`` places."""
    scaled_ = value * 10**places_
    magnitude = int(abs(scaled_) + Fraction(1, 2))
    return Decimal(magnitude if scaled_ >= 0 else -magnitude).scaleb(-places_)


def normalised(answers: Sequence[Answer], rules: RaterRules) -> list[Decimal]:
    """Each answer's score after leniency normalisation (rule 1), in input order."""
    if not rules.normalise:
        return [a.score for a in answers]
    by_rater: dict[tuple[int, str], list[Fraction]] = defaultdict(list)
    by_item: dict[str, list[Fraction]] = defaultdict(list)
    for a in answers:
        by_rater[(a.rater_id, a.item)].append(Fraction(a.score))
        by_item[a.item].append(Fraction(a.score))
    stats = {key: _mean_spread(xs) for key, xs in by_rater.items()}
    pools = {key: _mean_spread(xs) for key, xs in by_item.items()}
    out: list[Decimal] = []
    for a in answers:
        m, d = stats[(a.rater_id, a.item)]
        if len(by_rater[(a.rater_id, a.item)]) < 2 or d == 0:
            out.append(a.score)
            continue
        pool_mean, pool_spread = pools[a.item]
        x = pool_mean + pool_spread * (Fraction(a.score) - m) / d
        value = round_half_up(x, SCORE_PLACES)
        out.append(min(max(value, rules.scale_min), rules.scale_max))
    return out


def _mean_spread(xs: Sequence[Fraction]) -> tuple[Fraction, Fraction]:
    mean = sum(xs, Fraction(0)) / len(xs)
    return mean, sum((abs(x - mean) for x in xs), Fraction(0)) / len(xs)


def aggregate(answers: Sequence[Answer], rules: RaterRules) -> list[Rating]:
    """Every (ratee, item)'s rating by rules 1–4, sorted by ratee then item.

    The answers must have passed :func:`~raters_vectorized.check_answers` (the cycle
    scorer and :func:`aggregate_checked` do that).
    """
    scores = normalised(answers, rules)
    cells: dict[tuple[int, str], dict[RaterGroup, list[Decimal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for a, score in zip(answers, scores, strict=True):
        cells[(a.ratee_id, a.item)][a.group].append(score)
    return [_rate_cell(ratee, item, cells[(ratee, item)], rules) for ratee, item in sorted(cells)]


def _rate_cell(
    ratee: int, item: str, groups: Mapping[RaterGroup, list[Decimal]], rules: RaterRules
) -> Rating:
    counted: list[tuple[RaterGroup, int, Decimal]] = []
    excluded: list[Excluded] = []
    for group in GROUPS:
        if rules.weight(group) == 0:
            continue
        given = groups.get(group, [])
        if not given:
            excluded.append(Excluded(group, Reason.NO_ANSWERS, 0))
        elif group in ANONYMOUS and len(given) < rules.anonymity_min:
            excluded.append(Excluded(group, Reason.BELOW_ANONYMITY_THRESHOLD, len(given)))
        else:
            mean = round_half_up(Fraction(sum(given, Decimal(0))) / len(given), 4)
            counted.append((group, len(given), mean))
    total = sum((rules.weight(g) for g, _, _ in counted), Decimal(0))
    if not counted:
        return Rating(ratee, item, None, (), tuple(excluded))
    value = round_half_up(
        sum((Fraction(rules.weight(g)) * Fraction(m) for g, _, m in counted), Fraction(0))
        / Fraction(total),
        SCORE_PLACES,
    )
    used = tuple(
        GroupShare(g, n, m, round_half_up(Fraction(rules.weight(g) * HUNDRED) / Fraction(total), 2))
        for g, n, m in counted
    )
    return Rating(ratee, item, value, used, tuple(excluded))


def answers_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Answer]:
    """Answers from plain mappings (``ratee_id``, ``rater_id``, ``group``, ``item``, ``score``)."""
    return [
        Answer(
            int(r["ratee_id"]),
            int(r["rater_id"]),
            RaterGroup(r["group"]),
            str(r["item"]),
            Decimal(str(r["score"])),
        )
        for r in rows
    ]
