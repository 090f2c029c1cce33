"""Small builders for table tests."""

from __future__ import annotations

from typing import Any

from meritline.core.money import parse_yuan
from meritline.incentives.engine import Inputs, Line, Plan, evaluate, parse_plan

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
