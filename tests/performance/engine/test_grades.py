"""Grade tables: validation of order and coverage, and score → grade → coefficient."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.performance.engine import RulesError, parse_grades
from tests.performance.engine.helpers import GRADES


@pytest.mark.parametrize(
    ("score", "grade", "coefficient"),
    [
        ("0", "D", "0.5"),
        ("69.99", "D", "0.5"),
        ("70", "C", "0.8"),
        ("85", "B", "1.0"),
        ("99.99", "B", "1.0"),
        ("100", "A", "1.2"),
        ("110", "S", "1.5"),
        ("130", "S", "1.5"),
    ],
)
def test_thresholds_are_inclusive_lower_bounds(score, grade, coefficient):
    band = parse_grades(GRADES).band(Decimal(score))
    assert (band.grade, band.coefficient) == (grade, Decimal(coefficient))


def _codes(bands):
    with pytest.raises(RulesError) as caught:
        parse_grades({"bands": bands})
    return {(i.location, i.code) for i in caught.value.issues}


def test_thresholds_must_fall_and_coefficients_must_not_rise():
    bands = [
        {"grade": "S", "min_score": 100, "coefficient": "1.2"},
        {"grade": "A", "min_score": 100, "coefficient": "1.5"},
        {"grade": "B", "min_score": 0, "coefficient": "1"},
    ]
    assert _codes(bands) == {
        ("bands[1].min_score", "not_monotone"),
        ("bands[1].coefficient", "not_monotone"),
    }


def test_the_last_band_must_start_at_zero_and_grades_be_distinct():
    bands = [
        {"grade": "S", "min_score": 100, "coefficient": "1.2"},
        {"grade": "S", "min_score": 60, "coefficient": "1"},
    ]
    assert _codes(bands) == {
        ("bands[1].grade", "duplicate_grade"),
        ("bands[1].min_score", "not_covered"),
    }


def test_coefficient_places_and_range_are_checked():
    bands = [{"grade": "A", "min_score": 0, "coefficient": "1.23456"}]
    assert ("bands[0].coefficient", "too_many_places") in _codes(bands)
    assert ("bands[0].coefficient", "less_than_equal") in _codes(
        [{"grade": "A", "min_score": 0, "coefficient": 11}]
    )
