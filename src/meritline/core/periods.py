"""Periods as values: "2026-10", "2026-Q4", "2026-H2", "2026".

Pure: imports only the standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum


class PeriodKind(str, Enum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.value]


_PATTERNS: list[tuple[re.Pattern[str], PeriodKind]] = [
    (re.compile(r"^(\d{4})-(\d{2})$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})-Q([1-4])$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})-H([12])$"), PeriodKind.HALF),
    (re.compile(r"^(\d{4})$"), PeriodKind.YEAR),
]


class PeriodError(ValueError):
    """A text is not a period."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; ``index`` is 1-based within the year (month 1-12, quarter 1-4 …)."""

    year: int
    kind: PeriodKind
    index: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= 12 // self.kind.months:
            raise PeriodError(f"{self.kind.value} index {self.index} out of range")

    @classmethod
    def parse(cls, text: str) -> Period:
        for pattern, kind in _PATTERNS:
            match = pattern.match(text.strip().upper())
            if match:
                year = int(match.group(1))
                index = int(match.group(2)) if kind is not PeriodKind.YEAR else 1
                try:
                    return cls(year, kind, index)
                except PeriodError as exc:
                    raise PeriodError(f"not a period: {text!r}") from exc
        raise PeriodError(f"not a period: {text!r}")

    @classmethod
    def containing(cls, day: date, kind: PeriodKind) -> Period:
        return cls(day.year, kind, (day.month - 1) // kind.months + 1)

    @property
    def start(self) -> date:
        return date(self.year, (self.index - 1) * self.kind.months + 1, 1)

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        return self.next().start - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        count = 12 // self.kind.months
        if self.index == count:
            return Period(self.year + 1, self.kind, 1)
        return Period(self.year, self.kind, self.index + 1)

    def previous(self) -> Period:
        if self.index == 1:
            return Period(self.year - 1, self.kind, 12 // self.kind.months)
        return Period(self.year, self.kind, self.index - 1)

    def __str__(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind is PeriodKind.HALF:
            return f"{self.year}-H{self.index}"
        return f"{self.year}"


def whole_years_between(start: date, end: date) -> int:
    """Completed years from ``start`` to ``end`` (tenure); 0 if ``end`` is before ``start``."""
    if end < start:
        return 0
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def rolling_window(end: date, months: int) -> tuple[date, date]:
    """The ``months`` months ending on ``end`` inclusive, as (first day, last day).

    12 months ending 2026-11-23 → (2025-11-24, 2026-11-23).
    """
    if months < 1:
        raise PeriodError("a window needs at least one month")
    month_index = end.year * 12 + end.month - 1 - months
    year, month0 = divmod(month_index, 12)
    day = min(end.day, _days_in_month(year, month0 + 1))
    return date(year, month0 + 1, day) + timedelta(days=1), end


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day
