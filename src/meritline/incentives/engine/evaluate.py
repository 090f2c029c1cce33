"""The entry point: ``evaluate(plan, inputs, mode)`` → result lines, identical in both modes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import localcontext
from functools import cached_property
from typing import Literal

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.components.registry import ADJUSTERS, PRIMARY
from meritline.incentives.engine.inputs import Inputs
from meritline.incentives.engine.lines import (
    Line,
    canonical,
    conform_exprs,
    frame_lines,
    lines_frame,
    sort_lines,
)
from meritline.incentives.engine.numbers import PRECISION
from meritline.incentives.engine.schema import (
    CapComponent,
    ClawbackComponent,
    HoldComponent,
    Plan,
)

Mode = Literal["reference", "vectorized"]


@dataclass(frozen=True)
class Result:
    """The lines of one evaluation (``LINE_SCHEMA``), in canonical order, with what made them."""

    plan: Plan
    inputs: Inputs
    lines: pl.DataFrame

    @cached_property
    def context(self) -> Context:
        """Lookups over the inputs (level rates, adjustments, metrics, deals) for explaining."""
        return Context(self.plan, self.inputs)

    def line_list(self) -> list[Line]:
        return frame_lines(self.lines)

    def totals(self) -> dict[int, int]:
        """Net amount per payee (fen), before any carried balance."""
        grouped = self.lines.group_by("payee_id").agg(pl.col("amount_fen").sum())
        return dict(
            zip(grouped["payee_id"].to_list(), grouped["amount_fen"].to_list(), strict=True)
        )


def evaluate(plan: Plan, inputs: Inputs, mode: Mode = "vectorized") -> Result:
    """Compute every component of ``plan`` over ``inputs`` for ``inputs.period``.

    ``reference`` goes row by row in Decimal (the oracle and the explainer);
    ``vectorized`` runs polars expressions over whole frames. Both return the same
    lines in the same order. Raises ``InputError`` when inputs are missing (e.g. a
    level rate for a payee on a deal's signing date).
    """
    ctx = Context(plan, inputs)
    order = [comp.id for comp in plan.components]
    if mode == "reference":
        with localcontext() as decimal_context:
            decimal_context.prec = PRECISION
            primary: list[Line] = []
            for comp in plan.components:
                if comp.kind in PRIMARY:
                    primary += PRIMARY[comp.kind].reference(comp, ctx)
            adjustments: list[Line] = []
            for comp in plan.components:
                if comp.kind in ADJUSTERS:
                    adjustments += ADJUSTERS[comp.kind].reference(comp, ctx, primary)
        frame = canonical(lines_frame(primary + adjustments), order)
    elif mode == "vectorized":
        frame = _vectorized(plan, ctx)
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return Result(plan=plan, inputs=inputs, lines=frame)


def _vectorized(plan: Plan, ctx: Context) -> pl.DataFrame:
    """Each component's lines as one frame sorted in canonical order within it; their
    concatenation in plan order is the canonical order, with no sort over the whole."""
    schema = ctx.schema
    parts: dict[str, pl.DataFrame] = {}
    for comp in plan.components:
        if comp.kind in PRIMARY:
            parts[comp.id] = _finish(PRIMARY[comp.kind].vectorized(comp, ctx), comp.id, schema)
    for comp in plan.components:
        if isinstance(comp, CapComponent | HoldComponent | ClawbackComponent):
            targets = [parts[t] for t in comp.applies_to if t in parts]
            primary = pl.concat(targets, rechunk=False) if targets else pl.DataFrame(schema=schema)
            parts[comp.id] = _finish(
                ADJUSTERS[comp.kind].vectorized(comp, ctx, primary), comp.id, schema
            )
    ordered = [parts[comp.id] for comp in plan.components]
    return pl.concat(ordered, rechunk=False) if ordered else pl.DataFrame(schema=schema)


def _finish(
    frame: pl.DataFrame | pl.LazyFrame, component_id: str, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    lazy = frame.lazy().with_columns(pl.lit(component_id).alias("component_id"))
    present = lazy.collect_schema().names()
    return sort_lines(lazy.select(conform_exprs(present, schema)).collect())
