"""Plan documents: validation errors with precise locations, and every example plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from meritline.incentives.engine import (
    Count,
    Deal,
    Lead,
    LevelRate,
    MetricValue,
    PlanError,
    Split,
    build_inputs,
    evaluate,
    explain,
    load_plan,
    render,
)
from tests.incentives.engine.helpers import both

EXAMPLES = sorted((Path(__file__).parents[3] / "examples" / "plans").glob("*.yaml"))


DESCENDING = (
    "[{from: 0, rate: '0.01'}, {from: 500000, rate: '0.015'}, {from: 400000, rate: '0.02'}]"
)


def issues_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(PlanError) as caught:
        load_plan(text)
    return [(issue.location, issue.code) for issue in caught.value.issues]


def rate_plan(tiers: str, extra: str = "") -> str:
    return f"name: t\ncomponents:\n  - {{id: c, kind: rate, payee: owner, tiers: {tiers}{extra}}}\n"


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [
        (
            "[{from: 0, to: 500000, rate: '0.01'}, {from: 600000, rate: '0.02'}]",
            ("components[0].tiers[1].from", "tier_gap"),
        ),
        (
            "[{from: 0, to: 500000, rate: '0.01'}, {from: 400000, rate: '0.02'}]",
            ("components[0].tiers[1].from", "tier_overlap"),
        ),
        (
            DESCENDING,
            ("components[0].tiers[2].from", "tier_order"),
        ),
        ("[{from: 100, rate: '0.01'}]", ("components[0].tiers[0].from", "tier_start")),
        ("[{from: 0, rate: 'abc'}]", ("components[0].tiers[0].rate", "bad_rate")),
        ("[{from: 0, rate: '0.0000001'}]", ("components[0].tiers[0].rate", "bad_rate")),
        ("[{from: 0, rate: '1.5'}]", ("components[0].tiers[0].rate", "rate_out_of_range")),
    ],
)
def test_bad_tier_tables_are_reported_where_they_are(tiers, expected):
    assert expected in issues_of(rate_plan(tiers))


def test_descending_tier_message_names_the_bound():
    with pytest.raises(PlanError) as caught:
        load_plan(rate_plan(DESCENDING))
    assert str(caught.value.issues[0]) == "components[0].tiers[2].from: must be greater than 500000"


def test_unknown_kind_unknown_field_and_bad_condition_are_located():
    text = """
name: t
components:
  - {id: a, kind: bonus}
  - {id: b, kind: rate, payee: owner, tiers: [{from: 0, rate: '0.01'}], colour: red}
"""
    assert issues_of(text) == [
        ("components[0].kind", "unknown_kind"),
        ("components[1].colour", "unknown_field"),
    ]
    condition = ", when: {all: [{field: segmnt, op: eq, value: big}]}"
    assert issues_of(rate_plan("[{from: 0, rate: '0.01'}]", condition)) == [
        ("components[0].when.all[0].field", "unknown_field")
    ]


def test_adjusters_must_name_existing_components():
    text = (
        rate_plan("[{from: 0, rate: '0.01'}]")
        + "  - {id: h, kind: hold_until_collected, applies_to: [nope]}\n"
    )
    assert issues_of(text) == [("components[1].applies_to[0]", "unknown_component")]


def test_syntax_errors_are_plan_errors():
    assert issues_of("name: [unclosed") == [("", "bad_syntax")]


def sample_inputs():
    deals = [
        Deal(
            1,
            "D-1",
            date(2026, 10, 3),
            120_000_000,
            owner_id=7,
            segment="big",
            lead_source_id=5,
            lead_source_kind="marketing",
            customer_kind="enterprise",
            collected_fen=60_000_000,
            is_new_customer=True,
        ),
        Deal(
            2,
            "D-2",
            date(2026, 10, 9),
            30_000_000,
            owner_id=8,
            is_repurchase=True,
            splits=(Split(8, Decimal("0.6")), Split(7, Decimal("0.4"))),
            team_lead_id=9,
        ),
    ]
    leads = [
        Lead(
            1,
            "L-1",
            owner_id=7,
            source_id=5,
            qualified_on=date(2026, 10, 1),
            converted_on=date(2026, 10, 3),
        )
    ]
    return build_inputs(
        "2026-10",
        deals=deals,
        leads=leads,
        level_rates=[LevelRate(p, date(2026, 1, 1), Decimal("0.01")) for p in (5, 7, 8, 9)],
        metrics=[MetricValue(5, "conversion_rate", 1, 4)],
        counts=[Count(7, "new_enterprise_clients", 12)],
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_plan_loads_evaluates_and_explains(path):
    plan = load_plan(path.read_text(encoding="utf-8"))
    data = sample_inputs()
    lines = both(plan, data)
    assert lines
    result = evaluate(plan, data)
    for line in lines:
        assert render(explain(result, line), "zh-Hans")
        assert render(explain(result, line), "en")


def test_there_is_an_example_for_every_seed_rule():
    assert {p.stem for p in EXAMPLES} >= {
        "pay2_tiered_commission",
        "lead_source_split",
        "lead_points_redesign",
        "big_client_repurchase",
        "client_expansion_award",
    }
