"""Exact ratios: integer numerator and denominator, value rounded half-up to 4 places."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

SCALE = 4
RATE_DTYPE = pl.Decimal(38, SCALE)
_FACTOR = 10**SCALE


def rate(num: int, den: int) -> Decimal | None:
    """``num / den`` rounded half-up (away from zero) to 4 decimal places.

    ``None`` when ``den`` is zero or negative (no meaningful rate). Integer arithmetic
    only, so the value is identical to the engine's ``<metric>`` column:
    ``rate(2, 3) == Decimal("0.6667")``, ``rate(-1, 8) == Decimal("-0.1250")``.
    """
    if den <= 0:
        return None
    magnitude = (2 * abs(num) * _FACTOR + den) // (2 * den)
    whole, fraction = divmod(magnitude, _FACTOR)
    sign = "-" if num < 0 and magnitude else ""
    return Decimal(f"{sign}{whole}.{fraction:0{SCALE}d}")


def rate_expr(num: str, den: str) -> pl.Expr:
    """The polars twin of :func:`rate` over two integer columns (Decimal(38, 4) or null)."""
    n = pl.col(num).cast(pl.Int128)
    d = pl.col(den).cast(pl.Int128)
    magnitude = (2 * n.abs() * _FACTOR + d) // (2 * d)
    scaled = pl.when(n < 0).then(pl.lit(0, dtype=pl.Int128) - magnitude).otherwise(magnitude)
    value = scaled.cast(pl.Decimal(38, 0)) / pl.lit(Decimal(_FACTOR), dtype=RATE_DTYPE)
    return pl.when(d > 0).then(value.cast(RATE_DTYPE)).otherwise(None)
