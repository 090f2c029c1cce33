"""The input frames of the metrics engine: their columns, dtypes and rules.

This is the contract between the sales app (which converts its records into these
frames) and every metric. Columns listed here are required; extra columns (for
example a ``team_id`` the caller adds to group by) are allowed and ignored unless
named as the grouping column. Money is integer fen. One row per credited person:
a deal split between two people is two rows of ``deals`` whose ``amount_fen`` and
``cost_fen`` are that person's shares (split with ``core.money.allocate``, so the
rows of one deal add up to the contract exactly); collections and refunds of a
split deal are split the same way and carry the credited ``employee_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import polars as pl

Schema = Mapping[str, pl.DataType]

DEALS: Final[dict[str, pl.DataType]] = {
    "deal_id": pl.Int64(),
    # the credited person: the owner or a collaborator, one row each
    "employee_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "platform_id": pl.Int64(),
    "signed_on": pl.Date(),
    # this person's credited share of the contract amount
    "amount_fen": pl.Int64(),
    # this person's credited share of the cost (for gross margin)
    "cost_fen": pl.Int64(),
    # the whole contract amount, the same on every row of the deal; decides the segment
    "deal_amount_fen": pl.Int64(),
    # the customer had signed an earlier deal (decided by the sales app)
    "is_repurchase": pl.Boolean(),
    # a cancelled deal counts nowhere, nor do its collections and refunds
    "is_cancelled": pl.Boolean(),
    "lead_id": pl.Int64(),
}

COLLECTIONS: Final[dict[str, pl.DataType]] = {
    "deal_id": pl.Int64(),
    "employee_id": pl.Int64(),
    "received_on": pl.Date(),
    # this person's credited share of the payment received, >= 0
    "amount_fen": pl.Int64(),
}

REFUNDS: Final[dict[str, pl.DataType]] = {
    "deal_id": pl.Int64(),
    "employee_id": pl.Int64(),
    "refunded_on": pl.Date(),
    # this person's credited share of the money given back, positive (>= 0)
    "amount_fen": pl.Int64(),
}

LEADS: Final[dict[str, pl.DataType]] = {
    "lead_id": pl.Int64(),
    # the owner (the salesperson working the lead)
    "employee_id": pl.Int64(),
    # who brought the lead (marketing, a referrer, or the owner when self-sourced)
    "source_employee_id": pl.Int64(),
    "platform_id": pl.Int64(),
    "created_on": pl.Date(),
    "first_follow_up_on": pl.Date(),
    "won_on": pl.Date(),
}

CUSTOMERS: Final[dict[str, pl.DataType]] = {
    "customer_id": pl.Int64(),
    "is_enterprise": pl.Boolean(),
    "platform_id": pl.Int64(),
    # the date of the customer's first signed (not cancelled) deal; null if none yet
    "first_purchase_on": pl.Date(),
}

SCHEMAS: Final[dict[str, dict[str, pl.DataType]]] = {
    "deals": DEALS,
    "collections": COLLECTIONS,
    "refunds": REFUNDS,
    "leads": LEADS,
    "customers": CUSTOMERS,
}

NULLABLE: Final[dict[str, frozenset[str]]] = {
    "deals": frozenset({"lead_id"}),
    "collections": frozenset(),
    "refunds": frozenset(),
    "leads": frozenset({"source_employee_id", "first_follow_up_on", "won_on"}),
    "customers": frozenset({"first_purchase_on"}),
}

UNIQUE: Final[dict[str, tuple[str, ...]]] = {
    "deals": ("deal_id", "employee_id"),
    "leads": ("lead_id",),
    "customers": ("customer_id",),
}

NON_NEGATIVE: Final[dict[str, tuple[str, ...]]] = {
    "collections": ("amount_fen",),
    "refunds": ("amount_fen",),
}


class FrameError(ValueError):
    """A frame does not have the columns, dtypes or values the engine needs."""


def validate_frame(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Check ``frame`` against the schema called ``name``; return it unchanged.

    Raises :class:`FrameError` naming the frame and every problem found: a missing
    column, a wrong dtype, nulls in a column that must not have them, duplicate keys,
    negative collection/refund amounts.
    """
    if name not in SCHEMAS:
        raise FrameError(f"unknown frame {name!r}; expected one of {sorted(SCHEMAS)}")
    if not isinstance(frame, pl.DataFrame):
        raise FrameError(f"{name}: expected a polars DataFrame, got {type(frame).__name__}")
    problems: list[str] = []
    for column, dtype in SCHEMAS[name].items():
        if column not in frame.columns:
            problems.append(f"missing column {column!r} ({dtype})")
        elif frame.schema[column] != dtype:
            problems.append(f"column {column!r} is {frame.schema[column]}, expected {dtype}")
    if problems:
        raise FrameError(f"{name}: " + "; ".join(problems))
    for column in SCHEMAS[name]:
        if column not in NULLABLE[name]:
            nulls = frame[column].null_count()
            if nulls:
                problems.append(f"column {column!r} has {nulls} null value(s)")
    for column in NON_NEGATIVE.get(name, ()):
        if frame.height and frame.select((pl.col(column) < 0).any()).item():
            problems.append(f"column {column!r} has negative amounts")
    key = UNIQUE.get(name)
    if key and frame.height:
        counts = frame.lazy().group_by(key).len().filter(pl.col("len") > 1)
        duplicates = counts.select(pl.len()).collect().item()
        if duplicates:
            problems.append(f"{duplicates} key(s) appear more than once for ({', '.join(key)})")
    if problems:
        raise FrameError(f"{name}: " + "; ".join(problems))
    return frame


