"""The entry point: ``evaluate(plan, inputs, mode)`` → result lines, identical in both modes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import localcontext
from typing import Literal

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.components.registry import ADJUSTERS, PRIMARY
from meritline.incentives.engine.inputs import Inputs
from meritline.incentives.engine.lines import (
    LINE_SCHEMA,
    Line,
    canonical,
    conform,
    frame_lines,
    lines_frame,
)
from meritline.incentives.engine.numbers import PRECISION
from meritline.incentives.engine.schema import Plan

Mode = Literal["reference", "vectorized"]


@dataclass(frozen=True)
class Result:
    """The lines of one evaluation (``LINE_SCHEMA``), in canonical order, with what made them."""

    plan: Plan
    inputs: Inputs
    lines: pl.DataFrame

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
        frame = lines_frame(primary + adjustments)
    elif mode == "vectorized":
        empty = pl.DataFrame(schema=LINE_SCHEMA)
        first = [PRIMARY[c.kind].vectorized(c, ctx) for c in plan.components if c.kind in PRIMARY]
        primary_frame = pl.concat([empty, *first])
        rest = [
            ADJUSTERS[c.kind].vectorized(c, ctx, primary_frame)
            for c in plan.components
            if c.kind in ADJUSTERS
        ]
        frame = pl.concat([primary_frame, *rest])
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return Result(plan=plan, inputs=inputs, lines=canonical(conform(frame), order))
