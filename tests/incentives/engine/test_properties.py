"""Invariants over random plans and data: the two evaluators agree to the fen, and more."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from meritline.incentives.engine import Deal, build_inputs, evaluate, parse_plan
from meritline.incentives.engine.inputs import SCHEMAS, make_inputs
from tests.incentives.engine.strategies import inputs, plans

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(plans(), inputs())
def test_reference_and_vectorized_agree_to_the_fen(document, data):
    plan = parse_plan(document)
    assert_frame_equal(
        evaluate(plan, data, "reference").lines, evaluate(plan, data, "vectorized").lines
    )


@FAST
@given(plans(), inputs(), st.randoms(use_true_random=False))
def test_shuffling_input_rows_changes_nothing(document, data, random):
    plan = parse_plan(document)
    frames = {
        name: getattr(data, name).sample(fraction=1.0, shuffle=True, seed=random.randint(0, 999))
        for name in SCHEMAS
    }
    shuffled = make_inputs(data.period, **frames)
    for mode in ("reference", "vectorized"):
        assert_frame_equal(evaluate(plan, data, mode).lines, evaluate(plan, shuffled, mode).lines)


@FAST
@given(plans(), inputs())
def test_running_twice_changes_nothing(document, data):
    plan = parse_plan(document)
    assert_frame_equal(evaluate(plan, data).lines, evaluate(plan, data).lines)


@FAST
@given(plans(), inputs())
def test_split_lines_add_up_to_the_deal_amount(document, data):
    plan = parse_plan(document)
    lines = evaluate(plan, data, "reference").lines.filter(pl.col("share").is_not_null())
    per_deal = lines.group_by("component_id", "source_id", "line_kind").agg(
        pl.col("gross_fen").sum(),
        pl.col("total_fen").first(),
        pl.col("total_fen").n_unique().alias("n"),
    )
    assert (per_deal["n"] == 1).all()
    assert per_deal["gross_fen"].to_list() == per_deal["total_fen"].to_list()


@FAST
@given(plans(), inputs(), st.sampled_from(["reference", "vectorized"]))
def test_a_cap_limits_what_its_targets_pay_after_holds_and_releases(document, data, mode):
    plan = parse_plan(document)
    cap = plan.component("cap")
    lines = evaluate(plan, data, mode).lines
    held = pl.col("line_kind").is_in(["held", "released"]) & pl.col("target_id").is_in(
        cap.applies_to
    )
    paid = dict(
        lines.filter(pl.col("component_id").is_in(cap.applies_to) | held)
        .group_by("payee_id")
        .agg(pl.col("amount_fen").sum())
        .iter_rows()
    )
    cuts = dict(
        lines.filter(pl.col("component_id") == "cap").select("payee_id", "amount_fen").iter_rows()
    )
    assert set(cuts) <= set(paid)
    for payee, before in paid.items():
        after = before + cuts.get(payee, 0)
        assert after == min(before, cap.max)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 2_000_000_00), min_size=2, max_size=2),
    st.sampled_from(["per_deal", "cumulative"]),
)
def test_whole_tiers_are_monotone_in_the_amount(amounts, bracket):
    low, high = sorted(amounts)
    plan = parse_plan(
        {
            "name": "PAY-2",
            "components": [
                {
                    "id": "c",
                    "kind": "rate",
                    "payee": "owner",
                    "bracket": bracket,
                    "tiers": [
                        {"from": 0, "rate": "0.01"},
                        {"from": 500000, "rate": "0.015"},
                        {"from": 1000000, "rate": "0.02"},
                    ],
                }
            ],
        }
    )

    def pay(amount: int) -> int:
        deal = Deal(1, "D-1", date(2026, 10, 9), amount, owner_id=7)
        return sum(evaluate(plan, build_inputs("2026-10", deals=[deal])).totals().values())

    assert pay(low) <= pay(high)
