"""Adjusters over other lines: ``cap``, ``hold_until_collected``, ``clawback_on_refund``.

Holds and clawbacks work per (target component, deal, payee) on everything earned
so far: this period's lines plus ``deal_state`` from earlier periods, so a refund of
an old deal is clawed back at the rate it originally earned.

A cap limits what is paid in the period: it runs after the holds and sees their
``held`` and ``released`` lines on its targets (see :data:`CAP_SEES`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.lines import (
    EARNING_KINDS,
    Line,
    LineKind,
    in_order,
    packed_order,
    sort_lines,
)
from meritline.incentives.engine.numbers import div_round, div_round_expr
from meritline.incentives.engine.schema import CapComponent, ClawbackComponent, HoldComponent

Key = tuple[str, int, int]  # target component, deal, payee
_EARNING = [kind.value for kind in EARNING_KINDS]


# the lines of hold components a cap counts, by their ``target_id``
CAP_SEES: Final = (LineKind.HELD.value, LineKind.RELEASED.value)


class CapStrategy:
    """``lines`` are the targets' own lines plus the lines of the holds on them."""

    kind = "cap"
    sees = ("hold_until_collected",)  # runs after these and counts their lines (CAP_SEES)

    def reference(self, comp: CapComponent, ctx: Context, lines: Iterable[Line]) -> list[Line]:
        """One ``cap_cut`` per payee whose pay from the targets this period — earned,
        less held, plus released — exceeds ``max``."""
        totals: dict[int, int] = defaultdict(int)
        for line in lines:
            if line.component_id in comp.applies_to or (
                line.line_kind in CAP_SEES and line.target_id in comp.applies_to
            ):
                totals[line.payee_id] += line.amount_fen
        return [
            _cut(comp, payee, total) for payee, total in sorted(totals.items()) if total > comp.max
        ]

    def vectorized(self, comp: CapComponent, ctx: Context, lines: pl.DataFrame) -> pl.LazyFrame:
        counted = pl.col("component_id").is_in(comp.applies_to) | (
            pl.col("line_kind").is_in(CAP_SEES) & pl.col("target_id").is_in(comp.applies_to)
        )
        totals = (
            lines.lazy()
            .filter(counted)
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
) -> pl.DataFrame:
    """Per (target, deal, payee): earned now and before, released and clawed back before,
    with the deal's figures; only deals in the inputs (as the reference's ``deals_by_id``).
    In the order of the lines (payee, target, deal).

    ``only`` (a condition on the deals frame) keeps the deals that can give a line, plus
    every deal with recorded state.
    """
    keys = ["payee_id", "target_id", "deal_id"]
    state = ctx.inputs.deal_state.filter(pl.col("component_id").is_in(targets))
    lines = primary.filter(
        pl.col("component_id").is_in(targets)
        & pl.col("line_kind").is_in(_EARNING)
        & pl.col("source_id").is_not_null()
    ).select(
        "payee_id",
        pl.col("component_id").alias("target_id"),
        pl.col("source_id").alias("deal_id"),
        pl.col("amount_fen").alias("_amount"),
        # a rate line's base and label are its deal's amount and number
        pl.col("base_fen").alias("amount_fen"),
        pl.col("source_label").alias("number"),
    )
    if only is not None:
        wanted = pl.concat(
            [ctx.inputs.deals.filter(only).select("deal_id"), state.select("deal_id")]
        )
        lines = lines.filter(pl.col("deal_id").is_in(wanted["deal_id"].unique().implode()))
    now = _sum_in_order(lines, keys)
    if not state.height:
        zero = pl.lit(0, dtype=pl.Int64())
        both = now.with_columns(
            zero.alias("_earned"), zero.alias("_released"), zero.alias("_clawed")
        ).join(
            ctx.inputs.deals.select("deal_id", "collected_fen", "refunded_fen"),
            on="deal_id",
            how="left",
            maintain_order="left",
        )
    else:
        prior = state.group_by(
            pl.col("employee_id").alias("payee_id"),
            pl.col("component_id").cast(ctx.schema["target_id"]).alias("target_id"),
            "deal_id",
        ).agg(
            pl.col("earned_fen").sum().alias("_earned"),
            pl.col("released_fen").sum().alias("_released"),
            pl.col("clawed_back_fen").sum().alias("_clawed"),
        )
        both = now.drop("amount_fen", "number").join(prior, on=keys, how="full", coalesce=True)
        both = sort_lines(both, keys).with_columns(
            pl.col("_now", "_earned", "_released", "_clawed").fill_null(0)
        )
        deals = ctx.inputs.deals.select(
            "deal_id", "number", "amount_fen", "collected_fen", "refunded_fen"
        )
        both = both.join(deals, on="deal_id", maintain_order="left")
    return both.with_columns((pl.col("_now") + pl.col("_earned")).alias("_total"))


