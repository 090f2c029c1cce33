"""Small builders for table tests."""

from __future__ import annotations

from typing import Any

import polars as pl

from meritline.core.money import parse_yuan
from meritline.incentives.engine import Inputs, Line, Plan, evaluate, parse_plan
from meritline.incentives.engine.inputs import SCHEMAS, make_inputs

PAY2_TIERS = [
    {"from": 0, "rate": "level_rate"},
    {"from": 500000, "rate": "0.015"},
    {"from": 1000000, "rate": "0.02"},
]


def plan_of(*components: dict[str, Any], rounding: str = "half_up") -> Plan:
    return parse_plan({"name": "test", "rounding": rounding, "components": list(components)})


def yuan(text: str) -> int:
    return parse_yuan(text)


def both(plan: Plan, data: Inputs) -> list[Line]:
    """Lines from the reference evaluator, after checking the vectorized one agrees."""
    reference = evaluate(plan, data, "reference")
    vectorized = evaluate(plan, data, "vectorized")
    assert reference.lines.equals(vectorized.lines)
    return reference.line_list()


PEOPLE_COLUMNS = {
    "deals": ["owner_id", "lead_source_id", "team_lead_id"],
    "credits": ["employee_id"],
    "leads": ["owner_id", "source_id"],
}


def scaled_ids(data: Inputs, deal_factor: int, people_factor: int) -> Inputs:
    """The same inputs with deal ids and people ids multiplied (far apart: sparse)."""
    frames = {name: getattr(data, name) for name in SCHEMAS}
    for name in ("deals", "credits", "deal_state"):
        frames[name] = frames[name].with_columns(pl.col("deal_id") * deal_factor)
    for name, frame in frames.items():
        people = PEOPLE_COLUMNS.get(name, ["employee_id"] if "employee_id" in frame.columns else [])
        frames[name] = frame.with_columns(pl.col(c) * people_factor for c in people)
    return make_inputs(data.period, **frames)
