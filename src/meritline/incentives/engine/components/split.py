"""Splitting a deal's lines between its credited people, vectorized.

Most deals have one credit row (share 1): their lines take that person as payee through
a lookup by deal id (:class:`DenseIndex`, no join). Only the deals shared by several
people go through the largest-remainder allocation, whose ranking window then covers a
tenth of the rows instead of all.
"""

from __future__ import annotations

import polars as pl

from meritline.incentives.engine.components.dense import DenseIndex
from meritline.incentives.engine.numbers import RATE_SCALE

I128 = pl.Int128()
I64 = pl.Int64()


def split_credits(credits: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The credit rows of deals credited to one person, and of deals shared by several."""
    ids = pl.col("deal_id")
    if credits["deal_id"].is_sorted():  # as ``make_inputs`` leaves them: compare neighbours
        shared = (ids == ids.shift(1)).fill_null(False) | (ids == ids.shift(-1)).fill_null(False)
    else:
        shared = ids.is_duplicated()
    columns = ("deal_id", pl.col("employee_id").alias("payee_id"), "share", "split_index")
    return credits.filter(~shared).select(columns), credits.filter(shared).select(columns)


def single_payees(single: pl.DataFrame) -> DenseIndex:
    """The one credited person of each deal credited to one person, by deal id."""
    return DenseIndex(single["deal_id"], single["payee_id"])


def split_lines(lines: pl.DataFrame, single: DenseIndex, shared: pl.DataFrame) -> pl.DataFrame:
    """Each line (``source_id`` the deal, ``_value`` its amount) once per credited person:
    ``payee_id``, ``amount_fen`` split by largest remainder (ties to the earlier split,
    like ``core.money.allocate``), ``total_fen`` the line's amount and ``_share`` the
    person's share scaled by ``RATE_SCALE``. A deal without credit rows gives no line.

    The lines of shared deals are not filtered out of the result: they keep a null
    ``payee_id`` (sorted first, dropped by :func:`drop_unpaid`) and their split parts are
    appended — filtering millions of lines would copy them all once more."""
    payees = single.get(lines["source_id"])
    lines = lines.with_columns(
        payees.alias("payee_id"),
        pl.col("_value").alias("amount_fen"),
        pl.col("_value").alias("total_fen"),
        pl.lit(RATE_SCALE, dtype=I64).alias("_share"),
    )
    if payees.null_count() == 0:
        return lines
    rest = lines.filter(pl.col("payee_id").is_null()).with_row_index("_line")
    parted = _largest_remainder(rest.drop("payee_id"), shared)
    return pl.concat([lines, parted.select(lines.columns)], how="vertical_relaxed")


def _largest_remainder(lines: pl.DataFrame, shared: pl.DataFrame) -> pl.DataFrame:
    """Lines (numbered ``_line``) × the shares of their deal, each with its part of the
    line's ``_value``: the floor of the exact part, plus one fen for the ``remainder``
    parts with the largest fractions (ties to the earlier split). Ranked by one sort on
    a packed (line, fraction descending, split) key, with no window over groups."""
    joined = lines.join(shared, left_on="source_id", right_on="deal_id")
    if not joined.height:
        return joined.with_columns(pl.lit(None, dtype=I64).alias("_share"))
    largest = joined.select(pl.col("_value").abs().max(), pl.col("split_index").max()).row(0)
    # the exact parts, and the running total of their floors, fit in Int64 or go Int128
    bound = (largest[0] or 0) * max(RATE_SCALE, joined.height)
    dtype = I64 if bound < 2**62 else I128
    weight = (pl.col("share") * RATE_SCALE).cast(dtype)
    product = pl.col("_value").abs().cast(dtype) * weight
    joined = joined.with_columns(
        (product // RATE_SCALE).alias("_floor"),
        (product % RATE_SCALE).cast(I64).alias("_frac"),
        weight.cast(I64).alias("_share"),
    )
    splits = max(int(largest[1] or 0), 0) + 1
    if joined.height * RATE_SCALE * splits < 2**62:
        key = (pl.col("_line").cast(I64) * RATE_SCALE + (RATE_SCALE - 1 - pl.col("_frac"))) * (
            splits
        ) + pl.col("split_index")
        joined = joined.sort(key)
    else:
        joined = joined.sort("_line", "_frac", "split_index", descending=[False, True, False])
    index = pl.int_range(pl.len(), dtype=I64)
    first = (pl.col("_line") != pl.col("_line").shift(1)).fill_null(True)
    last = (pl.col("_line") != pl.col("_line").shift(-1)).fill_null(True)
    start = pl.when(first).then(index).forward_fill()
    running = pl.col("_floor").cum_sum()
    before = pl.when(first).then(running - pl.col("_floor")).forward_fill()
    floors = pl.when(last).then(running - before).backward_fill()
    remainder = pl.col("_value").abs().cast(dtype) - floors
    part = pl.col("_floor") + (index - start < remainder).cast(dtype)
    sign = pl.when(pl.col("_value") < 0).then(-1).otherwise(1)
    return joined.with_columns(
        (part * sign).cast(I64).alias("amount_fen"), pl.col("_value").alias("total_fen")
    )


def drop_unpaid(lines: pl.DataFrame) -> pl.DataFrame:
    """``lines`` sorted by payee first (nulls first) without those with no payee."""
    unpaid = lines["payee_id"].null_count()
    return lines.slice(unpaid) if unpaid else lines
