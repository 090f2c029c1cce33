"""``points`` per qualifying record, a bonus when a lead converts, optional money per point."""

from __future__ import annotations

from typing import Any

import polars as pl

from meritline.incentives.engine.components.common import (
    LEAD_ROLE_COLUMNS,
    ROLE_COLUMNS,
    Context,
    gate_reference,
    gate_vectorized,
    role_expr,
    role_payee,
)
from meritline.incentives.engine.lines import Line, LineKind
from meritline.incentives.engine.schema import PointsComponent, Role
from meritline.incentives.engine.validate import condition


class PointsStrategy:
    kind = "points"

    def reference(self, comp: PointsComponent, ctx: Context) -> list[Line]:
        """A lead earns ``points`` when qualified in the period and ``converted_bonus`` when
        converted in it; a deal earns ``points`` when signed in the period (each credited
        person the full points when the payee is ``credited``)."""
        when = condition(comp.when, comp.records)
        per_point = comp.yuan_per_point or 0
        events: list[tuple[int, LineKind, int, str, dict[str, Any]]] = []
        if comp.records == "leads":
            for lead in ctx.inputs.leads.iter_rows(named=True):
                payee = role_payee(comp.payee, comp.employee_id, lead, LEAD_ROLE_COLUMNS)
                if payee is None or not when.test(lead.get):
                    continue
                if ctx.in_period(lead["qualified_on"]):
                    events.append((payee, LineKind.POINTS, comp.points, "lead", lead))
                if comp.converted_bonus and ctx.in_period(lead["converted_on"]):
                    events.append(
                        (payee, LineKind.POINTS_BONUS, comp.converted_bonus, "lead", lead)
                    )
        else:
            for deal in ctx.deals:
                if not ctx.in_period(deal["signed_on"]) or not when.test(deal.get):
                    continue
                if comp.payee is Role.CREDITED:
                    payees = [person for person, _ in ctx.credits[deal["deal_id"]]]
                else:
                    payee = role_payee(comp.payee, comp.employee_id, deal, ROLE_COLUMNS)
                    payees = [] if payee is None else [payee]
                events += [(p, LineKind.POINTS, comp.points, "deal", deal) for p in payees]
        lines = [
            Line(
                payee_id=payee,
                component_id=comp.id,
                line_kind=kind.value,
                source=source,
                source_id=record[f"{source}_id"],
                source_label=record["number"],
                base_fen=0,
                amount_fen=points * per_point,
                gross_fen=points * per_point,
                quantity=points,
            )
            for payee, kind, points, source, record in events
        ]
        return gate_reference(comp.gate, lines, ctx)

    def vectorized(self, comp: PointsComponent, ctx: Context) -> pl.LazyFrame:
        when = condition(comp.when, comp.records).expr()
        if comp.records == "leads":
            leads = (
                ctx.inputs.leads.lazy()
                .filter(when)
                .with_columns(
                    role_expr(comp.payee, comp.employee_id, LEAD_ROLE_COLUMNS).alias("payee_id")
                )
            )
            leads = leads.filter(pl.col("payee_id").is_not_null())
            frames = [self._lines(leads, "lead", LineKind.POINTS, comp.points, "qualified_on", ctx)]
            if comp.converted_bonus:
                frames.append(
                    self._lines(
                        leads,
                        "lead",
                        LineKind.POINTS_BONUS,
                        comp.converted_bonus,
                        "converted_on",
                        ctx,
                    )
                )
            lines = pl.concat(frames)
        else:
            deals = ctx.inputs.deals.lazy().filter(when)
            if comp.payee is Role.CREDITED:
                deals = deals.join(
                    ctx.inputs.credits.lazy().select(
                        "deal_id", pl.col("employee_id").alias("payee_id")
                    ),
                    on="deal_id",
                )
            else:
                deals = deals.with_columns(
                    role_expr(comp.payee, comp.employee_id, ROLE_COLUMNS).alias("payee_id")
                ).filter(pl.col("payee_id").is_not_null())
            lines = self._lines(deals, "deal", LineKind.POINTS, comp.points, "signed_on", ctx)
        per_point = comp.yuan_per_point or 0
        lines = lines.with_columns(
            (pl.col("quantity") * per_point).alias("amount_fen"),
            (pl.col("quantity") * per_point).alias("gross_fen"),
            pl.lit(0).alias("base_fen"),
        )
        return gate_vectorized(comp.gate, lines, ctx)

    @staticmethod
    def _lines(
        frame: pl.LazyFrame, source: str, kind: LineKind, points: int, day: str, ctx: Context
    ) -> pl.LazyFrame:
        return frame.filter(ctx.in_period_expr(day)).select(
            "payee_id",
            pl.lit(kind.value).alias("line_kind"),
            pl.lit(source).alias("source"),
            pl.col(f"{source}_id").alias("source_id"),
            pl.col("number").alias("source_label"),
            pl.lit(points, dtype=pl.Int64()).alias("quantity"),
        )
