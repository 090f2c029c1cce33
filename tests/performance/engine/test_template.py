"""Template validation: every problem with its location and code."""

from __future__ import annotations

import pytest

from meritline.performance.engine import TemplateError, parse_template
from tests.performance.engine.helpers import item, seed_003_template


def _issues(document, **kwargs):
    with pytest.raises(TemplateError) as caught:
        parse_template(document, **kwargs)
    return {(i.location, i.code): i for i in caught.value.issues}


def test_seed_003_reweighted_template_is_valid():
    template = parse_template(seed_003_template())
    assert [i.weight for i in template.items] == [30, 25, 20, 25]
    assert template.cap == 120


@pytest.mark.parametrize(
    ("weights", "total"), [(["60", "35"], "95"), (["60", "40.5"], "100.5"), (["99.99"], "99.99")]
)
def test_weights_not_adding_up_to_100_are_refused_with_the_actual_sum(weights, total):
    doc = {"items": [item(f"k{i}", w) for i, w in enumerate(weights)]}
    issue = _issues(doc)[("items", "weights_sum")]
    assert issue.message == f"weights add up to {total} %; they must add up to exactly 100 %"
    assert issue.params == {"sum": total}


def test_negative_target_is_refused_at_its_item():
    doc = {"items": [item("a", 50), item("b", 50, target=-5)]}
    issue = _issues(doc)[("items[1].target", "negative_target")]
    assert "-5" in issue.message


def test_bad_weight_location_points_at_the_item():
    doc = {"items": [item("a", 50), item("b", 30), item("c", "abc")]}
    assert ("items[2].weight", "bad_number") in _issues(doc)


def test_every_problem_is_reported_together():
    doc = {
        "items": [
            item("a", 0),
            item("a", 50, kind="rating", unit="fen"),
            item("c", 30, kind="metric", metric=None, target="1.5"),
        ]
    }
    found = _issues(doc)
    assert {
        ("items[0].weight", "bad_weight"),
        ("items[1].id", "duplicate_id"),
        ("items[1].metric", "metric_not_allowed"),
        ("items[1].unit", "unit_mismatch"),
        ("items[2].metric", "metric_required"),
        ("items[2].target", "whole_target"),
        ("items", "weights_sum"),
    } <= set(found)


def test_unknown_metric_and_unit_mismatch_against_the_metrics_catalogue():
    catalogue = {"sales_amount": "fen", "conversion_rate": "ratio"}
    doc = {"items": [item("a", 50, metric="nope"), item("b", 50, metric="conversion_rate")]}
    found = _issues(doc, known_metrics=catalogue)
    assert ("items[0].metric", "unknown_metric") in found
    assert ("items[1].unit", "unit_mismatch") in found


def test_bad_curves_are_located_inside_the_item():
    curve = {"kind": "linear", "points": [[100, 100], [60, 0]]}
    found = _issues({"items": [item("a", 100, curve=curve)]})
    assert ("items[0].curve.points[1]", "not_increasing") in found
    assert ("items[0].curve.points[1]", "not_monotone") in found
    unknown = _issues({"items": [item("a", 100, curve={"kind": "wavy", "points": []})]})
    assert ("items[0].curve", "unknown_kind") in unknown


def test_lower_is_better_curve_must_not_rise():
    curve = {"kind": "lower_is_better", "points": [[50, 100], [100, 120]]}
    assert ("items[0].curve.points[1]", "not_monotone") in _issues(
        {"items": [item("a", 100, curve=curve)]}
    )


def test_unknown_fields_are_refused():
    doc = {"items": [item("a", 100, colour="red")]}
    assert ("items[0].colour", "unknown_field") in _issues(doc)
