"""The entry point: ``evaluate(plan, inputs, mode)`` → result lines, identical in both modes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import localcontext
from functools import cached_property
from itertools import chain
from typing import Literal

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.components.registry import ADJUSTERS, PRIMARY
from meritline.incentives.engine.inputs import Inputs
from meritline.incentives.engine.lines import (
    Line,
    LineKind,
    canonical,
    conform_exprs,
    frame_lines,
    line_schema,
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
    """The lines of one evaluation (``LINE_SCHEMA``), in canonical order, with what made them.

    ``parts`` holds the lines as the evaluator made them — one frame per component in
    plan order (vectorized) or a single frame (reference) — whose concatenation is the
    canonical order. Each part keeps the columns its component never fills as constant
    nulls, which take no memory until the parts are concatenated: ``lines`` does that
    once, when a caller asks for the single frame; :meth:`frame` concatenates only the
    columns a caller needs.
    """

    plan: Plan
    inputs: Inputs
    parts: tuple[pl.DataFrame, ...]

    @cached_property
    def lines(self) -> pl.DataFrame:
        """Every line as one frame (built on first use and kept)."""
        return self.frame()

    @property
    def height(self) -> int:
        """Number of lines."""
        return sum(part.height for part in self.parts)

    def frame(self, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """The lines with only ``columns`` (all when None), in canonical order."""
        whole: pl.DataFrame | None = self.__dict__.get("lines")
        if whole is None and not self.parts:
            whole = pl.DataFrame(schema=line_schema([c.id for c in self.plan.components]))
        if whole is not None:
            return whole if columns is None else whole.select(columns)
        parts = self.parts if columns is None else [p.select(columns) for p in self.parts]
        return parts[0] if len(parts) == 1 else pl.concat(parts, rechunk=False)

    @cached_property
    def context(self) -> Context:
        """Lookups over the inputs (level rates, adjustments, metrics, deals) for explaining."""
        return Context(self.plan, self.inputs)

    @cached_property
    def held_and_released(self) -> dict[tuple[int, str, str], int]:
        """Fen per (payee, target component, ``held`` or ``released``): what a cap counted
        besides its targets' own lines, for explaining its cut (built on first use)."""
        kinds = [LineKind.HELD.value, LineKind.RELEASED.value]
        grouped = (
            self.frame(["payee_id", "line_kind", "target_id", "amount_fen"])
            .filter(pl.col("line_kind").is_in(kinds))
            .group_by("payee_id", "target_id", "line_kind")
            .agg(pl.col("amount_fen").sum())
        )
        return {(row[0], str(row[1]), str(row[2])): row[3] for row in grouped.iter_rows()}

    def line_list(self) -> list[Line]:
        return frame_lines(self.lines)

    def totals(self) -> dict[int, int]:
        """Net amount per payee (fen), before any carried balance."""
        grouped = (
            self.frame(["payee_id", "amount_fen"])
            .group_by("payee_id")
            .agg(pl.col("amount_fen").sum())
        )
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
            made: dict[str, list[Line]] = {}
            for adjuster in _adjusters(plan):
                others = [made[i] for i in seen_by(plan, adjuster)]
                seen = list(chain(primary, *others)) if others else primary
                made[adjuster.id] = ADJUSTERS[adjuster.kind].reference(adjuster, ctx, seen)
        lines = chain(primary, *made.values())
        parts: tuple[pl.DataFrame, ...] = (canonical(lines_frame(lines), order),)
    elif mode == "vectorized":
        parts = _vectorized(plan, ctx)
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return Result(plan=plan, inputs=inputs, parts=parts)


Adjuster = CapComponent | HoldComponent | ClawbackComponent


def _adjusters(plan: Plan) -> list[Adjuster]:
    """The plan's adjusters in the order they run: those whose strategy ``sees`` other
    adjusters' lines (a cap counts its targets' holds) after the rest; otherwise in plan
    order. The order of components in the document never changes a result."""
    found = [comp for comp in plan.components if isinstance(comp, Adjuster)]
    return sorted(found, key=lambda comp: bool(getattr(ADJUSTERS[comp.kind], "sees", ())))


def seen_by(plan: Plan, adjuster: Adjuster) -> list[str]:
    """The components whose lines ``adjuster`` counts besides its targets': adjusters of
    a kind its strategy ``sees`` on one of its targets."""
    kinds = getattr(ADJUSTERS[adjuster.kind], "sees", ())
    return [
        comp.id
        for comp in plan.components
        if isinstance(comp, Adjuster)
        and comp.kind in kinds
        and set(comp.applies_to) & set(adjuster.applies_to)
    ]


def _vectorized(plan: Plan, ctx: Context) -> tuple[pl.DataFrame, ...]:
    """Each component's lines as one frame sorted in canonical order within it; their
    concatenation in plan order is the canonical order, with no sort over the whole."""
    schema = ctx.schema
    parts: dict[str, pl.DataFrame] = {}
    for comp in plan.components:
        if comp.kind in PRIMARY:
            strategy = PRIMARY[comp.kind]
            lines = strategy.vectorized(comp, ctx)
            parts[comp.id] = _finish(lines, comp.id, schema, getattr(strategy, "in_order", False))
    for adjuster in _adjusters(plan):
        sources = [*adjuster.applies_to, *seen_by(plan, adjuster)]
        targets = [parts[t] for t in sources if t in parts]
        primary = pl.concat(targets, rechunk=False) if targets else pl.DataFrame(schema=schema)
        strategy = ADJUSTERS[adjuster.kind]
        lines = strategy.vectorized(adjuster, ctx, primary)
        in_order = getattr(strategy, "in_order", False)
        parts[adjuster.id] = _finish(lines, adjuster.id, schema, in_order)
    return tuple(parts[comp.id] for comp in plan.components)


def _finish(
    frame: pl.DataFrame | pl.LazyFrame,
    component_id: str,
    schema: dict[str, pl.DataType],
    in_order: bool = False,
) -> pl.DataFrame:
    """A component's lines as ``schema``, in canonical order (sorted unless ``in_order``)."""
    component = pl.lit(component_id, dtype=schema["component_id"])  # one byte a line
    lazy = frame.lazy().with_columns(component.alias("component_id"))
    present = lazy.collect_schema().names()
    lines = lazy.select(conform_exprs(present, schema)).collect()
    return lines if in_order else sort_lines(lines)
