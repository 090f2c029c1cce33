"""Exact numbers shared by the reference and vectorized scorers.

Every quantity is a ``Decimal`` with a fixed number of places, held in the vectorized
scorer as an integer scaled by ``10**places`` in Int128:

- percentages (weights, team weight, guideline shares): 2 places;
- attainment: a percentage with 4 places (``59.9900`` %), i.e. a ratio × 10**6;
- scores, points and ratings: 2 places;
- bonus coefficients: 4 places; targets: up to 6 places.

Rounding is always half-up (away from zero) to the stated places, once per result.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

import polars as pl
from pydantic_core import PydanticCustomError

PRECISION = 80
PERCENT_PLACES = 2
ATT_PLACES = 4
SCORE_PLACES = 2
COEF_PLACES = 4
TARGET_PLACES = 6
HUNDRED = Decimal(100)
ATT_MAX = Decimal(100_000)  # attainment is clamped into [0 %, 100,000 %]
SCORE_MAX = Decimal(1000)
SCORE_DTYPE = pl.Decimal(38, SCORE_PLACES)
ATT_DTYPE = pl.Decimal(38, ATT_PLACES)
TARGET_DTYPE = pl.Decimal(38, TARGET_PLACES)


def places(value: Decimal) -> int:
    """Decimal places written in ``value`` (``Decimal("0.0150")`` → 3 after normalising)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def quantize(value: Decimal, places_: int) -> Decimal:
    """``value`` rounded half-up (away from zero) to ``places_`` decimal places."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return value.quantize(Decimal(1).scaleb(-places_), rounding=ROUND_HALF_UP)


def divide(num: Decimal, den: Decimal, places_: int) -> Decimal:
    """``num / den`` (den ≠ 0) rounded once, half-up, to ``places_`` places."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return quantize(num / den, places_)


def scaled(value: Decimal, places_: int) -> int:
    """``value`` × 10**places_ as an exact integer (the caller checked the places)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        product = value.scaleb(places_)
    if product != product.to_integral_value():
        raise ValueError(f"{value} has more than {places_} decimal places")
    return int(product)


def unscaled(value: int, places_: int) -> Decimal:
    """The integer ``value`` read back as a Decimal with ``places_`` places."""
    return Decimal(value).scaleb(-places_)


def show(value: Decimal) -> str:
    """A Decimal without trailing zeros: ``Decimal("95.00")`` → ``"95"``."""
    return format(value.normalize(), "f")


def div_round(num: int, den: int) -> int:
    """``num / den`` (den > 0) rounded half away from zero to an integer."""
    quotient, rest = divmod(abs(num), den)
    quotient += int(2 * rest >= den)
    return quotient if num >= 0 else -quotient


def div_round_expr(num: pl.Expr, den: pl.Expr | int) -> pl.Expr:
    """The polars twin of :func:`div_round` over Int128 expressions (den > 0)."""
    d = pl.lit(den, dtype=pl.Int128) if isinstance(den, int) else den.cast(pl.Int128)
    n = num.cast(pl.Int128)
    magnitude = n.abs() // d
    magnitude = magnitude + (2 * (n.abs() - magnitude * d) >= d).cast(pl.Int128)
    return pl.when(n >= 0).then(magnitude).otherwise(i128(0) - magnitude)


def i128(value: int) -> pl.Expr:
    """An Int128 literal."""
    return pl.lit(value, dtype=pl.Int128)


def as_decimal(value: pl.Expr, places_: int) -> pl.Expr:
    """A scaled Int128 expression as an exact ``Decimal(38, places_)`` column."""
    dtype = pl.Decimal(38, places_)
    result: pl.Expr = (value.cast(dtype) / 10**places_).cast(dtype)
    return result


def read_decimal(value: Any, *, what: str, max_places: int) -> Decimal:
    """A config number (``"0.015"``, ``30``, ``Decimal``) as a finite Decimal, for pydantic."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PydanticCustomError("bad_number", 'must be a number like 30 or "12.5"')
    try:
        number = Decimal(str(value).strip().removesuffix("%").strip())
    except InvalidOperation:
        raise PydanticCustomError(
            "bad_number", "must be a number, not '{value}'", {"value": str(value)}
        ) from None
    if not number.is_finite():
        raise PydanticCustomError("bad_number", "must be a finite number")
    if places(number) > max_places:
        raise PydanticCustomError(
            "too_many_places",
            "{what} has at most {places} decimal places",
            {"what": what, "places": max_places},
        )
    return number
