"""Exact money: integer fen (分) everywhere, Decimal rates, explicit rounding.

Pure: imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum

FEN_PER_YUAN = 100


class Rounding(str, Enum):
    HALF_UP = "half_up"
    HALF_EVEN = "half_even"

    @property
    def decimal_mode(self) -> str:
        return ROUND_HALF_UP if self is Rounding.HALF_UP else ROUND_HALF_EVEN


class MoneyError(ValueError):
    """A text could not be read as an amount of money."""


def parse_yuan(text: str | int | Decimal) -> int:
    """Read an amount in yuan ("1,200,000.50", "¥8000", 8000) as integer fen.

    Refuses more than two decimals rather than rounding silently.
    """
    if isinstance(text, bool):
        raise MoneyError(f"not an amount: {text!r}")
    if isinstance(text, int):
        return text * FEN_PER_YUAN
    raw = str(text).strip().replace(",", "").replace("¥", "").replace("￥", "")
    raw = raw.replace("元", "").strip()
    if not raw:
        raise MoneyError("empty amount")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not an amount: {text!r}")
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"more than two decimals: {text!r}")
    return int(fen)


def to_yuan(fen: int) -> Decimal:
    """Fen as a Decimal number of yuan with two places."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_fen(fen: int, *, symbol: str = "¥") -> str:
    """1_200_000_00 → "¥1,200,000.00"; negative amounts keep their sign in front."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{symbol}{whole:,}.{cents:02d}"


def apply_rate(fen: int, rate: Decimal | str, rounding: Rounding = Rounding.HALF_UP) -> int:
    """fen × rate, rounded once to a whole fen with the given mode."""
    product = Decimal(fen) * Decimal(rate)
    return int(product.quantize(Decimal(1), rounding=rounding.decimal_mode))


def allocate(total_fen: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Split ``total_fen`` by ``weights`` with the largest-remainder method.

    The parts always add up to ``total_fen`` exactly; ties go to the earlier weight.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    decimals = [Decimal(w) for w in weights]
    if any(w < 0 for w in decimals):
        raise ValueError("weights must not be negative")
    weight_sum = sum(decimals, Decimal(0))
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total_fen < 0 else 1
    magnitude = abs(total_fen)
    exact = [Decimal(magnitude) * w / weight_sum for w in decimals]
    floors = [int(x) for x in exact]
    remainder = magnitude - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:remainder]:
        floors[i] += 1
    return [sign * part for part in floors]