def _sum_in_order(lines: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``_amount`` summed per ``keys`` as ``_now`` (with the deal's amount and number),
    ordered by the keys. A component's lines come in that order already: then each key is
    a run of rows, grouped without hashing."""
    same = [pl.col("amount_fen").first(), pl.col("number").first()]
    total = pl.col("_amount").sum().alias("_now")
    order = packed_order(lines, keys) if lines.height else None
    if order is None or not in_order(order):
        return sort_lines(lines.group_by(keys).agg(*same, total), keys)
    return (
        lines.with_columns(order.set_sorted().alias("_key"))
        .group_by("_key", maintain_order=True)
        .agg(*(pl.col(key).first() for key in keys), *same, total)
        .drop("_key")
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


def _share_expr(frame: pl.DataFrame, part: str, ctx: Context) -> pl.Expr:
    """round(total × min(part, amount) / amount); the whole total when the amount is 0.
    In Int64 when the largest product fits (it almost always does), else Int128."""
    largest = frame.select(pl.col("_total").abs().max(), pl.col("amount_fen").max()).row(0)
    bound = (largest[0] or 0) * (largest[1] or 0)
    dtype = pl.Int64() if 4 * bound < 2**62 else pl.Int128()
    capped = pl.min_horizontal(pl.col(part), pl.col("amount_fen")).cast(dtype)
    ratio = div_round_expr(
        pl.col("_total").cast(dtype) * capped,
        pl.when(pl.col("amount_fen") > 0).then(pl.col("amount_fen")).otherwise(1),
        ctx.rounding,
        dtype,
    )
    return ratio.cast(pl.Int64())


class HoldStrategy:
    kind = "hold_until_collected"
    in_order = True  # the vectorized lines come in canonical order: no check needed

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

    def vectorized(self, comp: HoldComponent, ctx: Context, primary: pl.DataFrame) -> pl.DataFrame:
        frame = _earned_vectorized(comp.applies_to, ctx, primary)
        releasable = (
            pl.when(pl.col("amount_fen") > 0)
            .then(_share_expr(frame, "collected_fen", ctx))
            .otherwise(pl.col("_total"))
        )
        frame = frame.select(
            "payee_id",
            "target_id",
            "deal_id",
            "number",
            "amount_fen",
            "_total",
            (-pl.col("_now")).alias("_held"),
            (releasable - pl.col("_released")).alias("_freed"),
            pl.min_horizontal("collected_fen", "amount_fen").alias("_collected"),
        )
        rows = _held_then_released(frame)
        second = pl.lit(rows["_second"])

        def at(name: str) -> pl.Expr:
            return pl.col(name).gather(rows["_key"])

        kinds = ctx.schema["line_kind"]
        amount = pl.when(second).then(at("_freed")).otherwise(at("_held"))
        return frame.select(
            at("payee_id"),
            pl.when(second)
            .then(pl.lit(LineKind.RELEASED.value, dtype=kinds))
            .otherwise(pl.lit(LineKind.HELD.value, dtype=kinds))
            .alias("line_kind"),
            pl.lit("deal").alias("source"),
            at("deal_id").alias("source_id"),
            at("number").alias("source_label"),
            pl.when(second).then(at("_collected")).otherwise(at("amount_fen")).alias("base_fen"),
            amount.alias("amount_fen"),
            amount.alias("gross_fen"),
            at("_total").alias("total_fen"),
            at("target_id"),
        )


def _held_then_released(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per hold line, in line order — each key's held line before its released
    one —: ``_key`` (the row of ``frame``) and ``_second`` (the released line). Sorting
    these two integers is all the ordering the lines need."""
    marks = frame.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_key"),
        (pl.col("_held") != 0).alias("_h"),
        (pl.col("_freed") != 0).alias("_f"),
    )
    rows = pl.concat(
        [
            marks.filter("_h").select("_key", pl.lit(False).alias("_second")),
            marks.filter("_f").select("_key", pl.lit(True).alias("_second")),
        ]
    )
    order = rows.select(pl.col("_key") * 2 + pl.col("_second").cast(pl.Int64)).to_series()
    return rows if in_order(order) else rows[order.arg_sort()]


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
        due = (
            pl.when(pl.col("amount_fen") > 0)
            .then(_share_expr(frame, "refunded_fen", ctx))
            .otherwise(0)
        )
        return _deal_lines(
            frame.lazy(),
            LineKind.CLAWBACK,
            pl.col("_clawed") - due,
            pl.min_horizontal("refunded_fen", "amount_fen"),
        )
