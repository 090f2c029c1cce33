"""Shared documents and builders for the performance engine's tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from meritline.performance.engine import (
    ANSWERS_SCHEMA,
    EMPLOYEES_SCHEMA,
    VALUES_SCHEMA,
    BlendRules,
    CycleRules,
    parse_grades,
    parse_template,
)
from meritline.performance.engine.raters import RaterRules

STANDARD_CURVE: dict[str, Any] = {
    "kind": "linear",
    "points": [[60, 0], [100, 100], [120, 120]],
}
FOLLOW_UP_CURVE: dict[str, Any] = {
    "kind": "lower_is_better",
    "points": [[50, 120], [100, 100], [200, 0]],
}
STEPS_CURVE: dict[str, Any] = {
    "kind": "steps",
    "points": [[80, 60], [100, 100], [130, 120]],
}


def item(kpi_id: str, weight: Any, **extra: Any) -> dict[str, Any]:
    """A metric KPI item document with the standard curve, overridable."""
    doc: dict[str, Any] = {
        "id": kpi_id,
        "kind": "metric",
        "metric": "sales_amount",
        "unit": "fen",
        "target": 100_000_00,
        "curve": STANDARD_CURVE,
        "weight": weight,
    }
    doc.update(extra)
    return doc


def seed_003_template() -> dict[str, Any]:
    """PRF-6: big-client signing 30 % + retention 25 % + satisfaction 20 % + small orders 25 %."""
    return {
        "id": "rep_2026",
        "items": [
            item("big_clients", "30", metric="big_client_signing_count", unit="count", target=5),
            item("retention", "25", metric="retention", unit="ratio", target="0.8"),
            {
                "id": "satisfaction",
                "kind": "rating",
                "unit": "score",
                "target": 4,
                "curve": STANDARD_CURVE,
                "weight": "20",
            },
            item(
                "small_orders",
                "25",
                metric="small_deal_count",
                unit="count",
                target=40,
                curve=STEPS_CURVE,
            ),
        ],
    }


GRADES: dict[str, Any] = {
    "bands": [
        {"grade": "S", "min_score": 110, "coefficient": "1.5"},
        {"grade": "A", "min_score": 100, "coefficient": "1.2"},
        {"grade": "B", "min_score": 85, "coefficient": "1.0"},
        {"grade": "C", "min_score": 70, "coefficient": "0.8"},
        {"grade": "D", "min_score": 0, "coefficient": "0.5"},
    ]
}
RATERS: dict[str, Any] = {
    "weights": {"supervisor": 60, "peer": 30, "self": 10},
    "scale_min": 1,
    "scale_max": 5,
}


def cycle_rules(**raters: Any) -> CycleRules:
    """Two templates (seed 003 and a follow-up one), S–D grades, 20 % team weight."""
    follow = {
        "id": "new_platform",
        "items": [
            item("sales", 70),
            item(
                "follow_up",
                30,
                metric="avg_follow_up_days",
                unit="days",
                target=2,
                curve=FOLLOW_UP_CURVE,
            ),
        ],
    }
    return CycleRules(
        templates={
            "rep_2026": parse_template(seed_003_template()),
            "new_platform": parse_template(follow),
        },
        blend=BlendRules.parse({"team_weight": 20, "max_points": 10}),
        grades=parse_grades(GRADES),
        raters=RaterRules.parse({**RATERS, **raters}),
    )


def frames(
    employees: list[tuple[int, str, Decimal | None, Decimal | None]],
    values: list[tuple[int, str, int | None, int | None, Decimal | None]],
    answers: list[tuple[int, int, str, str, Decimal]] | None = None,
) -> dict[str, pl.DataFrame]:
    """Keyword arguments of ``score_cycle`` from plain tuples."""
    return {
        "employees": pl.DataFrame(employees, schema=EMPLOYEES_SCHEMA, orient="row"),
        "values": pl.DataFrame(values, schema=VALUES_SCHEMA, orient="row"),
        "answers": pl.DataFrame(answers or [], schema=ANSWERS_SCHEMA, orient="row"),
    }
