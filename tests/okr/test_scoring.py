"""The pure OKR scores: always in [0, 1], monotone in the current value, weights honoured."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from meritline.performance.okr import scoring

D = Decimal
values = st.decimals(min_value=-1_000_000, max_value=1_000_000, places=2, allow_nan=False)
scores = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (0, 10, 7, "0.7"),  # the stretch convention: 7 of 10 is a good result
        (0, 10, 10, "1"),
        (0, 10, 15, "1"),  # past the target: still 1
        (0, 10, -3, "0"),  # below the start: 0
        (70, 90, 80, "0.5"),  # a percentage from 70 % to 90 %
        (10, 2, 4, "0.75"),  # lowering a number (churn from 10 to 2)
        (0, 3, 1, "0.3333"),  # 4 places, half-up
        (0, 3, 2, "0.6667"),
    ],
)
def test_kr_score_table(start, target, current, expected):
    assert scoring.kr_score(D(start), D(target), D(current)) == D(expected)


def test_target_equal_to_start_is_refused():
    with pytest.raises(scoring.ScoringError):
        scoring.kr_score(D(5), D(5), D(5))


def test_milestone_is_done_or_not():
    assert scoring.milestone_score(True) == 1
    assert scoring.milestone_score(False) == 0


@given(values, values, values)
def test_kr_score_is_between_0_and_1(start, target, current):
    assume(start != target)
    assert 0 <= scoring.kr_score(start, target, current) <= 1


@given(values, values, values, values)
def test_kr_score_is_monotone_towards_the_target(start, target, a, b):
    assume(start != target)
    low, high = sorted((a, b))
    s_low, s_high = scoring.kr_score(start, target, low), scoring.kr_score(start, target, high)
    if target > start:
        assert s_low <= s_high
    else:
        assert s_low >= s_high


@given(st.lists(st.tuples(weights, scores), min_size=1, max_size=6))
def test_objective_score_is_between_0_and_1(parts):
    assert 0 <= scoring.objective_score(parts) <= 1


@given(st.lists(st.tuples(weights, scores), min_size=1, max_size=6))
def test_objective_score_is_the_weighted_mean(parts):
    total = sum((w for w, _ in parts), D(0))
    assume(total > 0)
    exact = sum((w * s for w, s in parts), D(0)) / total
    assert abs(scoring.objective_score(parts) - exact) <= D("0.00005")


@given(
    st.lists(st.tuples(weights, scores), min_size=1, max_size=5),
    st.integers(min_value=0, max_value=4),
    scores,
)
def test_a_better_kr_never_lowers_the_objective(parts, index, better):
    index %= len(parts)
    weight, score = parts[index]
    assume(better >= score)
    improved = [*parts[:index], (weight, better), *parts[index + 1 :]]
    assert scoring.objective_score(improved) >= scoring.objective_score(parts)


@given(st.lists(st.tuples(weights, scores), min_size=1, max_size=5), scores)
def test_a_kr_without_weight_changes_nothing(parts, score):
    assert scoring.objective_score([*parts, (D(0), score)]) == scoring.objective_score(parts)


def test_weights_follow_their_proportion():
    assert scoring.objective_score([(D(70), D(1)), (D(30), D(0))]) == D("0.7")
    assert scoring.objective_score([(D(30), D(1)), (D(70), D(0))]) == D("0.3")


@pytest.mark.parametrize(
    ("weights", "ok"),
    [([50, 50], True), ([60, 30, 10], True), ([50, 40], False), ([80, 30], False), ([], False)],
)
def test_weights_must_total_100(weights, ok):
    assert scoring.weights_ok([D(w) for w in weights]) is ok


@pytest.mark.parametrize(
    ("score", "band"),
    [("0.7", "on_track"), ("0.69", "progressing"), ("0.4", "progressing"), ("0.39", "behind")],
)
def test_bands(score, band):
    assert scoring.band(D(score)).value == band


@pytest.mark.parametrize(
    ("grade", "ok"),
    [("0", True), ("0.7", True), ("1", True), ("1.01", False), ("-0.1", False), ("0.705", False)],
)
def test_valid_grade(grade, ok):
    assert scoring.valid_grade(D(grade)) is ok
