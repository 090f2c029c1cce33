"""Commission terms in force: level rates per (employee, day) and adjustments per period.

Lookups over many (employee, day) pairs are as-of joins on frames: a month of millions
of deals needs at most payees × days of them, and no Python loop over either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import polars as pl

from meritline.incentives.engine.numbers import RATE_DTYPE
from meritline.incentives.models import CommissionTerms, TermsKind
from meritline.org.models import Assignment

I64, DATE = pl.Int64(), pl.Date()
RATES_SCHEMA = {"employee_id": I64, "valid_from": DATE, "rate": RATE_DTYPE}
FEW_ROWS = 32  # up to this many lookups, plain Python beats polars' as-of join


def _spans(rows: list[tuple[object, ...]], value: pl.DataType) -> pl.DataFrame:
    schema = {"key": I64, "valid_from": DATE, "valid_to": DATE, "value": value}
    return pl.DataFrame(rows, schema=schema, orient="row")


def in_force(left: pl.DataFrame, spans: pl.DataFrame) -> pl.Series:
    """For each row of ``left`` (``key``, ``day``), the ``value`` of the span of ``spans``
    (``key``, ``valid_from``, ``valid_to`` inclusive or null, ``value``) in force that day —
    the latest-starting one when several are — or null; in ``left``'s order."""
    rows = left.select(pl.col("key").cast(I64), pl.col("day").cast(DATE)).with_row_index("_row")
    if rows.height == 0 or spans.height == 0:
        return pl.Series("value", [None] * rows.height, dtype=spans.schema["value"])
    if rows.height <= FEW_ROWS:
        return _in_force_few(rows, spans)
    spans = spans.sort("valid_from")
    found = (
        rows.drop_nulls(["key", "day"])
        .sort("day")
        .join_asof(
            spans,
            left_on="day",
            right_on="valid_from",
            by="key",
            strategy="backward",
            check_sortedness=False,  # both sorted by day above
        )
    )
    covers = pl.col("valid_to").is_null() | (pl.col("day") <= pl.col("valid_to"))
    # The latest start before the day may have ended while an earlier span still covers
    # it (overlapping spans): those few rows are looked up in full.
    stale = found.filter(pl.col("valid_from").is_not_null() & ~covers).select("_row", "key", "day")
    exact = (
        stale.join(spans, on="key")
        .filter((pl.col("valid_from") <= pl.col("day")) & covers)
        .sort("valid_from", descending=True)
        .group_by("_row", maintain_order=True)
        .first()
        .select("_row", "value")
    )
    direct = found.filter(pl.col("valid_from").is_not_null() & covers).select("_row", "value")
    picked = pl.concat([direct, exact])
    return rows.join(picked, on="_row", how="left").sort("_row")["value"]


def _in_force_few(rows: pl.DataFrame, spans: pl.DataFrame) -> pl.Series:
    """``in_force`` for a few rows (one person's estimate) in plain Python: polars' joins
    cost more than they save on a handful of rows. Same choice: the latest-starting span
    that covers the day (of equal starts, the later one given)."""
    by_key: dict[object, list[tuple[date, date | None, object]]] = {}
    for key, start, end, value in spans.select("key", "valid_from", "valid_to", "value").rows():
        by_key.setdefault(key, []).append((start, end, value))
    values = []
    for key, day in rows.select("key", "day").rows():
        best: tuple[date, object] | None = None
        for start, end, value in by_key.get(key, ()) if day is not None else ():
            covers = start is not None and start <= day and (end is None or day <= end)
            if covers and (best is None or start >= best[0]):
                best = (start, value)
        values.append(None if best is None else best[1])
    return pl.Series("value", values, dtype=spans.schema["value"])


def level_rate_frame(pairs: pl.DataFrame) -> pl.DataFrame:
    """The level rate in force for each (``employee_id``, ``day``) of ``pairs``: the
    employee's own terms, else the terms of the job level of the assignment in force that
    day (its level, or its post's). As ``LEVEL_RATE_SCHEMA`` rows (``valid_from`` is the
    day), sorted; pairs without terms are left out."""
    pairs = pairs.select(pl.col("employee_id").cast(I64), pl.col("day").cast(DATE)).unique()
    if pairs.height == 0:
        return pl.DataFrame(schema=RATES_SCHEMA)
    people = pairs["employee_id"].unique().to_list()
    terms = CommissionTerms.objects.filter(kind=TermsKind.LEVEL_RATE)
    own = _spans(
        [
            (employee, start, None, rate)
            for employee, start, rate in terms.filter(employee_id__in=people).values_list(
                "employee_id", "valid_from", "rate"
            )
        ],
        RATE_DTYPE,
    )
    by_level = _spans(
        [
            (level, start, None, rate)
            for level, start, rate in terms.filter(level__isnull=False).values_list(
                "level_id", "valid_from", "rate"
            )
        ],
        RATE_DTYPE,
    )
    found = pairs.with_columns(
        in_force(pairs.select(key="employee_id", day="day"), own).alias("own")
    )
    if by_level.height:
        assigned = _spans(
            [
                (employee, start, end, level or post_level)
                for employee, start, end, level, post_level in Assignment.objects.filter(
                    employee_id__in=people
                ).values_list(
                    "employee_id", "valid_from", "valid_to", "level_id", "position__level_id"
                )
                if (level or post_level) is not None
            ],
            I64,
        )
        levels = in_force(found.select(key="employee_id", day="day"), assigned)
        found = found.with_columns(levels.alias("level_id"))
        found = found.with_columns(
            in_force(found.select(key="level_id", day="day"), by_level).alias("by_level")
        )
        rate = pl.coalesce("own", "by_level")
    else:
        rate = pl.col("own")
    return (
        found.select("employee_id", pl.col("day").alias("valid_from"), rate.alias("rate"))
        .drop_nulls("rate")
        .sort("employee_id", "valid_from")
    )


def adjustments_on(day: date, people: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Every non-zero rate adjustment in force on ``day`` (the first day of a period)."""
    rows = CommissionTerms.objects.filter(kind=TermsKind.ADJUSTMENT, valid_from__lte=day)
    if people is not None:
        rows = rows.filter(employee_id__in=list(people))
    latest: dict[int, Decimal] = {}
    for employee, rate in rows.order_by("valid_from").values_list("employee_id", "rate"):
        latest[employee] = rate
    return {employee: rate for employee, rate in latest.items() if rate}
