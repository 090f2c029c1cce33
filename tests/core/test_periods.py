"""core.periods: parsing, bounds, neighbours, tenure, rolling windows."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meritline.core.periods import (
    Period,
    PeriodError,
    PeriodKind,
    rolling_window,
    whole_years_between,
)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_period_bounds(text, start, end):
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert str(period) == text


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-H3", "26", "", "2026-00"])
def test_bad_periods_are_refused(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_neighbours_cross_the_year():
    assert str(Period.parse("2026-Q1").previous()) == "2025-Q4"
    assert str(Period.parse("2026-12").next()) == "2027-01"


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(list(PeriodKind)),
)
def test_a_day_lies_in_exactly_its_period_and_periods_tile(day, kind):
    period = Period.containing(day, kind)
    assert period.contains(day)
    assert period.next().start == date.fromordinal(period.end.toordinal() + 1)
    assert period.previous().next() == period


def test_tenure_counts_completed_years():
    assert whole_years_between(date(2022, 7, 1), date(2026, 11, 23)) == 4
    assert whole_years_between(date(2022, 11, 24), date(2026, 11, 23)) == 3
    assert whole_years_between(date(2027, 1, 1), date(2026, 11, 23)) == 0


def test_rolling_window_of_twelve_months():
    assert rolling_window(date(2026, 11, 23), 12) == (date(2025, 11, 24), date(2026, 11, 23))
    assert rolling_window(date(2026, 3, 31), 1) == (date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(PeriodError):
        rolling_window(date(2026, 3, 31), 0)
