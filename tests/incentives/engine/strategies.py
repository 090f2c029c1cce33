"""Hypothesis strategies: random valid plans (as documents) and small random inputs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from meritline.incentives.engine import (
    AwardState,
    Count,
    Deal,
    DealState,
    Inputs,
    Lead,
    LevelRate,
    MetricValue,
    Split,
    build_inputs,
)
from meritline.incentives.engine.inputs import Adjustment

PEOPLE = [1, 2, 3, 4]
PERIOD = "2026-10"
START = date(2026, 9, 20)
days = st.integers(0, 50).map(lambda n: START + timedelta(days=n))
rates = st.integers(0, 3000).map(lambda n: str(Decimal(n) / 100000))
condition = st.sampled_from(
    [
        {"field": "segment", "op": "eq", "value": "big"},
        {"field": "is_repurchase", "op": "is_true"},
        {"field": "amount", "op": "gte", "value": 3000},
        {
            "any": [
                {"field": "platform", "op": "in", "value": ["tmall"]},
                {"field": "is_new_customer", "op": "is_false"},
            ]
        },
    ]
)


@st.composite
def rate_component(draw: st.DrawFn, cid: str) -> dict[str, Any]:
    bounds = sorted(draw(st.sets(st.integers(1, 9000), max_size=3)))
    tiers = [{"from": 0, "rate": draw(rates | st.just("level_rate"))}]
    tiers += [{"from": b, "rate": draw(rates | st.just("level_rate"))} for b in bounds]
    mods = []
    for index in range(draw(st.integers(0, 3))):
        mod: dict[str, Any] = {"id": f"m{index}", "when": draw(condition)}
        if draw(st.booleans()):
            mod["multiply"] = str(Decimal(draw(st.integers(0, 30000))) / 10000)
        else:
            mod["add"] = str(Decimal(draw(st.integers(-5000, 5000))) / 100000)
            mod["of"] = draw(st.sampled_from(["amount", "collected"]))
        mods.append(mod)
    comp = {
        "id": cid,
        "kind": "rate",
        "payee": draw(st.sampled_from(["owner", "credited", "lead_source", "team_lead"])),
        "tiers": tiers,
        "mode": draw(st.sampled_from(["whole", "marginal"])),
        "bracket": draw(st.sampled_from(["per_deal", "cumulative"])),
        "payee_adjustment": draw(st.booleans()),
        "modifiers": mods[:3],
    }
    if draw(st.booleans()):
        comp["when"] = draw(condition)
    if draw(st.integers(0, 3)) == 0:
        comp["gate"] = {"metric": "conversion_rate", "min": "0.2"}
    return comp


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    components: list[dict[str, Any]] = [draw(rate_component("c0")), draw(rate_component("c1"))]
    components.append(
        {
            "id": "pts",
            "kind": "points",
            "payee": draw(st.sampled_from(["lead_source", "owner"])),
            "points": draw(st.integers(0, 20)),
            "converted_bonus": draw(st.integers(0, 50)),
            "yuan_per_point": draw(st.sampled_from([None, "0.37", 20])),
        }
    )
    components.append(
        {"id": "aw", "kind": "award", "count": "new_clients", "block": 3, "amount": 50}
    )
    capped = draw(st.sampled_from([["c1", "aw"], ["c0"], ["c0", "c1", "aw"], ["c1", "c0", "pts"]]))
    held = draw(st.sampled_from([["c0"], ["c0", "c1"], ["c1"]]))
    components.append(
        {"id": "cap", "kind": "cap", "applies_to": capped, "max": draw(st.integers(0, 300))}
    )
    components.append({"id": "hold", "kind": "hold_until_collected", "applies_to": held})
    components.append({"id": "claw", "kind": "clawback_on_refund", "applies_to": ["c0", "c1"]})
    rounding = draw(st.sampled_from(["half_up", "half_even"]))
    for c in components:
        if c.get("yuan_per_point") is None:
            c.pop("yuan_per_point", None)
    # the order of components in the document must not matter
    components = draw(st.permutations(components))
    return {"name": "random", "rounding": rounding, "components": components}


@st.composite
def splits(draw: st.DrawFn, owner: int) -> tuple[Split, ...]:
    people = draw(st.lists(st.sampled_from(PEOPLE), min_size=0, max_size=3, unique=True))
    if not people:
        return ()
    cuts = sorted(
        draw(st.lists(st.integers(1, 999_999), min_size=len(people) - 1, max_size=len(people) - 1))
    )
    edges = [0, *cuts, 1_000_000]
    return tuple(
        Split(p, Decimal(edges[i + 1] - edges[i]) / 1_000_000) for i, p in enumerate(people)
    )


@st.composite
def inputs(draw: st.DrawFn) -> Inputs:
    deals = []
    for deal_id in range(1, draw(st.integers(0, 8)) + 1):
        owner = draw(st.sampled_from(PEOPLE))
        amount = draw(st.integers(0, 12_000))
        collected = draw(st.integers(0, amount + 10))
        deals.append(
            Deal(
                deal_id=deal_id,
                number=f"D-{deal_id}",
                signed_on=draw(days),
                amount_fen=amount,
                owner_id=owner,
                collected_fen=collected,
                refunded_fen=draw(st.integers(0, collected)),
                segment=draw(st.sampled_from(["big", "small"])),
                is_repurchase=draw(st.booleans()),
                is_new_customer=draw(st.booleans()),
                platform=draw(st.sampled_from(["tmall", "jd"])),
                lead_source_id=draw(st.none() | st.sampled_from(PEOPLE)),
                team_lead_id=draw(st.none() | st.just(9)),
                splits=draw(splits(owner)),
            )
        )
    leads = [
        Lead(
            lead_id=i,
            number=f"L-{i}",
            owner_id=draw(st.sampled_from(PEOPLE)),
            source_id=draw(st.none() | st.sampled_from(PEOPLE)),
            qualified_on=draw(st.none() | days),
            converted_on=draw(st.none() | days),
        )
        for i in range(1, draw(st.integers(0, 5)) + 1)
    ]
    everyone = [*PEOPLE, 9]
    levels = [
        LevelRate(p, date(2026, 1, 1), Decimal(draw(st.integers(0, 3000))) / 100000)
        for p in everyone
    ]
    levels += [
        LevelRate(p, draw(days), Decimal(draw(st.integers(0, 3000))) / 100000)
        for p in draw(st.lists(st.sampled_from(everyone), max_size=3, unique=True))
    ]
    return build_inputs(
        PERIOD,
        deals=deals,
        leads=leads,
        level_rates=levels,
        adjustments=[
            Adjustment(p, Decimal(draw(st.integers(-1000, 500))) / 100000) for p in PEOPLE[:2]
        ],
        metrics=[
            MetricValue(p, "conversion_rate", draw(st.integers(0, 5)), draw(st.integers(0, 10)))
            for p in PEOPLE[:3]
        ],
        counts=[Count(p, "new_clients", draw(st.integers(0, 10))) for p in PEOPLE[:3]],
        award_state=[AwardState("aw", p, draw(st.integers(0, 3))) for p in PEOPLE[1:]],
        deal_state=[
            DealState(
                target,
                d.deal_id,
                d.owner_id,
                draw(st.integers(0, 500)),
                draw(st.integers(0, 100)),
            )
            for d in deals[:2]
            for target in draw(st.sampled_from([["c0"], ["c1"], ["c0", "c1"]]))
        ],
    )
