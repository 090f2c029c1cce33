"""A payee's terms on each deal by lookups instead of joins: the level rate in force on
the signing day (an as-of merge on one packed integer key) and the payee's adjustment
(a gather by payee id)."""

from __future__ import annotations

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.components.dense import DenseIndex
from meritline.incentives.engine.numbers import RATE_SCALE

I64 = pl.Int64()


def with_level_rates(deals: pl.DataFrame, ctx: Context, dtype: pl.DataType) -> pl.DataFrame:
    """``deals`` (sorted by ``_payee``, then ``signed_on``, all in the period) with
    ``_level``: the payee's level rate (scaled) in force on the signing day, null if none.

    The payee and the day are packed into one sorted Int64 on both sides — a level rate
    from before the period counts from its first day, and of several on one packed key
    the latest wins — so the as-of join is one merge, with no grouping by payee; a match
    on another payee's key means there is none."""
    levels = ctx.inputs.level_rates
    width = (ctx.end - ctx.start).days + 1
    ids = pl.concat([deals["_payee"], levels["employee_id"]]).drop_nulls()
    if not deals.height or not ids.len():
        return deals.with_columns(pl.lit(None, dtype=dtype).alias("_level"))
    low, high = int(ids.min()), int(ids.max())  # type: ignore[arg-type]
    if (high - low + 1) * width >= 2**62:
        return _with_level_rates_by_payee(deals, ctx, dtype)
    offset = (pl.col("valid_from") - pl.lit(ctx.start)).dt.total_days()
    right = (
        levels.lazy()
        .filter(offset < width)
        .sort("employee_id", "valid_from", maintain_order=True)
        .group_by("employee_id", offset.clip(lower_bound=0).alias("_day"), maintain_order=True)
        .agg(pl.col("rate").last())
        .select(
            ((pl.col("employee_id") - low) * width + pl.col("_day")).alias("_key"),
            pl.col("employee_id").alias("_whose"),
            (pl.col("rate") * RATE_SCALE).cast(dtype).alias("_level"),
        )
        .sort("_key")
        .collect()
    )
    day = (pl.col("signed_on") - pl.lit(ctx.start)).dt.total_days()
    key = ((pl.col("_payee") - low) * width + day).alias("_key")
    joined = deals.with_columns(key).join_asof(
        right, on="_key", strategy="backward", check_sortedness=False
    )
    level = pl.when(pl.col("_whose") == pl.col("_payee")).then(pl.col("_level"))
    return joined.with_columns(level.alias("_level")).drop("_key", "_whose")


def _with_level_rates_by_payee(
    deals: pl.DataFrame, ctx: Context, dtype: pl.DataType
) -> pl.DataFrame:
    levels = ctx.inputs.level_rates.lazy().select(
        "employee_id",
        "valid_from",
        (pl.col("rate") * RATE_SCALE).cast(dtype).alias("_level"),
    )
    # both sides sorted by the date within each payee, as join_asof's ``by`` needs
    return (
        deals.lazy()
        .join_asof(
            levels.sort("employee_id", "valid_from"),
            left_on="signed_on",
            right_on="valid_from",
            by_left="_payee",
            by_right="employee_id",
            strategy="backward",
            check_sortedness=False,
        )
        .collect()
    )


def with_adjustments(deals: pl.DataFrame, ctx: Context, dtype: pl.DataType) -> pl.DataFrame:
    """``deals`` with ``_adj``: the payee's rate adjustment (scaled), 0 when none."""
    adjustments = ctx.inputs.adjustments.select(
        "employee_id", (pl.col("rate") * RATE_SCALE).cast(dtype).alias("_adj")
    )
    if adjustments["employee_id"].is_duplicated().any():
        found = deals.join(
            adjustments.rename({"employee_id": "_payee"}),
            on="_payee",
            how="left",
            maintain_order="left",
        )
    else:
        index = DenseIndex(adjustments["employee_id"], adjustments["_adj"])
        found = deals.with_columns(index.get(deals["_payee"]).alias("_adj"))
    return found.with_columns(pl.col("_adj").fill_null(0))
