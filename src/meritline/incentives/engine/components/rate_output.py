"""A rate component's lines from narrow to wide, once they are in their final order.

The lines are made, split and sorted with integer columns only; this adds what is
costly to move: the deal's number (gathered by its row in the inputs), the rate and
share as ``Decimal(38, 6)`` and the list of modifiers applied (gathered from the 2^k
possible lists by the bit mask).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.lines import SOURCE_DTYPE
from meritline.incentives.engine.numbers import RATE_DTYPE
from meritline.incentives.engine.schema import RateComponent, Role

I64 = pl.Int64()
MODIFIERS = pl.List(pl.String())
MASK_LOOKUP_LIMIT = 12  # up to 2**12 possible modifier lists in the lookup series


def widen(comp: RateComponent, lines: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """``lines`` (``_row``, ``_rate``, ``_mask``, ``_share`` when credited) with the
    line columns they stand for, in the same order."""
    # an expression, not ``Series.gather``: over a column in many chunks (as read from a
    # file) the latter is five times slower for strings
    rows = lines["_row"]
    label = ctx.inputs.deals.lazy().select(pl.col("number").gather(rows)).collect().to_series()
    # columns a component never fills are left out: ``conform_exprs`` adds them as
    # constants, which take no memory
    kept = ("cumulative_fen", "total_fen", "gate_met")
    columns: list[pl.Expr | pl.Series] = [
        pl.col("payee_id", "line_kind"),
        pl.lit("deal", dtype=SOURCE_DTYPE).alias("source"),
        pl.col("source_id"),
        label.alias("source_label"),
        pl.col("base_fen", "amount_fen", "gross_fen"),
        pl.col("tier_index").cast(I64),
        rate_decimal(pl.col("_rate")).alias("rate"),
        *[pl.col(name) for name in kept if name in lines.columns],
    ]
    if comp.modifiers:  # otherwise the empty lists are a constant (see ``conform_exprs``)
        columns.append(modifier_lists(comp, lines["_mask"]).alias("modifiers"))
    if comp.payee is Role.CREDITED:
        columns.append(rate_decimal(pl.col("_share")).alias("share"))
    return lines.select(columns)


def modifier_lists(comp: RateComponent, mask: pl.Series) -> pl.Series:
    """The ids of the modifiers whose bit is set in ``mask``, in plan order."""
    count = len(comp.modifiers)
    if count > MASK_LOOKUP_LIMIT:
        names = [
            pl.when(pl.col("_mask") & (1 << i) > 0).then(pl.lit(m.id))
            for i, m in enumerate(comp.modifiers)
        ]
        return mask.to_frame("_mask").select(pl.concat_list(names).list.drop_nulls()).to_series()
    lookup = pl.Series(
        [
            [m.id for i, m in enumerate(comp.modifiers) if index >> i & 1]
            for index in range(1 << count)
        ],
        dtype=MODIFIERS,
    )
    return lookup.gather(mask)


def rate_decimal(value: pl.Expr) -> pl.Expr:
    """A rate scaled by ``RATE_SCALE`` as an exact ``Decimal(38, 6)``."""
    unit = pl.lit(Decimal(1).scaleb(-6), dtype=RATE_DTYPE)
    return (value.cast(pl.Decimal(38, 0)) * unit).cast(RATE_DTYPE)
