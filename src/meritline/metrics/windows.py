"""Windows: inclusive (first day, last day) date ranges, and their previous window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise

import polars as pl

from meritline.core.periods import Period, PeriodKind, rolling_window

Window = tuple[date, date]


class WindowError(ValueError):
    """A window is malformed."""


def check_windows(windows: Sequence[Window]) -> list[Window]:
    """Refuse an empty list and windows that end before they start."""
    if not windows:
        raise WindowError("at least one window is needed")
    for start, end in windows:
        if not isinstance(start, date) or not isinstance(end, date):
            raise WindowError(f"window ({start!r}, {end!r}) must be two dates")
        if end < start:
            raise WindowError(f"window {start}..{end} ends before it starts")
    return list(windows)


def monthly_windows(first: str | Period, count: int) -> list[Window]:
    """``count`` consecutive calendar months starting with ``first`` ("2026-01")."""
    period = Period.parse(first) if isinstance(first, str) else first
    if period.kind is not PeriodKind.MONTH:
        raise WindowError(f"{period} is not a month")
    windows: list[Window] = []
    for _ in range(count):
        windows.append((period.start, period.end))
        period = period.next()
    return windows


def _months_spanned(start: date, end: date) -> int | None:
    """Whole calendar months from ``start`` (a 1st) to ``end`` (a month's last day)."""
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _rolling_months(start: date, end: date) -> int | None:
    """``m`` such that ``rolling_window(end, m) == (start, end)``, if any."""
    approx = (end.year - start.year) * 12 + end.month - start.month
    for months in (approx, approx + 1):
        if months >= 1 and rolling_window(end, months) == (start, end):
            return months
    return None


def previous_window(window: Window) -> Window:
    """The window of equal length just before ``window`` (for growth and retention).

    - whole calendar months (first day of a month to the last day of a month): the
      same number of whole months before — March → February, 2026-Q2 → 2026-Q1;
    - a rolling window of ``m`` months (``core.periods.rolling_window``): the ``m``
      months ending the day before — 2025-11-24..2026-11-23 → 2024-11-24..2025-11-23;
    - anything else: the same number of days ending the day before.
    """
    start, end = window
    months = _months_spanned(start, end)
    if months is not None:
        index = start.year * 12 + start.month - 1 - months
        return date(index // 12, index % 12 + 1, 1), start - timedelta(days=1)
    months = _rolling_months(start, end)
    if months is not None:
        return rolling_window(start - timedelta(days=1), months)
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


def assign_windows(frame: pl.LazyFrame, column: str, windows: Sequence[Window]) -> pl.LazyFrame:
    """Add a ``window`` column (index into ``windows``) from the date in ``column``.

    Rows outside every window are dropped; a row inside several (overlapping) windows
    is repeated once per window. One pass: the timeline is cut at every window
    boundary, each row finds its piece by binary search, and a small piece → window
    table is joined on.
    """
    cuts = sorted({start for start, _ in windows} | {end + timedelta(days=1) for _, end in windows})
    pieces: list[tuple[int, int]] = []
    for number, (low, high) in enumerate(pairwise(cuts)):
        for index, (start, end) in enumerate(windows):
            if start <= low and high - timedelta(days=1) <= end:
                pieces.append((number, index))
    mapping = pl.LazyFrame(
        {"_piece": [p for p, _ in pieces], "window": [w for _, w in pieces]},
        schema={"_piece": pl.Int64, "window": pl.UInt32},
    )
    boundaries = pl.Series("_cuts", cuts, dtype=pl.Date)
    piece = pl.lit(boundaries).search_sorted(pl.col(column), side="right").cast(pl.Int64) - 1
    inside = pl.col(column).is_between(cuts[0], cuts[-1], closed="left")
    return (
        frame.filter(inside)
        .with_columns(_piece=piece)
        .join(mapping, on="_piece", how="inner")
        .drop("_piece")
    )
