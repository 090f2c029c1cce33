"""A cap and a hold on the same component: the cap limits what is paid in the period."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.incentives.engine import (
    Deal,
    DealState,
    build_inputs,
    carry_forward,
    evaluate,
    explain,
    render,
    statements,
)
from tests.incentives.engine.helpers import both, plan_of, yuan

HELD = {"id": "c", "kind": "rate", "payee": "owner", "tiers": [{"from": 0, "rate": "0.1"}]}
UNHELD = {"id": "d", "kind": "rate", "payee": "owner", "tiers": [{"from": 0, "rate": "0.01"}]}
HOLD = {"id": "hold", "kind": "hold_until_collected", "applies_to": ["c"]}


def cap(max_yuan: int, *targets: str) -> dict[str, object]:
    return {"id": "cap", "kind": "cap", "applies_to": list(targets or ["c"]), "max": max_yuan}


def deal(deal_id: int, amount: str, collected: str = "0", signed_on: date | None = None) -> Deal:
    signed = signed_on or date(2026, 10, 3)
    return Deal(deal_id, f"D-{deal_id}", signed, yuan(amount), 7, collected_fen=yuan(collected))


def kinds(lines):
    return [(x.component_id, x.line_kind, x.amount_fen) for x in lines]


def test_a_capped_and_held_component_pays_at_most_the_cap_of_what_is_released():
    plan = plan_of(HELD, UNHELD, HOLD, cap(30, "c", "d"))
    data = build_inputs("2026-10", deals=[deal(1, "1000", collected="250")])
    lines = both(plan, data)
    assert kinds(lines) == [
        ("c", "earned", yuan("100")),
        ("d", "earned", yuan("10")),
        ("hold", "held", -yuan("100")),
        ("hold", "released", yuan("25")),
        ("cap", "cap_cut", -yuan("5")),  # 25 released + 10 unheld = 35, over 30
    ]
    cut = lines[-1]
    assert (cut.base_fen, cut.total_fen) == (yuan("35"), yuan("30"))
    (statement,) = statements(evaluate(plan, data))
    assert (statement.net_fen, statement.payable_fen) == (yuan("30"), yuan("30"))


def test_a_hold_below_the_cap_leaves_nothing_to_cut_however_much_was_earned():
    plan = plan_of(HELD, HOLD, cap(44))
    data = build_inputs("2026-10", deals=[deal(1, "7800", collected="1950")])
    assert kinds(both(plan, data)) == [
        ("c", "earned", yuan("780")),
        ("hold", "held", -yuan("780")),
        ("hold", "released", yuan("195")),
        ("cap", "cap_cut", -yuan("151")),
    ]
    (statement,) = statements(evaluate(plan, data))
    assert (statement.earned_fen, statement.held_fen, statement.released_fen) == (
        yuan("780"),
        yuan("780"),
        yuan("195"),
    )
    assert (statement.cap_cut_fen, statement.net_fen, statement.carried_out_fen) == (
        yuan("151"),
        yuan("44"),
        0,
    )


def test_nothing_collected_means_nothing_paid_and_nothing_cut():
    plan = plan_of(HELD, HOLD, cap(10))
    data = build_inputs("2026-10", deals=[deal(1, "1000")])
    assert kinds(both(plan, data)) == [("c", "earned", yuan("100")), ("hold", "held", -yuan("100"))]
    (statement,) = statements(evaluate(plan, data))
    assert (statement.cap_cut_fen, statement.net_fen) == (0, 0)


def test_a_later_release_falls_under_the_later_periods_cap():
    plan = plan_of(HELD, HOLD, cap(50))
    october = build_inputs("2026-10", deals=[deal(1, "1000", collected="200")])
    assert kinds(both(plan, october)) == [
        ("c", "earned", yuan("100")),
        ("hold", "held", -yuan("100")),
        ("hold", "released", yuan("20")),
    ]
    state = carry_forward(evaluate(plan, october)).deal_state
    assert state == [DealState("c", 1, 7, yuan("100"), yuan("20"), 0)]
    new = deal(2, "100", signed_on=date(2026, 11, 4), collected="100")
    november = build_inputs(
        "2026-11", deals=[deal(1, "1000", collected="1000"), new], deal_state=state
    )
    lines = both(plan, november)
    assert kinds(lines) == [
        ("c", "earned", yuan("10")),
        ("hold", "released", yuan("80")),
        ("hold", "held", -yuan("10")),
        ("hold", "released", yuan("10")),
        ("cap", "cap_cut", -yuan("40")),  # 80 + 10 released in November, over 50
    ]
    result = evaluate(plan, november)
    (statement,) = statements(result)
    assert (statement.released_fen, statement.cap_cut_fen, statement.net_fen) == (
        yuan("90"),
        yuan("40"),
        yuan("50"),
    )
    later = carry_forward(result).deal_state
    assert later == [
        DealState("c", 1, 7, yuan("100"), yuan("100"), 0),
        DealState("c", 2, 7, yuan("10"), yuan("10"), 0),
    ]


def test_the_order_of_cap_and_hold_in_the_document_changes_nothing():
    data = build_inputs("2026-10", deals=[deal(1, "1000", collected="600")])
    first = evaluate(plan_of(HELD, cap(40), HOLD), data)
    second = evaluate(plan_of(HELD, HOLD, cap(40)), data)
    assert first.totals() == second.totals() == {7: yuan("40")}
    assert statements(first) == statements(second)
    assert kinds(both(plan_of(cap(40), HOLD, HELD), data)) == [
        ("cap", "cap_cut", -yuan("20")),
        ("hold", "held", -yuan("100")),
        ("hold", "released", yuan("60")),
        ("c", "earned", yuan("100")),
    ]


def test_a_cap_alone_still_cuts_the_period_total():
    plan = plan_of(HELD, cap(150))
    data = build_inputs("2026-10", deals=[deal(1, "1000", collected="0"), deal(2, "1000")])
    lines = both(plan, data)
    assert kinds(lines)[-1] == ("cap", "cap_cut", -yuan("50"))
    assert (lines[-1].base_fen, lines[-1].total_fen) == (yuan("200"), yuan("150"))
    result = evaluate(plan, data)
    assert render(explain(result, lines[-1])) == (
        "本期合计 ¥200.00 超过上限 ¥150.00，扣减 → -¥50.00"
    )


def test_a_hold_alone_still_holds_and_releases_what_is_earned():
    plan = plan_of(HELD, HOLD)
    data = build_inputs("2026-10", deals=[deal(1, "1000", collected="500")])
    assert kinds(both(plan, data)) == [
        ("c", "earned", yuan("100")),
        ("hold", "held", -yuan("100")),
        ("hold", "released", yuan("50")),
    ]


def test_a_cap_ignores_a_hold_on_a_component_it_does_not_cap():
    plan = plan_of(HELD, UNHELD, HOLD, cap(5, "d"))
    data = build_inputs("2026-10", deals=[deal(1, "1000", collected="1000")])
    lines = both(plan, data)
    assert kinds(lines)[-1] == ("cap", "cap_cut", -yuan("5"))
    assert lines[-1].base_fen == yuan("10")
    assert "暂缓" not in render(explain(evaluate(plan, data), lines[-1]))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "zh-Hans",
            "本期实发合计 ¥35.00（计提 ¥110.00 − 暂缓 ¥100.00 + 回款发放 ¥25.00）"
            "超过上限 ¥30.00，扣减 → -¥5.00",
        ),
        (
            "en",
            "Period pay ¥35.00 (earned ¥110.00 − held ¥100.00 + released ¥25.00) "
            "is over the cap of ¥30.00: cut → -¥5.00",
        ),
    ],
)
def test_the_cut_of_a_capped_and_held_component_is_explained_with_the_hold(language, text):
    plan = plan_of(HELD, UNHELD, HOLD, cap(30, "c", "d"))
    data = build_inputs("2026-10", deals=[deal(1, "1000", collected="250")])
    for mode in ("reference", "vectorized"):
        result = evaluate(plan, data, mode)
        explanation = explain(result, result.line_list()[-1])
        assert explanation.code == "cap_cut"
        assert render(explanation, language) == text
