"""Rate components: tier boundaries, marginal, cumulative true-ups, level rates, modifiers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from meritline.incentives.engine import (
    Adjustment,
    Deal,
    InputError,
    LevelRate,
    Split,
    build_inputs,
    evaluate,
    explain,
    render,
)
from tests.incentives.engine.helpers import PAY2_TIERS, both, plan_of, yuan

LEVEL = [LevelRate(7, date(2026, 1, 1), Decimal("0.01"))]


def pay2(**extra):
    return plan_of({"id": "deal", "kind": "rate", "payee": "owner", "tiers": PAY2_TIERS, **extra})


@pytest.mark.parametrize(
    ("signed", "commission"),
    [
        ("499999.99", "5000.00"),  # level rate 1 %: 4,999.9999 → 5,000.00
        ("500000", "7500.00"),
        ("999999.99", "15000.00"),  # 14,999.99985 → half up
        ("1000000", "20000.00"),
        ("1000000.01", "20000.00"),
        ("1200000", "24000.00"),
    ],
)
def test_whole_tiers_at_every_boundary(signed, commission):
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan(signed), owner_id=7)
    lines = both(pay2(), build_inputs("2026-10", deals=[deal], level_rates=LEVEL))
    assert [line.amount_fen for line in lines] == [yuan(commission)]


def test_half_even_rounding_is_selectable_per_plan():
    deal = Deal(1, "D-1", date(2026, 10, 3), 250, owner_id=7)  # 2.50 fen at 1 %
    component = {
        "id": "c",
        "kind": "rate",
        "payee": "owner",
        "tiers": [{"from": 0, "rate": "0.01"}],
    }
    data = build_inputs("2026-10", deals=[deal])
    assert both(plan_of(component), data)[0].amount_fen == 3
    assert both(plan_of(component, rounding="half_even"), data)[0].amount_fen == 2


def test_marginal_tiers_pay_each_slice_at_its_rate():
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("1200000"), owner_id=7)
    lines = both(pay2(mode="marginal"), build_inputs("2026-10", deals=[deal], level_rates=LEVEL))
    # 500k × 1 % + 500k × 1.5 % + 200k × 2 %
    assert lines[0].amount_fen == yuan("5000") + yuan("7500") + yuan("4000")


def test_cumulative_whole_trues_up_earlier_deals_lifted_by_later_ones():
    deals = [
        Deal(1, "D-1", date(2026, 10, 3), yuan("600000"), owner_id=7),
        Deal(2, "D-2", date(2026, 10, 20), yuan("600000"), owner_id=7),
    ]
    lines = both(
        pay2(bracket="cumulative"), build_inputs("2026-10", deals=deals, level_rates=LEVEL)
    )
    summary = [(line.source_label, line.line_kind, line.amount_fen) for line in lines]
    assert summary == [
        ("D-1", "earned", yuan("9000")),  # 1.5 % when signed (running total 600k)
        ("D-1", "true_up", yuan("3000")),  # lifted to 2 % by the period total 1.2 M
        ("D-2", "earned", yuan("12000")),
    ]


def test_promotion_mid_period_applies_the_rate_in_force_on_the_signing_date():
    levels = [*LEVEL, LevelRate(7, date(2026, 10, 15), Decimal("0.015"))]
    deals = [
        Deal(1, "D-1", date(2026, 10, 14), yuan("100000"), owner_id=7),
        Deal(2, "D-2", date(2026, 10, 15), yuan("100000"), owner_id=7),
    ]
    lines = both(pay2(), build_inputs("2026-10", deals=deals, level_rates=levels))
    assert [line.amount_fen for line in lines] == [yuan("1000"), yuan("1500")]


def test_payee_adjustment_lowers_the_rate_but_never_below_zero():
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("100000"), owner_id=7)
    adjust = [Adjustment(7, Decimal("-0.005"))]
    data = build_inputs("2026-10", deals=[deal], level_rates=LEVEL, adjustments=adjust)
    assert both(pay2(payee_adjustment=True), data)[0].amount_fen == yuan("500")
    data = build_inputs(
        "2026-10", deals=[deal], level_rates=LEVEL, adjustments=[Adjustment(7, Decimal("-0.5"))]
    )
    assert both(pay2(payee_adjustment=True), data)[0].amount_fen == 0


def test_missing_level_rate_is_reported_with_the_payee():
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("100"), owner_id=8)
    data = build_inputs("2026-10", deals=[deal], level_rates=LEVEL)
    for mode in ("reference", "vectorized"):
        with pytest.raises(InputError) as caught:
            evaluate(pay2(), data, mode)
        assert caught.value.issues[0].code == "missing_level_rate"
        assert "payee 8" in caught.value.issues[0].message


def test_big_client_and_repurchase_modifiers_apply_in_order_and_explain_themselves():
    big = {"field": "segment", "op": "eq", "value": "big"}
    again = {"field": "is_repurchase", "op": "is_true"}
    plan = pay2(
        modifiers=[
            {
                "id": "big",
                "label": "大客户",
                "label_en": "big client",
                "when": big,
                "multiply": "1.15",
            },
            {
                "id": "repeat",
                "label": "复购",
                "label_en": "repurchase",
                "when": again,
                "add": "0.05",
            },
        ]
    )
    deal = Deal(1, "D-1024", date(2026, 10, 3), yuan("1200000"), owner_id=7, segment="big")
    data = build_inputs("2026-10", deals=[deal], level_rates=LEVEL)
    (line,) = both(plan, data)
    assert line.amount_fen == yuan("27600") and line.modifiers == ("big",)
    result = evaluate(plan, data)
    text = render(explain(result, line))
    assert (
        text == "合同 D-1024 签约额 ¥1,200,000.00 达到 ≥¥1,000,000 档位，"
        "提成 2%；大客户上浮 15% → ¥27,600.00"
    )
    assert render(explain(result, line), "en").endswith("big client raised by 15% → ¥27,600.00")
    repeat = Deal(2, "D-2", date(2026, 10, 3), yuan("100000"), owner_id=7, is_repurchase=True)
    (line,) = both(plan, build_inputs("2026-10", deals=[repeat], level_rates=LEVEL))
    assert line.amount_fen == yuan("1000") + yuan("5000")


def test_credited_split_lines_add_up_to_the_deal_commission():
    shares = (
        Split(7, Decimal("0.333333")),
        Split(8, Decimal("0.333333")),
        Split(9, Decimal("0.333334")),
    )
    deal = Deal(1, "D-1", date(2026, 10, 3), 101, owner_id=7, splits=shares)
    plan = plan_of(
        {"id": "c", "kind": "rate", "payee": "credited", "tiers": [{"from": 0, "rate": "1"}]}
    )
    lines = both(plan, build_inputs("2026-10", deals=[deal]))
    assert [line.amount_fen for line in lines] == [34, 33, 34]
    assert sum(line.amount_fen for line in lines) == 101


def test_a_payee_rate_adjustment_is_explained_beside_the_level_rate():
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("100000"), owner_id=7)
    data = build_inputs(
        "2026-10",
        deals=[deal],
        level_rates=LEVEL,
        adjustments=[Adjustment(7, Decimal("-0.005"))],
    )
    plan = pay2(payee_adjustment=True)
    (line,) = both(plan, data)
    assert (line.rate, line.amount_fen) == (Decimal("0.005"), yuan("500"))
    result = evaluate(plan, data)
    assert render(explain(result, line)) == (
        "合同 D-1 签约额 ¥100,000.00 处于 <¥500,000 档位，"
        "提成 本人职级提成率 1% − 0.5 个百分点 = 0.5% → ¥500.00"
    )
    assert "rate your level's rate 1% − 0.5 pt = 0.5% →" in render(explain(result, line), "en")


def test_a_fixed_tier_rate_with_an_adjustment_shows_both_and_never_goes_below_zero():
    deals = [
        Deal(1, "D-1", date(2026, 10, 3), yuan("600000"), owner_id=7),
        Deal(2, "D-2", date(2026, 10, 4), yuan("600000"), owner_id=8),
    ]
    data = build_inputs(
        "2026-10",
        deals=deals,
        level_rates=[*LEVEL, LevelRate(8, date(2026, 1, 1), Decimal("0.01"))],
        adjustments=[Adjustment(7, Decimal("0.0025")), Adjustment(8, Decimal("-0.02"))],
    )
    plan = pay2(payee_adjustment=True)
    raised, floored = both(plan, data)
    result = evaluate(plan, data)
    assert render(explain(result, raised)).endswith(
        "提成 1.5% + 0.25 个百分点 = 1.75% → ¥10,500.00"
    )
    assert render(explain(result, floored)).endswith(
        "提成 1.5% − 2 个百分点 = 0%（不低于零） → ¥0.00"
    )


def test_without_an_adjustment_the_level_rate_reads_as_before():
    deal = Deal(1, "D-1", date(2026, 10, 3), yuan("100000"), owner_id=7)
    data = build_inputs(
        "2026-10", deals=[deal], level_rates=LEVEL, adjustments=[Adjustment(8, Decimal("-0.005"))]
    )
    plan = pay2(payee_adjustment=True)
    (line,) = both(plan, data)
    assert "提成 1%（本人职级提成率） → ¥1,000.00" in render(explain(evaluate(plan, data), line))


def test_amounts_too_large_for_64_bit_intermediates_stay_exact():
    big = {"field": "amount", "op": "gte", "value": 1}
    plan = plan_of(
        {
            "id": "c",
            "kind": "rate",
            "payee": "credited",
            "tiers": [{"from": 0, "rate": "0.999999"}],
            "modifiers": [
                {"id": "x", "when": big, "multiply": "9.9999"},
                {"id": "y", "when": big, "multiply": "9.9999"},
                {"id": "z", "when": big, "add": "-0.000001", "of": "collected"},
            ],
        }
    )
    shares = (Split(7, Decimal("0.333333")), Split(8, Decimal("0.666667")))
    deal = Deal(
        1, "D-1", date(2026, 10, 3), 10**12, owner_id=7, collected_fen=10**12, splits=shares
    )
    lines = both(plan, build_inputs("2026-10", deals=[deal]))
    exact = Decimal(10**12) * Decimal("0.999999") * Decimal("9.9999") ** 2 - Decimal(10**6)
    assert sum(line.amount_fen for line in lines) == int(exact.to_integral_value())
    assert [line.modifiers for line in lines] == [("x", "y", "z")] * 2


def test_many_modifiers_are_listed_in_plan_order():
    flags = [
        {"field": "is_repurchase", "op": "is_true"},
        {"field": "segment", "op": "eq", "value": "big"},
    ]
    mods = [{"id": f"m{i}", "when": flags[i % 2], "add": "0.001"} for i in range(14)]
    plan = plan_of(
        {
            "id": "c",
            "kind": "rate",
            "payee": "owner",
            "tiers": [{"from": 0, "rate": "0.01"}],
            "modifiers": mods,
        }
    )
    deal = Deal(1, "D-1", date(2026, 10, 3), 100_000, owner_id=7, is_repurchase=True)
    (line,) = both(plan, build_inputs("2026-10", deals=[deal]))
    assert line.modifiers == tuple(f"m{i}" for i in range(0, 14, 2))
    assert line.amount_fen == 1000 + 7 * 100


def test_multipliers_of_zero_that_do_not_apply_leave_the_amount_whole():
    """An unapplied multiplier still scales the exact amount by 10,000: three of them on
    2.643 % need more than 64 bits even though each factor is 0."""
    zero = {"when": {"field": "segment", "op": "eq", "value": "big"}, "multiply": "0"}
    plan = plan_of(
        {
            "id": "c",
            "kind": "rate",
            "payee": "owner",
            "tiers": [{"from": 0, "rate": "0.02643"}],
            "modifiers": [{"id": f"m{i}", **zero} for i in range(3)],
        }
    )
    small = Deal(1, "D-1", date(2026, 10, 1), 349, owner_id=7, segment="small")
    big = Deal(2, "D-2", date(2026, 10, 2), 349, owner_id=7, segment="big")
    lines = both(plan, build_inputs("2026-10", deals=[small, big]))
    assert [(line.source_id, line.amount_fen) for line in lines] == [(1, 9), (2, 0)]
