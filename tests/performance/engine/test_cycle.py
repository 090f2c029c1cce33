"""A whole cycle: the vectorized scorer equals the reference; order does not matter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from meritline.performance.engine import InputError, score_cycle
from tests.performance.engine.helpers import cycle_rules, frames

D = Decimal
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KPIS = {
    "rep_2026": ["big_clients", "retention", "satisfaction", "small_orders"],
    "new_platform": ["sales", "follow_up"],
}
cents = st.integers(0, 15000).map(lambda n: D(n) / 100)


@st.composite
def cycles(draw):
    ids = draw(st.lists(st.integers(1, 40), min_size=1, max_size=12, unique=True))
    employees, values, answers = [], [], []
    for emp in ids:
        template = draw(st.sampled_from(sorted(KPIS)))
        employees.append((emp, template, draw(st.none() | cents), draw(st.none() | cents)))
        for kpi in KPIS[template]:
            if draw(st.integers(0, 5)) == 0:
                continue
            num = draw(st.none() | st.integers(-5, 10**9))
            den = draw(st.none() | st.integers(-1, 1000))
            target = draw(st.none() | st.sampled_from([D(0), D(1), D("0.8"), D(7), D(10**6)]))
            values.append((emp, kpi, num, den, target))
    seen = set()
    for _ in range(draw(st.integers(0, 40))):
        ratee = draw(st.sampled_from(ids))
        group = draw(st.sampled_from(["supervisor", "peer", "subordinate", "self"]))
        rater = ratee if group == "self" else draw(st.integers(100, 110))
        if (ratee, rater) in seen:
            continue
        seen.add((ratee, rater))
        answers.append((ratee, rater, group, "satisfaction", draw(st.integers(100, 500)) / D(100)))
    return employees, values, answers


def _equal(a, b):
    assert_frame_equal(a.kpis, b.kpis)
    assert_frame_equal(a.employees, b.employees)
    assert_frame_equal(a.ratings, b.ratings)


@FAST
@given(cycles(), st.booleans())
def test_vectorized_equals_reference(cycle, normalise):
    rules = cycle_rules(normalise=normalise)
    data = frames(*cycle)
    _equal(
        score_cycle(rules, mode="reference", **data), score_cycle(rules, mode="vectorized", **data)
    )


@FAST
@given(cycles(), st.randoms(use_true_random=False))
def test_order_of_rows_does_not_matter(cycle, random):
    rules = cycle_rules(normalise=True)
    shuffled = [list(part) for part in cycle]
    for part in shuffled:
        random.shuffle(part)
    for mode in ("reference", "vectorized"):
        _equal(
            score_cycle(rules, mode=mode, **frames(*cycle)),
            score_cycle(rules, mode=mode, **frames(*shuffled)),
        )


@FAST
@given(cycles())
def test_individual_scores_stay_within_zero_and_the_cap(cycle):
    result = score_cycle(cycle_rules(), **frames(*cycle))
    assert result.employees["individual"].min() >= 0
    assert result.employees["individual"].max() <= 120
    assert result.employees["points"].max() <= 10


def test_a_rating_kpi_takes_the_aggregated_rating_and_missing_values_score_zero():
    data = frames(
        [(1, "rep_2026", None, D(12))],
        [(1, "big_clients", 5, 1, None), (1, "retention", 3, 0, None)],
        [(1, 9, "supervisor", "satisfaction", D(4)), (1, 1, "self", "satisfaction", D(2))],
    )
    result = score_cycle(cycle_rules(), **data)
    kpis = {r["kpi_id"]: r for r in result.kpis.iter_rows(named=True)}
    # (60 × 4 + 10 × 2) / 70 = 3.71 on a target of 4: 92.75 % → 81.88
    assert (kpis["satisfaction"]["attainment"], kpis["satisfaction"]["score"]) == (
        D("92.75"),
        D("81.88"),
    )
    assert kpis["retention"]["status"] == "missing_value"
    assert kpis["small_orders"]["status"] == "missing_value"
    row = result.employees.row(0, named=True)
    # 30 × 100 + 20 × 81.88 = 46.376 → 46.38; points 12 capped at 10
    assert (row["individual"], row["points"], row["final"], row["grade"]) == (
        D("46.38"),
        D(10),
        D("56.38"),
        "D",
    )


def test_bad_rows_are_refused_with_their_location():
    data = frames(
        [(1, "nope", None, None), (2, "rep_2026", D(-1), D(-2)), (2, "rep_2026", None, None)],
        [
            (3, "sales", 1, 1, None),
            (2, "sales", 1, 1, None),
            (2, "big_clients", 1, 1, D(-1)),
            (2, "big_clients", 1, 1, None),
        ],
        [(2, 9, "supervisor", "satisfaction", D(9))],
    )
    with pytest.raises(InputError) as caught:
        score_cycle(cycle_rules(), **data)
    assert {(i.location, i.code) for i in caught.value.issues} == {
        ("employees[0].template_id", "unknown_template"),
        ("employees[1].points", "negative_points"),
        ("employees[1].team_score", "negative_score"),
        ("employees[2].employee_id", "duplicate_employee"),
        ("values[0].employee_id", "unknown_employee"),
        ("values[1].kpi_id", "unknown_kpi"),
        ("values[2].target", "negative_target"),
        ("values[3].kpi_id", "duplicate_value"),
        ("answers[0].score", "off_scale"),
    }
