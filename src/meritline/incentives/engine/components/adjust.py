"""Adjusters over other lines: ``cap``, ``hold_until_collected``, ``clawback_on_refund``.

Holds and clawbacks work per (target component, deal, payee) on everything earned
so far: this period's lines plus ``deal_state`` from earlier periods, so a refund of
an old deal is clawed back at the rate it originally earned.
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.lines import EARNING_KINDS, Line, LineKind
from meritline.incentives.engine.numbers import div_round, div_round_expr
from meritline.incentives.engine.schema import CapComponent, ClawbackComponent, HoldComponent

Key = tuple[str, int, int]  # target component, deal, payee
_EARNING = [kind.value for kind in EARNING_KINDS]


class CapStrategy:
    kind = "cap"

    def reference(self, comp: CapComponent, ctx: Context, primary: list[Line]) -> list[Line]:
        """One ``cap_cut`` per payee whose period total of the targets exceeds ``max``."""
        totals: dict[int, int] = defaultdict(int)
        for line in primary:
            if line.component_id in comp.applies_to:
                totals[line.payee_id] += line.amount_fen
        return [
            _cut(comp, payee, total) for payee, total in sorted(totals.items()) if total > comp.max
        ]

    def vectorized(self, comp: CapComponent, ctx: Context, primary: pl.DataFrame) -> pl.LazyFrame:
        totals = (
            primary.lazy()
            .filter(pl.col("component_id").is_in(comp.applies_to))
            .group_by("payee_id")
            .agg(pl.col("amount_fen").sum().alias("base_fen"))
            .filter(pl.col("base_fen") > comp.max)
        )
        return totals.with_columns(
            pl.lit(LineKind.CAP_CUT.value).alias("line_kind"),
            pl.lit("payee").alias("source"),
            (comp.max - pl.col("base_fen")).alias("amount_fen"),
            (comp.max - pl.col("base_fen")).alias("gross_fen"),
            pl.lit(comp.max).alias("total_fen"),
        )


def _cut(comp: CapComponent, payee: int, total: int) -> Line:
    return Line(
        payee_id=payee,
        component_id=comp.id,
        line_kind=LineKind.CAP_CUT.value,
        source="payee",
        source_id=None,
        source_label=None,
        base_fen=total,
        amount_fen=comp.max - total,
        gross_fen=comp.max - total,
        total_fen=comp.max,
    )


def _earned_reference(
    targets: list[str], ctx: Context, primary: list[Line]
) -> dict[Key, tuple[int, int, int, int]]:
    """(this period, earned before, released before, clawed back before) per key."""
    now: dict[Key, int] = defaultdict(int)
    for line in primary:
        if line.component_id in targets and line.line_kind in _EARNING and line.source_id:
            now[(line.component_id, line.source_id, line.payee_id)] += line.amount_fen
    prior: dict[Key, tuple[int, int, int]] = {}
    for row in ctx.inputs.deal_state.iter_rows(named=True):
        if row["component_id"] in targets:
            key = (row["component_id"], row["deal_id"], row["employee_id"])
            earned, released, clawed = prior.get(key, (0, 0, 0))
            prior[key] = (
                earned + row["earned_fen"],
                released + row["released_fen"],
                clawed + row["clawed_back_fen"],
            )
    return {
        key: (now.get(key, 0), *prior.get(key, (0, 0, 0)))
        for key in sorted(set(now) | set(prior))
        if key[1] in ctx.deals_by_id
    }


def _earned_vectorized(
    targets: list[str], ctx: Context, primary: pl.DataFrame, only: pl.Expr | None = None
) -> pl.LazyFrame:
    """Per (target, deal, payee): earned now and before, released and clawed back before,
    with the deal's figures; only deals in the inputs (as the reference's ``deals_by_id``).

    ``only`` (a condition on the deals frame) keeps the deals that can give a line, plus
    every deal with recorded state.
    """
    keys = ["target_id", "deal_id", "payee_id"]
    state = ctx.inputs.deal_state.filter(pl.col("component_id").is_in(targets))
    lines = primary.lazy().filter(
        pl.col("component_id").is_in(targets)
        & pl.col("line_kind").is_in(_EARNING)
        & pl.col("source_id").is_not_null()
    )
    if only is not None:
        wanted = pl.concat(
            [ctx.inputs.deals.filter(only).select("deal_id"), state.select("deal_id")]
        )
        lines = lines.join(
            wanted.lazy().unique(), left_on="source_id", right_on="deal_id", how="semi"
        )
    now = lines.group_by(
        "payee_id",
        pl.col("component_id").alias("target_id"),
        pl.col("source_id").alias("deal_id"),
    ).agg(pl.col("amount_fen").sum().alias("_now"))
    if state.height:
        prior = (
            state.lazy()
            .group_by(
                pl.col("component_id").cast(ctx.schema["target_id"]).alias("target_id"),
                "deal_id",
                pl.col("employee_id").alias("payee_id"),
            )
            .agg(
                pl.col("earned_fen").sum().alias("_earned"),
                pl.col("released_fen").sum().alias("_released"),
                pl.col("clawed_back_fen").sum().alias("_clawed"),
            )
        )
        both = now.join(prior, on=keys, how="full", coalesce=True).with_columns(
            pl.col("_now", "_earned", "_released", "_clawed").fill_null(0)
        )
    else:
        zero = pl.lit(0, dtype=pl.Int64())
        both = now.with_columns(
            zero.alias("_earned"), zero.alias("_released"), zero.alias("_clawed")
        )
    deals = ctx.inputs.deals.lazy().select(
        "deal_id", "number", "amount_fen", "collected_fen", "refunded_fen"
    )
    return both.join(deals, on="deal_id").with_columns(
        (pl.col("_now") + pl.col("_earned")).alias("_total")
    )


def _deal_line(
    comp_id: str, key: Key, label: str, kind: LineKind, base: int, total: int, amount: int
) -> Line:
    return Line(
        payee_id=key[2],
        component_id=comp_id,
        line_kind=kind.value,
        source="deal",
        source_id=key[1],
        source_label=label,
        base_fen=base,
        amount_fen=amount,
        gross_fen=amount,
        total_fen=total,
        target_id=key[0],
    )


def _deal_lines(
    frame: pl.LazyFrame, kind: LineKind, amount: pl.Expr, base: pl.Expr
) -> pl.LazyFrame:
    return (
        frame.with_columns(amount.alias("_amount"), base.alias("_base"))
        .filter(pl.col("_amount") != 0)
        .select(
            "payee_id",
            pl.lit(kind.value).alias("line_kind"),
            pl.lit("deal").alias("source"),
            pl.col("deal_id").alias("source_id"),
            pl.col("number").alias("source_label"),
            pl.col("_base").alias("base_fen"),
            pl.col("_amount").alias("amount_fen"),
            pl.col("_amount").alias("gross_fen"),
            pl.col("_total").alias("total_fen"),
            "target_id",
        )
    )


def _share_expr(part: str, ctx: Context) -> pl.Expr:
    """round(total × min(part, amount) / amount); the whole total when the amount is 0."""
    capped = pl.min_horizontal(pl.col(part), pl.col("amount_fen")).cast(pl.Int128)
    ratio = div_round_expr(
        pl.col("_total").cast(pl.Int128) * capped,
        pl.when(pl.col("amount_fen") > 0).then(pl.col("amount_fen")).otherwise(1),
        ctx.rounding,
    )
    return ratio.cast(pl.Int64())


class HoldStrategy:
    kind = "hold_until_collected"

    def reference(self, comp: HoldComponent, ctx: Context, primary: list[Line]) -> list[Line]:
        """Hold what the targets earn; release it in proportion to the deal's collections."""
        lines = []
        for key, (now, earned, released, _) in _earned_reference(
            comp.applies_to, ctx, primary
        ).items():
            deal = ctx.deals_by_id[key[1]]
            total = now + earned
            amount = deal["amount_fen"]
            collected = min(deal["collected_fen"], amount)
            releasable = div_round(total * collected, amount, ctx.rounding) if amount else total
            if now:
                lines.append(
                    _deal_line(comp.id, key, deal["number"], LineKind.HELD, amount, total, -now)
                )
            if releasable != released:
                lines.append(
                    _deal_line(
                        comp.id,
                        key,
                        deal["number"],
                        LineKind.RELEASED,
                        collected,
                        total,
                        releasable - released,
                    )
                )
        return lines

    def vectorized(self, comp: HoldComponent, ctx: Context, primary: pl.DataFrame) -> pl.LazyFrame:
        frame = _earned_vectorized(comp.applies_to, ctx, primary)
        releasable = (
            pl.when(pl.col("amount_fen") > 0)
            .then(_share_expr("collected_fen", ctx))
            .otherwise(pl.col("_total"))
        )
        held = _deal_lines(frame, LineKind.HELD, -pl.col("_now"), pl.col("amount_fen"))
        released = _deal_lines(
            frame,
            LineKind.RELEASED,
            releasable - pl.col("_released"),
            pl.min_horizontal("collected_fen", "amount_fen"),
        )
        return pl.concat([held, released])


