"""The incentive engine — pure: plan documents, exact evaluation, explanations, statements.

Imports only the standard library, pydantic, polars, PyYAML and ``meritline.core``'s
money and periods. A service fetches records into :class:`Inputs`, calls
:func:`evaluate`, and persists ``Result.lines`` and :func:`statements`.
"""

from meritline.incentives.engine.errors import EngineError, InputError, Issue, PlanError
from meritline.incentives.engine.evaluate import Result, evaluate
from meritline.incentives.engine.explain import Explanation, explain, render
from meritline.incentives.engine.inputs import (
    Adjustment,
    AwardState,
    Balance,
    Count,
    Deal,
    DealState,
    Inputs,
    Lead,
    LevelRate,
    MetricValue,
    Split,
    build_inputs,
    make_inputs,
)
from meritline.incentives.engine.lines import LINE_SCHEMA, Line, LineKind
from meritline.incentives.engine.schema import Plan
from meritline.incentives.engine.statement import Statement, carry_forward, statements
from meritline.incentives.engine.validate import load_plan, parse_plan

__all__ = [
    "LINE_SCHEMA",
    "Adjustment",
    "AwardState",
    "Balance",
    "Count",
    "Deal",
    "DealState",
    "EngineError",
    "Explanation",
    "InputError",
    "Inputs",
    "Issue",
    "Lead",
    "LevelRate",
    "Line",
    "LineKind",
    "MetricValue",
    "Plan",
    "PlanError",
    "Result",
    "Split",
    "Statement",
    "build_inputs",
    "carry_forward",
    "evaluate",
    "explain",
    "load_plan",
    "make_inputs",
    "parse_plan",
    "render",
    "statements",
]
