"""The result of an evaluation: lines kept per component, one frame built only on demand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from polars.testing import assert_frame_equal

from meritline.incentives.engine import Deal, Split, build_inputs, evaluate
from meritline.incentives.engine.lines import sort_lines
from tests.incentives.engine.helpers import plan_of, yuan

PLAN = plan_of(
    {
        "id": "c",
        "kind": "rate",
        "payee": "credited",
        "bracket": "cumulative",
        "tiers": [{"from": 0, "rate": "0.01"}, {"from": 1000, "rate": "0.02"}],
    },
    {"id": "t", "kind": "rate", "payee": "team_lead", "tiers": [{"from": 0, "rate": "0.002"}]},
    {"id": "hold", "kind": "hold_until_collected", "applies_to": ["c"]},
)
SHARED = (Split(8, Decimal("0.6")), Split(7, Decimal("0.4")))
DEALS = [
    Deal(3, "D-3", date(2026, 10, 9), yuan("800"), owner_id=7, team_lead_id=1),
    Deal(1, "D-1", date(2026, 10, 2), yuan("600"), owner_id=7, collected_fen=yuan("300")),
    Deal(2, "D-2", date(2026, 10, 5), yuan("500"), owner_id=8, splits=SHARED, team_lead_id=1),
]


def test_the_lines_are_the_parts_one_after_the_other():
    result = evaluate(PLAN, build_inputs("2026-10", deals=DEALS))
    assert len(result.parts) == 3
    assert_frame_equal(result.lines, pl.concat(result.parts))
    assert (
        result.height == result.lines.height == 12
    )  # c: 5 (a true-up on D-1, D-2 split), t: 2, hold: 5


def test_a_few_columns_come_without_building_every_line():
    result = evaluate(PLAN, build_inputs("2026-10", deals=DEALS))
    narrow = result.frame(["payee_id", "amount_fen"])
    assert "lines" not in result.__dict__
    assert_frame_equal(narrow, result.lines.select("payee_id", "amount_fen"))
    assert_frame_equal(result.frame(["payee_id"]), result.lines.select("payee_id"))


def test_reference_and_vectorized_give_the_same_lines_and_totals():
    data = build_inputs("2026-10", deals=DEALS)
    reference, vectorized = evaluate(PLAN, data, "reference"), evaluate(PLAN, data)
    assert_frame_equal(reference.lines, vectorized.lines)
    assert reference.totals() == vectorized.totals()


def test_hold_lines_come_held_then_released_per_deal_and_payee():
    result = evaluate(PLAN, build_inputs("2026-10", deals=DEALS))
    held = result.lines.filter(pl.col("component_id") == "hold")
    kinds = list(zip(held["payee_id"], held["source_id"], held["line_kind"], strict=True))
    assert kinds == [
        (7, 1, "held"),
        (7, 1, "released"),
        (7, 2, "held"),
        (7, 3, "held"),
        (8, 2, "held"),
    ]


def test_sorting_lines_by_packed_keys_matches_a_sort_by_the_columns():
    frame = pl.DataFrame(
        {
            "payee_id": [3, None, 3, 1, 1, 2],
            "source_id": [5, 2, None, 9, 4, 4],
            "line_kind": [1, 0, 2, 0, 1, 0],
        }
    )
    keys = ["payee_id", "source_id", "line_kind"]
    assert_frame_equal(sort_lines(frame, keys), frame.sort(keys, nulls_last=False))
