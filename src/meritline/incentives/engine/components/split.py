"""Splitting a deal's lines between its credited people, vectorized.

Most deals have one credit row (the owner, share 1): their lines pass through with a
plain join. Only the deals shared by several people go through the largest-remainder
allocation, whose ranking window then covers a tenth of the rows instead of all.
"""

from __future__ import annotations

import polars as pl

from meritline.incentives.engine.numbers import RATE_SCALE

I128 = pl.Int128()


def split_credits(credits: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The credit rows of deals credited to one person, and of deals shared by several."""
    ids = pl.col("deal_id")
    if credits["deal_id"].is_sorted():  # as ``make_inputs`` leaves them: compare neighbours
        shared = (ids == ids.shift(1)).fill_null(False) | (ids == ids.shift(-1)).fill_null(False)
    else:
        shared = ids.is_duplicated()
    columns = ("deal_id", pl.col("employee_id").alias("payee_id"), "share", "split_index")
    return credits.filter(~shared).select(columns), credits.filter(shared).select(columns)


def split_lines(
    lines: pl.LazyFrame, single: pl.DataFrame, shared: pl.DataFrame, key: list[str]
) -> pl.LazyFrame:
    """Each line (``deal_id``, ``total_fen``) once per credited person, ``amount_fen`` split by
    largest remainder over ``key`` (ties to the earlier split, like ``core.money.allocate``)."""
    alone = lines.join(single.lazy().drop("split_index"), on="deal_id").with_columns(
        pl.col("total_fen").alias("amount_fen")
    )
    joined = lines.join(shared.lazy(), on="deal_id").with_columns(
        (pl.col("share") * RATE_SCALE).cast(I128).alias("_w")
    )
    magnitude = pl.col("total_fen").abs().cast(I128)
    product = magnitude * pl.col("_w")
    joined = joined.with_columns(
        (product // RATE_SCALE).alias("_floor"), (product % RATE_SCALE).alias("_frac")
    )
    rank = (
        ((RATE_SCALE - 1 - pl.col("_frac")) * 1_000_000 + pl.col("split_index"))
        .rank("ordinal")
        .over(key)
    )
    remainder = magnitude - pl.col("_floor").sum().over(key)
    part = pl.col("_floor") + (rank <= remainder).cast(I128)
    sign = pl.when(pl.col("total_fen") < 0).then(-1).otherwise(1)
    parted = joined.with_columns((part * sign).cast(pl.Int64).alias("amount_fen")).drop(
        "_w", "_floor", "_frac", "split_index"
    )
    return pl.concat([alone, parted], how="vertical_relaxed")
