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


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Add missing columns as nulls and order them as ``LINE_SCHEMA``."""
    columns = []
    for name, dtype in LINE_SCHEMA.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype))
        elif name == "modifiers":
            columns.append(pl.lit([], dtype=dtype).alias(name))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(columns)


def canonical(frame: pl.DataFrame, component_order: Sequence[str]) -> pl.DataFrame:
    """Lines in the one order both evaluators agree on."""
    order = {cid: index for index, cid in enumerate(component_order)}
    return (
        frame.with_columns(
            pl.col("component_id").replace_strict(order, return_dtype=I64).alias("_c"),
            pl.col("line_kind").replace_strict(KIND_ORDER, return_dtype=I64).alias("_k"),
        )
        .sort(["_c", "payee_id", "target_id", "source_id", "_k"], nulls_last=False)
        .drop("_c", "_k")
    )
