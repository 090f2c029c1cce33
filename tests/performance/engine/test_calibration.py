"""Calibration: adjustments need reasons; the distribution check warns per team."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.performance.engine import (
    Adjustment,
    Guideline,
    InputError,
    RulesError,
    calibrate,
    check_distribution,
    parse_grades,
)
from tests.performance.engine.helpers import GRADES

TABLE = parse_grades(GRADES)


def test_adjustment_changes_grade_and_coefficient_and_keeps_the_reason():
    result = calibrate({1: "B", 2: "C"}, [Adjustment(1, "A", " 大客户突破 ", by=7)], TABLE)
    assert result[1].grade_before == "B"
    assert (result[1].grade, result[1].coefficient, result[1].reason, result[1].by) == (
        "A",
        Decimal("1.2"),
        "大客户突破",
        7,
    )
    assert (result[2].grade, result[2].reason) == ("C", None)


def test_a_bad_adjustment_refuses_the_whole_batch():
    adjustments = [
        Adjustment(1, "A", "   ", by=7),
        Adjustment(2, "Z", "why", by=7),
        Adjustment(3, "A", "why", by=7),
        Adjustment(2, "S", "again", by=7),
    ]
    with pytest.raises(InputError) as caught:
        calibrate({1: "B", 2: "C"}, adjustments, TABLE)
    assert [(i.location, i.code) for i in caught.value.issues] == [
        ("adjustments[0].reason", "reason_required"),
        ("adjustments[1].to_grade", "unknown_grade"),
        ("adjustments[2].employee_id", "unknown_employee"),
        ("adjustments[3].employee_id", "duplicate_adjustment"),
    ]


def test_distribution_warnings_carry_the_actual_shares():
    guideline = Guideline.parse(
        {"max_share": {"S": 10, "A": 20}, "min_share": {"D": 5}, "min_team_size": 3}, TABLE
    )
    teams = {
        "east": ["S", "S", "A", "B", "B", "B", "C"],
        "south": ["S"] + ["B"] * 9 + ["D"],
        "tiny": ["S", "S"],
    }
    found = [
        (w.team, w.grade, w.count, w.total, w.share, w.bound)
        for w in check_distribution(teams, guideline, TABLE)
    ]
    assert found == [
        ("east", "S", 2, 7, Decimal("28.57"), "max"),
        ("east", "D", 0, 7, Decimal("0.00"), "min"),
    ]


def test_share_exactly_at_the_limit_is_no_warning():
    guideline = Guideline.parse({"max_share": {"S": 10}}, TABLE)
    assert check_distribution({"t": ["S"] + ["B"] * 9}, guideline, TABLE) == []


def test_guideline_grades_must_exist():
    with pytest.raises(RulesError) as caught:
        Guideline.parse({"max_share": {"X": 10}, "min_share": {"S": 20}, "unknown": 1}, TABLE)
    assert {(i.location, i.code) for i in caught.value.issues} == {("unknown", "unknown_field")}
    with pytest.raises(RulesError) as caught:
        Guideline.parse({"max_share": {"X": 10, "S": 5}, "min_share": {"S": 20}}, TABLE)
    assert {(i.location, i.code) for i in caught.value.issues} == {
        ("max_share.X", "unknown_grade"),
        ("min_share.S", "bad_share"),
    }
