"""``award`` per block of a count (5,000 per 10 new enterprise clients), clawed back on a fall."""

from __future__ import annotations

import polars as pl

from meritline.incentives.engine.components.common import (
    Context,
    gate_reference,
    gate_vectorized,
)
from meritline.incentives.engine.lines import Line, LineKind
from meritline.incentives.engine.schema import AwardComponent


class AwardStrategy:
    kind = "award"

    def reference(self, comp: AwardComponent, ctx: Context) -> list[Line]:
        """Blocks reached now (count // block) minus blocks already awarded, times the amount.

        The count is whatever the service measured for the award's horizon (e.g. new
        enterprise clients this year); a payee awarded before but absent now counts 0.
        """
        counts = {
            row["employee_id"]: row["value"]
            for row in ctx.inputs.counts.filter(pl.col("name") == comp.count).iter_rows(named=True)
        }
        before = {
            row["employee_id"]: row["blocks"]
            for row in ctx.inputs.award_state.filter(pl.col("component_id") == comp.id).iter_rows(
                named=True
            )
        }
        lines = []
        for payee in sorted(set(counts) | set(before)):
            value = counts.get(payee, 0)
            delta = max(value, 0) // comp.block - before.get(payee, 0)
            if delta == 0:
                continue
            kind = LineKind.AWARD if delta > 0 else LineKind.AWARD_CLAWBACK
            lines.append(
                Line(
                    payee_id=payee,
                    component_id=comp.id,
                    line_kind=kind.value,
                    source="count",
                    source_id=None,
                    source_label=comp.count,
                    base_fen=0,
                    amount_fen=delta * comp.amount,
                    gross_fen=delta * comp.amount,
                    quantity=value,
                )
            )
        return gate_reference(comp.gate, lines, ctx)

    def vectorized(self, comp: AwardComponent, ctx: Context) -> pl.LazyFrame:
        counts = (
            ctx.inputs.counts.lazy()
            .filter(pl.col("name") == comp.count)
            .select(pl.col("employee_id").alias("payee_id"), pl.col("value"))
        )
        before = (
            ctx.inputs.award_state.lazy()
            .filter(pl.col("component_id") == comp.id)
            .select(pl.col("employee_id").alias("payee_id"), "blocks")
        )
        delta = pl.col("value").fill_null(0).clip(lower_bound=0) // comp.block - pl.col(
            "blocks"
        ).fill_null(0)
        lines = (
            counts.join(before, on="payee_id", how="full", coalesce=True)
            .with_columns((delta * comp.amount).alias("amount_fen"))
            .filter(pl.col("amount_fen") != 0)
            .select(
                "payee_id",
                pl.when(pl.col("amount_fen") > 0)
                .then(pl.lit(LineKind.AWARD.value))
                .otherwise(pl.lit(LineKind.AWARD_CLAWBACK.value))
                .alias("line_kind"),
                pl.lit("count").alias("source"),
                pl.lit(comp.count).alias("source_label"),
                pl.lit(0).alias("base_fen"),
                "amount_fen",
                pl.col("amount_fen").alias("gross_fen"),
                pl.col("value").fill_null(0).alias("quantity"),
            )
        )
        return gate_vectorized(comp.gate, lines, ctx)
