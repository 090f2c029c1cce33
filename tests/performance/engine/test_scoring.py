"""Attainment rules (zero and missing targets), composite, blend and bounded points."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meritline.performance.engine import (
    BlendRules,
    KpiValue,
    RulesError,
    Status,
    attainment,
    blend,
    composite,
    parse_template,
    score_kpi,
)
from tests.performance.engine.helpers import FOLLOW_UP_CURVE, item

D = Decimal


@pytest.mark.parametrize(
    ("value", "target", "lower", "expected"),
    [
        (KpiValue(5999), D(10000), False, (D("59.99"), Status.OK)),
        (KpiValue(2, 3), D(1), False, (D("66.6667"), Status.OK)),
        (KpiValue(-5), D(10), False, (D(0), Status.OK)),
        (KpiValue(10**9), D("0.000001"), False, (D(100000), Status.OK)),
        (KpiValue(0), D(0), False, (D(100), Status.OK)),
        (KpiValue(7), D(0), False, (D(100), Status.OK)),
        (KpiValue(-1), D(0), False, (D(0), Status.OK)),
        (KpiValue(0), D(0), True, (D(100), Status.OK)),
        (KpiValue(3), D(0), True, (D(100000), Status.OK)),
        (None, D(10), False, (None, Status.MISSING_VALUE)),
        (KpiValue(3, 0), D(10), False, (None, Status.MISSING_VALUE)),
        (KpiValue(3), None, False, (None, Status.MISSING_TARGET)),
    ],
)
def test_attainment_rules(value, target, lower, expected):
    assert attainment(value, target, lower_is_better=lower) == expected


def test_missing_target_or_value_scores_zero_with_its_status():
    template = parse_template({"items": [item("sales", 100, target=None)]})
    kpi = template.items[0]
    assert score_kpi(kpi, KpiValue(5)).status is Status.MISSING_TARGET
    assert score_kpi(kpi, KpiValue(5)).score == 0
    scored = score_kpi(kpi, KpiValue(100), target=D(100))
    assert (scored.attainment, scored.score, scored.status) == (D(100), D(100), Status.OK)


def test_follow_up_days_one_day_against_two_scores_the_cap():
    template = parse_template(
        {"items": [item("f", 100, unit="days", target=2, curve=FOLLOW_UP_CURVE)]}
    )
    assert score_kpi(template.items[0], KpiValue.of(D("1.0"))).score == 120
    assert score_kpi(template.items[0], KpiValue(3)).score == 50


def test_composite_is_the_weighted_sum_rounded_half_up():
    template = parse_template({"items": [item("a", "33.33"), item("b", "66.67")]})
    # 33.33 × 100.01 + 66.67 × 50 = 3333.3333 + 3333.5 → 66.668333 → 66.67
    assert composite(template, {"a": D("100.01"), "b": D(50)}) == D("66.67")


def test_blend_uses_team_weight_and_bounds_points():
    rules = BlendRules.parse({"team_weight": 30, "max_points": 5})
    result = blend(D(80), D(90), D(8), rules)
    assert (result.blended, result.points, result.final) == (D(83), D(5), D(88))
    alone = blend(D("80.5"), None, D(2), rules)
    assert (alone.blended, alone.final) == (D("80.50"), D("82.50"))


def test_blend_rules_are_validated_with_locations():
    with pytest.raises(RulesError) as caught:
        BlendRules.parse({"team_weight": 120, "max_points": -1})
    assert {i.location for i in caught.value.issues} == {"team_weight", "max_points"}


scores = st.integers(0, 12000).map(lambda n: D(n) / 100)


@st.composite
def weighted(draw):
    n = draw(st.integers(1, 8))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True)))
    bounds = [0, *cuts, 10000]
    weights = [D(b - a) / 100 for a, b in itertools.pairwise(bounds)]
    return weights, [draw(scores) for _ in weights]


@given(weighted())
def test_composite_of_scores_within_the_cap_stays_within_the_cap(case):
    weights, values = case
    template = parse_template({"items": [item(f"k{i}", str(w)) for i, w in enumerate(weights)]})
    result = composite(template, {f"k{i}": v for i, v in enumerate(values)})
    assert D(0) <= result <= D(120)
    assert min(values) - D("0.01") <= result <= max(values) + D("0.01")
