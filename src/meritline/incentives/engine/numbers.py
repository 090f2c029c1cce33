"""Exact arithmetic shared by both evaluators: scaled integers and explicit rounding.

Rates, percentages and shares are held as integers at ``RATE_PLACES`` decimal
places, multipliers at ``FACTOR_PLACES``; the vectorized evaluator multiplies them
in Int128 and rounds once per result line, the reference evaluator does the same
sums in ``Decimal`` with enough precision never to round early. The plan and input
limits (see ``schema`` and ``inputs``) keep every product inside Int128.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import cast

import polars as pl

from meritline.core.money import Rounding

RATE_PLACES = 6
FACTOR_PLACES = 4
RATE_SCALE = 10**RATE_PLACES
FACTOR_SCALE = 10**FACTOR_PLACES
RATE_DTYPE = pl.Decimal(38, RATE_PLACES)
MAX_AMOUNT_FEN = 10**12  # ten billion yuan: no single record is larger
PRECISION = 120


def places(value: Decimal) -> int:
    """Number of decimal places written in ``value`` (``Decimal("0.0150")`` → 4)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def scaled(value: Decimal, scale: int) -> int:
    """``value`` × ``scale`` as an exact integer (the caller checked the places)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        product = value * scale
    if product != product.to_integral_value():
        raise ValueError(f"{value} has too many decimal places")
    return int(product)


def round_decimal(value: Decimal, rounding: Rounding) -> int:
    """An exact Decimal amount of fen rounded once to a whole fen."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return int(value.quantize(Decimal(1), rounding=rounding.decimal_mode))


def div_round(num: int, den: int, rounding: Rounding) -> int:
    """``num / den`` (den > 0) rounded to an integer: half away from zero, or half to even."""
    quotient, rest = divmod(num, den)  # floor division: 0 <= rest < den
    twice = 2 * rest
    if rounding is Rounding.HALF_EVEN:
        up = twice > den or (twice == den and quotient % 2 == 1)
        return quotient + int(up)
    if num >= 0:
        return quotient + int(twice >= den)
    return quotient + int(twice > den)


def div_round_expr(
    num: pl.Expr, den: int | pl.Expr, rounding: Rounding, dtype: pl.DataType | None = None
) -> pl.Expr:
    """The polars twin of :func:`div_round` over integer expressions (Int128 unless told)."""
    dtype = dtype or pl.Int128()
    d = pl.lit(den, dtype=dtype) if isinstance(den, int) else den.cast(dtype)
    quotient = num // d
    twice = 2 * (num - quotient * d)
    if rounding is Rounding.HALF_EVEN:
        up = (twice > d) | ((twice == d) & (quotient % 2 == 1))
    else:
        up = pl.when(num >= 0).then(twice >= d).otherwise(twice > d)
    return quotient + up.cast(dtype)


def decimal_expr(value: pl.Expr, places_: int = RATE_PLACES) -> pl.Expr:
    """A scaled integer expression as an exact ``Decimal(38, places_)`` column."""
    return cast(pl.Expr, value.cast(pl.Int128).cast(pl.Decimal(38, places_)) / 10**places_)


def i128(value: int) -> pl.Expr:
    """An Int128 literal."""
    return pl.lit(value, dtype=pl.Int128)
