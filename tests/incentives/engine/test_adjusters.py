"""Gates, points, awards, caps, holds and clawbacks; statements and carried balances."""

from __future__ import annotations

from datetime import date

from meritline.incentives.engine import (
    AwardState,
    Count,
    Deal,
    Lead,
    MetricValue,
    build_inputs,
    carry_forward,
    evaluate,
    explain,
    render,
    statements,
)
from tests.incentives.engine.helpers import both, plan_of, yuan

FLAT = {"id": "c", "kind": "rate", "payee": "owner", "tiers": [{"from": 0, "rate": "0.1"}]}
GATE = {"metric": "conversion_rate", "min": "0.2", "label": "转化率", "label_en": "conversion rate"}


def test_zero_leads_do_not_meet_a_gate_and_do_not_divide_by_zero():
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("1000"), owner_id=7)
    plan = plan_of({**FLAT, "gate": GATE})
    metrics = [MetricValue(7, "conversion_rate", 0, 0)]
    data = build_inputs("2026-10", deals=[deal], metrics=metrics)
    (line,) = both(plan, data)
    assert (line.amount_fen, line.gross_fen, line.gate_met) == (0, yuan("100"), False)
    assert "未达门槛" in render(explain(evaluate(plan, data), line))


def test_a_gate_is_met_at_exactly_the_minimum():
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("1000"), owner_id=7)
    data = build_inputs("2026-10", deals=[deal], metrics=[MetricValue(7, "conversion_rate", 2, 10)])
    (line,) = both(plan_of({**FLAT, "gate": GATE}), data)
    assert line.gate_met is True and line.amount_fen == yuan("100")


def test_points_per_qualified_lead_and_bonus_on_conversion():
    points = {
        "id": "p",
        "kind": "points",
        "payee": "lead_source",
        "points": 10,
        "converted_bonus": 30,
        "yuan_per_point": 2,
    }
    leads = [
        Lead(1, "L-1", owner_id=7, source_id=5, qualified_on=date(2026, 10, 2)),
        Lead(
            2,
            "L-2",
            owner_id=7,
            source_id=5,
            qualified_on=date(2026, 9, 2),
            converted_on=date(2026, 10, 9),
        ),
        Lead(3, "L-3", owner_id=7, source_id=None, qualified_on=date(2026, 10, 2)),
    ]
    lines = both(plan_of(points), build_inputs("2026-10", leads=leads))
    assert [(x.source_label, x.line_kind, x.quantity, x.amount_fen) for x in lines] == [
        ("L-1", "points", 10, 2000),
        ("L-2", "points_bonus", 30, 6000),
    ]


def test_award_per_block_of_ten_new_clients_is_clawed_back_when_the_count_falls():
    award = {
        "id": "a",
        "kind": "award",
        "count": "new_enterprise_clients",
        "block": 10,
        "amount": 5000,
    }
    plan = plan_of(award)
    first = build_inputs("2026-10", counts=[Count(7, "new_enterprise_clients", 23)])
    (line,) = both(plan, first)
    assert (line.line_kind, line.amount_fen) == ("award", yuan("10000"))
    state = carry_forward(evaluate(plan, first)).award_state
    assert state == [AwardState("a", 7, 2)]
    later = build_inputs(
        "2026-11", counts=[Count(7, "new_enterprise_clients", 19)], award_state=state
    )
    (line,) = both(plan, later)
    assert (line.line_kind, line.amount_fen) == ("award_clawback", -yuan("5000"))


def test_cap_cuts_the_period_total_above_the_maximum():
    deals = [Deal(i, f"D-{i}", date(2026, 10, i), yuan("3000"), owner_id=7) for i in (1, 2)]
    plan = plan_of(FLAT, {"id": "cap", "kind": "cap", "applies_to": ["c"], "max": 500})
    lines = both(plan, build_inputs("2026-10", deals=deals))
    assert lines[-1].line_kind == "cap_cut" and lines[-1].amount_fen == -yuan("100")
    assert sum(line.amount_fen for line in lines) == yuan("500")


def test_hold_releases_in_proportion_to_collections_across_periods():
    plan = plan_of(FLAT, {"id": "hold", "kind": "hold_until_collected", "applies_to": ["c"]})
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("1000"), owner_id=7, collected_fen=yuan("250"))
    october = build_inputs("2026-10", deals=[deal])
    kinds = [(x.line_kind, x.amount_fen) for x in both(plan, october)]
    assert kinds == [("earned", yuan("100")), ("held", -yuan("100")), ("released", yuan("25"))]
    carried = carry_forward(evaluate(plan, october))
    paid = Deal(1, "D-1", date(2026, 10, 3), yuan("1000"), owner_id=7, collected_fen=yuan("1000"))
    november = build_inputs("2026-11", deals=[paid], deal_state=carried.deal_state)
    assert [(x.line_kind, x.amount_fen) for x in both(plan, november)] == [("released", yuan("75"))]


def test_refund_larger_than_the_period_sales_carries_a_negative_balance():
    plan = plan_of(FLAT, {"id": "claw", "kind": "clawback_on_refund", "applies_to": ["c"]})
    old = Deal(1, "D-1", date(2026, 9, 3), yuan("10000"), owner_id=7, collected_fen=yuan("10000"))
    september = evaluate(plan, build_inputs("2026-09", deals=[old]))
    refunded = Deal(
        1,
        "D-1",
        date(2026, 9, 3),
        yuan("10000"),
        owner_id=7,
        collected_fen=yuan("10000"),
        refunded_fen=yuan("10000"),
    )
    small = Deal(2, "D-2", date(2026, 10, 8), yuan("2000"), owner_id=7)
    carried = carry_forward(september)
    october = build_inputs("2026-10", deals=[refunded, small], deal_state=carried.deal_state)
    lines = both(plan, october)
    assert [(x.source_label, x.line_kind, x.amount_fen) for x in lines] == [
        ("D-2", "earned", yuan("200")),
        ("D-1", "clawback", -yuan("1000")),
    ]
    result = evaluate(plan, october)
    (statement,) = statements(result)
    assert (statement.payable_fen, statement.carried_out_fen) == (0, -yuan("800"))
    balances = carry_forward(result).balances
    november = build_inputs(
        "2026-11",
        deals=[Deal(3, "D-3", date(2026, 11, 2), yuan("10000"), owner_id=7)],
        balances=balances,
        deal_state=carry_forward(result).deal_state,
    )
    (statement,) = statements(evaluate(plan, november))
    assert (statement.carried_in_fen, statement.payable_fen) == (-yuan("800"), yuan("200"))
    assert "按原提成比例追回" in render(explain(result, result.line_list()[1]))