class ClawbackStrategy:
    kind = "clawback_on_refund"

    def reference(self, comp: ClawbackComponent, ctx: Context, primary: list[Line]) -> list[Line]:
        """Claw back the targets' earnings on a deal in proportion to its refunds."""
        lines = []
        for key, (now, earned, _, clawed) in _earned_reference(
            comp.applies_to, ctx, primary
        ).items():
            deal = ctx.deals_by_id[key[1]]
            total = now + earned
            amount = deal["amount_fen"]
            refunded = min(deal["refunded_fen"], amount)
            due = div_round(total * refunded, amount, ctx.rounding) if amount else 0
            if due != clawed:
                lines.append(
                    _deal_line(
                        comp.id,
                        key,
                        deal["number"],
                        LineKind.CLAWBACK,
                        refunded,
                        total,
                        clawed - due,
                    )
                )
        return lines

    def vectorized(
        self, comp: ClawbackComponent, ctx: Context, primary: pl.DataFrame
    ) -> pl.LazyFrame:
        frame = _earned_vectorized(comp.applies_to, ctx, primary, only=pl.col("refunded_fen") > 0)
        due = pl.when(pl.col("amount_fen") > 0).then(_share_expr("refunded_fen", ctx)).otherwise(0)
        return _deal_lines(
            frame,
            LineKind.CLAWBACK,
            pl.col("_clawed") - due,
            pl.min_horizontal("refunded_fen", "amount_fen"),
        )
