"""The polars twins of the hold and clawback strategies (see ``adjust``).

Both work per (payee, target component, deal) on what the targets earned. A target's
lines come in canonical order (payee, deal, kind), so each key is a run of rows: summed
from a running total, without hashing; the deal's collected and refunded amounts are
gathered by its row in the inputs (:class:`DenseIndex`), without a join.
"""

from __future__ import annotations

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.lines import (
    EARNING_KINDS,
    SOURCE_DTYPE,
    LineKind,
    in_order,
    packed_order,
    sort_lines,
)
from meritline.incentives.engine.numbers import div_round_expr
from meritline.incentives.engine.schema import ClawbackComponent, HoldComponent

I64 = pl.Int64()
_EARNING = [kind.value for kind in EARNING_KINDS]
_KEYS = ["payee_id", "target_id", "deal_id"]


def earned_vectorized(
    targets: list[str], ctx: Context, primary: pl.DataFrame, only: pl.Expr | None = None
) -> pl.DataFrame:
    """Per (target, deal, payee): earned now (``_now``) and before, released and clawed
    back before, with the deal's figures; only deals in the inputs (as the reference's
    ``deals_by_id``). In the order of the lines (payee, target, deal).

    ``only`` (a condition on the deals frame) keeps the deals that can give a line, plus
    every deal with recorded state.
    """
    state = ctx.inputs.deal_state.filter(pl.col("component_id").is_in(targets))
    counted = (
        pl.col("component_id").is_in(targets)
        & pl.col("line_kind").is_in(_EARNING)
        & pl.col("source_id").is_not_null()
    )
    columns = [
        "payee_id",
        pl.col("component_id").alias("target_id"),
        pl.col("source_id").alias("deal_id"),
        pl.col("amount_fen").alias("_amount"),
        # a rate line's base is its deal's amount (its label, the deal's number, is taken
        # from the deals by row, ``_drow``, only for the lines made)
        pl.col("base_fen").alias("amount_fen"),
    ]
    if primary.select(counted.all()).item():
        lines = primary.select(columns)
    else:
        lines = primary.lazy().filter(counted).select(columns).collect()
    if only is not None:
        able = ctx.inputs.deals.select(only.fill_null(False)).to_series()
        wanted = able.gather(ctx.deal_rows.get(lines["deal_id"])).fill_null(False)
        if state.height:
            wanted = wanted | lines["deal_id"].is_in(state["deal_id"].implode())
        lines = lines.filter(wanted)
    now = _sum_in_order(lines, _KEYS)
    del lines
    deals = ctx.inputs.deals
    if not state.height:  # nothing before: ``_earned``, ``_released``, ``_clawed`` are 0
        rows = ctx.deal_rows.get(now["deal_id"])
        return now.with_columns(
            pl.col("_now").alias("_total"),
            deals["collected_fen"].gather(rows),
            deals["refunded_fen"].gather(rows),
            rows.alias("_drow"),
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
        both = now.drop("amount_fen").join(prior, on=_KEYS, how="full", coalesce=True)
        both = sort_lines(both, _KEYS).with_columns(
            pl.col("_now", "_earned", "_released", "_clawed").fill_null(0)
        )
        figures = deals.select("deal_id", "amount_fen", "collected_fen", "refunded_fen")
        both = both.join(figures, on="deal_id", maintain_order="left")
        both = both.with_columns(ctx.deal_rows.get(both["deal_id"]).alias("_drow"))
    return both.with_columns((pl.col("_now") + pl.col("_earned")).alias("_total"))


def _before(frame: pl.DataFrame, name: str) -> pl.Expr:
    """What an earlier period recorded (``_released``, ``_clawed``): 0 when nothing was."""
    return pl.col(name) if name in frame.columns else pl.lit(0, dtype=I64)


def _sum_in_order(lines: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``_amount`` summed per ``keys`` as ``_now`` (with the deal's amount),
    ordered by the keys. A component's lines come in that order already: then each key is
    a run of rows, whose sum is the difference of a running total at its last row."""
    order = packed_order(lines, keys) if lines.height else None
    largest = lines.select(pl.col("_amount").abs().sum()).item() if lines.height else 0
    if order is None or not in_order(order) or largest >= 2**62:
        same = [pl.col("amount_fen").first()]
        total = pl.col("_amount").sum().alias("_now")
        return sort_lines(lines.group_by(keys).agg(*same, total), keys)
    last = (order != order.shift(-1)).fill_null(True)
    ends = lines.with_columns(pl.col("_amount").cum_sum().alias("_now")).filter(last)
    running = pl.col("_now")
    return ends.select(*keys, "amount_fen", (running - running.shift(1).fill_null(0)).alias("_now"))


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


def hold_lines(comp: HoldComponent, ctx: Context, primary: pl.DataFrame) -> pl.DataFrame:
    """Per key: a ``held`` line taking back what was earned now, and a ``released`` line
    paying what the collections free, less what was released before."""
    frame = earned_vectorized(comp.applies_to, ctx, primary)
    releasable = (
        pl.when(pl.col("amount_fen") > 0)
        .then(_share_expr(frame, "collected_fen", ctx))
        .otherwise(pl.col("_total"))
    )
    frame = frame.select(
        "payee_id",
        "target_id",
        "deal_id",
        "_drow",
        "amount_fen",
        "collected_fen",
        "_total",
        "_now",
        (releasable - _before(frame, "_released")).alias("_freed"),
    )
    rows = _held_then_released(frame)
    second = pl.lit(rows["_second"])

    def at(name: str) -> pl.Expr:
        return pl.col(name).gather(rows["_key"])

    def either(held: pl.Series, released: pl.Series) -> pl.Series:
        """The held line's value or the released line's, with one gather: the two
        columns end to end, the released line's at its key + the number of keys."""
        return pl.concat([held, released]).gather(rows["_pick"])

    kinds = ctx.schema["line_kind"]
    collected = frame.select(pl.min_horizontal("collected_fen", "amount_fen")).to_series()
    lines = frame.select(
        at("payee_id"),
        pl.when(second)
        .then(pl.lit(LineKind.RELEASED.value, dtype=kinds))
        .otherwise(pl.lit(LineKind.HELD.value, dtype=kinds))
        .alias("line_kind"),
        pl.lit("deal", dtype=SOURCE_DTYPE).alias("source"),
        at("deal_id").alias("source_id"),
        _labels(ctx, frame["_drow"].gather(rows["_key"])).alias("source_label"),
        either(frame["amount_fen"], collected).alias("base_fen"),
        either(-frame["_now"], frame["_freed"]).alias("amount_fen"),
        at("_total").alias("total_fen"),
        at("target_id"),
    )
    return lines.with_columns(pl.col("amount_fen").alias("gross_fen"))  # the same buffer


def _labels(ctx: Context, rows: pl.Series) -> pl.Series:
    """The numbers of the deals at ``rows`` of the inputs (an expression, not
    ``Series.gather``: over a column in many chunks that is five times slower)."""
    deals = ctx.inputs.deals.lazy()
    return deals.select(pl.col("number").gather(rows)).collect().to_series()


def _held_then_released(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per hold line, in line order — each key's held line before its released
    one —: ``_key`` (the row of ``frame``), ``_second`` (the released line) and ``_pick``
    (``_key``, plus the number of keys for a released line). The candidate lines are
    interleaved (key 0 held, key 0 released, key 1 held, …) and the absent ones dropped:
    no sort."""
    held = (frame["_now"] != 0).alias("h")
    freed = (frame["_freed"] != 0).alias("f")
    dtype = pl.UInt32() if 2 * frame.height < 2**32 else I64
    index = pl.int_range(2 * frame.height, dtype=dtype)
    key, second = index // 2, (index % 2) == 1
    keep = pl.when(second).then(pl.lit(freed).gather(key)).otherwise(pl.lit(held).gather(key))
    pick = key + second.cast(dtype) * frame.height
    return pl.select(
        key.alias("_key"), second.alias("_second"), pick.alias("_pick"), keep.alias("_keep")
    ).filter("_keep")


def _deal_lines(
    frame: pl.DataFrame, kind: LineKind, amount: pl.Expr, base: pl.Expr, ctx: Context
) -> pl.DataFrame:
    made = frame.with_columns(amount.alias("_amount"), base.alias("_base")).filter(
        pl.col("_amount") != 0
    )
    return made.select(
        "payee_id",
        pl.lit(kind.value).alias("line_kind"),
        pl.lit("deal", dtype=SOURCE_DTYPE).alias("source"),
        pl.col("deal_id").alias("source_id"),
        _labels(ctx, made["_drow"]).alias("source_label"),
        pl.col("_base").alias("base_fen"),
        pl.col("_amount").alias("amount_fen"),
        pl.col("_amount").alias("gross_fen"),
        pl.col("_total").alias("total_fen"),
        "target_id",
    )


def clawback_lines(comp: ClawbackComponent, ctx: Context, primary: pl.DataFrame) -> pl.DataFrame:
    """A ``clawback`` line per key whose refunds call back more (or less) than before."""
    frame = earned_vectorized(comp.applies_to, ctx, primary, only=pl.col("refunded_fen") > 0)
    due = (
        pl.when(pl.col("amount_fen") > 0).then(_share_expr(frame, "refunded_fen", ctx)).otherwise(0)
    )
    return _deal_lines(
        frame,
        LineKind.CLAWBACK,
        _before(frame, "_clawed") - due,
        pl.min_horizontal("refunded_fen", "amount_fen"),
        ctx,
    )
