"""Scoring curves at their boundaries; the reference and the Polars twin agree."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from meritline.performance.engine.curves import Curve
from meritline.performance.engine.numbers import ATT_PLACES, scaled, unscaled
from tests.performance.engine.helpers import FOLLOW_UP_CURVE, STANDARD_CURVE, STEPS_CURVE

CURVE = TypeAdapter(Curve)


def _both(document: dict[str, object], attainment: str) -> tuple[Decimal, Decimal]:
    curve = CURVE.validate_python(document)
    att = Decimal(attainment)
    frame = pl.DataFrame({"a": [scaled(att, ATT_PLACES)]}, schema={"a": pl.Int128})
    vectorized = frame.select(curve.expr(pl.col("a")))[0, 0]
    return curve.score(att), unscaled(vectorized, 2)


@pytest.mark.parametrize(
    ("attainment", "score"),
    [
        ("0", "0"),
        ("59.99", "0"),
        ("60", "0"),
        ("60.01", "0.03"),
        ("80", "50"),
        ("99.99", "99.98"),
        ("100", "100"),
        ("110", "110"),
        ("120", "120"),
        ("150", "120"),
    ],
)
def test_standard_curve_is_zero_below_60_linear_to_100_and_capped_at_120(attainment, score):
    assert _both(STANDARD_CURVE, attainment) == (Decimal(score), Decimal(score))


def test_interpolation_rounds_half_up_to_two_places():
    # 0 % → 0 and 3 % → 1: thirds round to 0.33 and 0.67; an exact 0.005 rounds up
    doc = {"kind": "linear", "points": [[0, 0], [3, 1]]}
    assert _both(doc, "1") == (Decimal("0.33"), Decimal("0.33"))
    assert _both(doc, "2") == (Decimal("0.67"), Decimal("0.67"))
    half = {"kind": "linear", "points": [[0, 0], [200, "0.01"]]}
    assert _both(half, "100") == (Decimal("0.01"), Decimal("0.01"))  # 0.005 rounds up


def test_linear_curve_uses_below_under_its_first_point():
    doc = {"kind": "linear", "points": [[60, 50], [100, 100]], "below": 10}
    assert _both(doc, "59.99") == (Decimal(10), Decimal(10))
    assert _both(doc, "60") == (Decimal(50), Decimal(50))


@pytest.mark.parametrize(
    ("attainment", "score"),
    [
        ("0", "0"),
        ("79.99", "0"),
        ("80", "60"),
        ("99.99", "60"),
        ("100", "100"),
        ("129.99", "100"),
        ("130", "120"),
        ("150", "120"),
    ],
)
def test_step_table_gives_the_score_of_the_last_step_reached(attainment, score):
    assert _both(STEPS_CURVE, attainment) == (Decimal(score), Decimal(score))


@pytest.mark.parametrize(
    ("ratio", "score"),
    [
        ("0", "120"),
        ("50", "120"),
        ("75", "110"),
        ("100", "100"),
        ("150", "50"),
        ("200", "0"),
        ("100000", "0"),
    ],
)
def test_lower_is_better_falls_as_the_value_rises_past_the_target(ratio, score):
    assert _both(FOLLOW_UP_CURVE, ratio) == (Decimal(score), Decimal(score))


@given(st.integers(0, 2_000_000))
def test_reference_and_vectorized_curves_agree_everywhere(att):
    attainment = str(Decimal(att) / 10_000)
    for doc in (
        STANDARD_CURVE,
        STEPS_CURVE,
        FOLLOW_UP_CURVE,
        {"kind": "linear", "points": [[0, 0], [7, 3], [33.3333, "97.77"]]},
    ):
        reference, vectorized = _both(doc, attainment)
        assert reference == vectorized


def test_curve_max_score_is_its_cap():
    assert CURVE.validate_python(STANDARD_CURVE).max_score == 120
    assert CURVE.validate_python(FOLLOW_UP_CURVE).max_score == 120
