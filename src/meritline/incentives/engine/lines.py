"""Result lines: the one output of both evaluators, as dataclasses and as a frame.

Every line carries what its explanation needs: the source record, base, rate, tier,
modifiers applied, split share and the amount before a gate. Amounts are fen,
rounded once per line with the plan's rounding mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from enum import Enum
from typing import Final

import polars as pl

from meritline.incentives.engine.numbers import RATE_DTYPE


class LineKind(str, Enum):
    EARNED = "earned"
    TRUE_UP = "true_up"  # a later deal lifted the period total into a higher bracket
    POINTS = "points"
    POINTS_BONUS = "points_bonus"  # extra points when a lead converts
    AWARD = "award"
    AWARD_CLAWBACK = "award_clawback"  # the count fell back below an awarded block
    CAP_CUT = "cap_cut"
    HELD = "held"
    RELEASED = "released"
    CLAWBACK = "clawback"


KIND_ORDER: Final[dict[str, int]] = {kind.value: index for index, kind in enumerate(LineKind)}
EARNING_KINDS: Final = (LineKind.EARNED, LineKind.TRUE_UP)


@dataclass(frozen=True)
class Line:
    payee_id: int
    component_id: str
    line_kind: str
    source: str  # deal / lead / count / payee
    source_id: int | None
    source_label: str | None
    base_fen: int
    amount_fen: int
    gross_fen: int  # the amount before the gate; equal to amount_fen when no gate stops it
    cumulative_fen: int | None = None
    tier_index: int | None = None
    rate: Decimal | None = None
    modifiers: tuple[str, ...] = ()
    share: Decimal | None = None
    quantity: int | None = None
    total_fen: int | None = None
    gate_met: bool | None = None
    target_id: str | None = None  # the component a cap, hold or clawback line adjusts


I64 = pl.Int64()
LINE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "payee_id": I64,
    "component_id": pl.String(),
    "line_kind": pl.String(),
    "source": pl.String(),
    "source_id": I64,
    "source_label": pl.String(),
    "base_fen": I64,
    "amount_fen": I64,
    "gross_fen": I64,
    "cumulative_fen": I64,
    "tier_index": I64,
    "rate": RATE_DTYPE,
    "modifiers": pl.List(pl.String()),
    "share": RATE_DTYPE,
    "quantity": I64,
    "total_fen": I64,
    "gate_met": pl.Boolean(),
    "target_id": pl.String(),
}
assert [f.name for f in fields(Line)] == list(LINE_SCHEMA)


def lines_frame(lines: Iterable[Line]) -> pl.DataFrame:
    """Lines as a frame with ``LINE_SCHEMA``."""
    rows = [{**asdict(line), "modifiers": list(line.modifiers)} for line in lines]
    if not rows:
        return pl.DataFrame(schema=LINE_SCHEMA)
    return pl.DataFrame(rows, schema=LINE_SCHEMA, orient="row")


def frame_lines(frame: pl.DataFrame) -> list[Line]:
    """A lines frame back as dataclasses."""
    return [
        Line(**{**row, "modifiers": tuple(row["modifiers"] or ())})
        for row in frame.select(list(LINE_SCHEMA)).iter_rows(named=True)
    ]


SOURCES: Final = ("deal", "lead", "count", "payee")
KINDS: Final = pl.Enum([kind.value for kind in LineKind])
SOURCE_DTYPE: Final = pl.Enum(list(SOURCES))
SORT_KEYS: Final = ["payee_id", "target_id", "source_id", "line_kind"]


def line_schema(component_ids: Sequence[str]) -> dict[str, pl.DataType]:
    """``LINE_SCHEMA`` as ``evaluate`` returns it for a plan: the fixed vocabularies
    (component ids in plan order, line kinds, sources) as ``pl.Enum`` — one byte a line
    instead of a string — with the same column names and values."""
    components = pl.Enum(list(component_ids))
    return {
        **LINE_SCHEMA,
        "component_id": components,
        "line_kind": KINDS,
        "source": SOURCE_DTYPE,
        "target_id": components,
    }


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """Add missing columns as nulls and order and type them as ``schema``."""
    return frame.select(conform_exprs(frame.columns, schema or LINE_SCHEMA))


def conform_exprs(present: Sequence[str], schema: dict[str, pl.DataType]) -> list[pl.Expr]:
    columns = []
    for name, dtype in schema.items():
        if name in present:
            columns.append(pl.col(name).cast(dtype))
        elif name == "modifiers":
            columns.append(pl.lit([], dtype=dtype).alias(name))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    return columns


def canonical(frame: pl.DataFrame, component_order: Sequence[str]) -> pl.DataFrame:
    """Lines in the one order both evaluators agree on: by component (plan order), payee,
    target component (plan order), source record and line kind (``LineKind`` order)."""
    return sort_lines(conform(frame, line_schema(component_order)), ["component_id", *SORT_KEYS])


def sort_lines(frame: pl.DataFrame, keys: Sequence[str] = SORT_KEYS) -> pl.DataFrame:
    """``frame`` sorted by ``keys`` (integer or enum columns), nulls first.

    When the keys' ranges fit, they are packed into one Int64 (see :func:`packed_order`)
    and sorted once: the same order as a sort by the columns, in a fraction of the time
    on millions of lines; a frame already in order is returned as it is.
    """
    if frame.height < 2:
        return frame
    order = packed_order(frame, keys)
    if order is None:
        return frame.sort(list(keys), nulls_last=False)
    if in_order(order):
        return frame  # already in order (most components make their lines in order)
    return frame[order.arg_sort()]


def packed_order(frame: pl.DataFrame, keys: Sequence[str]) -> pl.Series | None:
    """One Int64 per row that orders the rows as ``keys`` do (integer or enum columns,
    nulls first): null → 0, then value − minimum + 1, in mixed radix; None when the
    keys' ranges do not fit in 62 bits."""
    physical = [pl.col(key).to_physical().cast(pl.Int64) for key in keys]
    bounds = frame.select(
        [p.min().alias(f"lo{i}") for i, p in enumerate(physical)]
        + [p.max().alias(f"hi{i}") for i, p in enumerate(physical)]
    ).row(0)
    lows, highs = bounds[: len(keys)], bounds[len(keys) :]
    spans = [0 if lo is None else hi - lo + 2 for lo, hi in zip(lows, highs, strict=True)]
    size = 1
    for span in spans:
        size *= max(span, 1)
    if size >= 2**62:
        return None
    packed: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for expr, low, span in zip(physical, lows, spans, strict=True):
        if span:
            packed = packed * span + (expr - low + 1).fill_null(0)
    return frame.select(packed).to_series()


def in_order(order: pl.Series) -> bool:
    """Whether ``order`` never decreases."""
    return order.len() < 2 or bool(order.diff().min() >= 0)  # type: ignore[operator]