def empty_frame(name: str) -> pl.DataFrame:
    """A frame with no rows and the schema called ``name``."""
    return pl.DataFrame(schema=SCHEMAS[name])


def frame_from_rows(name: str, rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Build and validate a frame from dicts (extra keys become extra columns)."""
    materialised = list(rows)
    if not materialised:
        return empty_frame(name)
    keys = {key for row in materialised for key in row}
    frame = pl.DataFrame(materialised, schema_overrides=SCHEMAS[name], infer_schema_length=None)
    absent = [column for column in NULLABLE[name] if column not in keys]
    frame = frame.with_columns(
        pl.lit(None, dtype=SCHEMAS[name][column]).alias(column) for column in absent
    )
    ordered = [column for column in SCHEMAS[name] if column in frame.columns]
    return validate_frame(name, frame.select([*ordered, *sorted(keys - set(SCHEMAS[name]))]))


@dataclass(frozen=True)
class Frames:
    """The frames a computation reads; each is validated on construction.

    Leave a frame out (``None``) when no requested metric needs it; the engine names
    the missing frame if one does.
    """

    deals: pl.DataFrame | None = None
    collections: pl.DataFrame | None = None
    refunds: pl.DataFrame | None = None
    leads: pl.DataFrame | None = None
    customers: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        for name in SCHEMAS:
            frame = getattr(self, name)
            if frame is not None:
                validate_frame(name, frame)
                if frame.n_chunks() > 1:
                    # frames read from files or built in batches come in many chunks;
                    # one contiguous copy makes every later join and group-by faster
                    object.__setattr__(self, name, frame.rechunk())
        if self.deals is not None:
            for name in ("collections", "refunds"):
                _check_references(name, self.get(name), ["deal_id", "employee_id"], self.deals)
            if self.customers is not None:
                _check_references("deals", self.deals, ["customer_id"], self.customers)

    def get(self, name: str) -> pl.DataFrame | None:
        frame: pl.DataFrame | None = getattr(self, name)
        return frame


def _check_references(
    name: str, frame: pl.DataFrame | None, key: list[str], target: pl.DataFrame
) -> None:
    """Every ``key`` of ``frame`` must exist in ``target``: no collection on an unknown deal."""
    if frame is None or not frame.height:
        return
    orphans = frame.lazy().select(key).join(target.lazy().select(key), on=key, how="anti")
    count = orphans.select(pl.len()).collect().item()
    if count:
        example = orphans.head(1).collect().row(0, named=True)
        raise FrameError(
            f"{name}: {count} row(s) refer to ({', '.join(key)}) missing from the "
            f"{'customers' if key == ['customer_id'] else 'deals'} frame, e.g. {example}"
        )


@dataclass(frozen=True)
class Segment:
    """The big-client threshold in force over time: ``(valid_from, threshold_fen)`` pairs.

    A deal is a *big-client* deal when its whole contract amount (``deal_amount_fen``,
    not the credited share) is at least the threshold in force on its ``signed_on``
    date, and a *small order* otherwise. The earliest threshold also applies to deals
    signed before its ``valid_from`` (history older than the first configured value).
    Example: ``Segment(((date(2020, 1, 1), 300_000), (date(2025, 1, 1), 1_000_000)))``
    — 3,000 CNY until 2024, then 10,000 CNY (PAY-5).
    """

    thresholds: tuple[tuple[date, int], ...]

    def __post_init__(self) -> None:
        if not self.thresholds:
            raise FrameError("segment: at least one (valid_from, threshold_fen) is needed")
        starts = [start for start, _ in self.thresholds]
        if starts != sorted(set(starts)):
            raise FrameError("segment: valid_from dates must be distinct and in order")
        if any(fen <= 0 for _, fen in self.thresholds):
            raise FrameError("segment: thresholds must be positive amounts in fen")

    def threshold_on(self, day: date) -> int:
        """The threshold in fen in force on ``day``."""
        current = self.thresholds[0][1]
        for start, fen in self.thresholds:
            if start <= day:
                current = fen
        return current
