"""Windows, the previous window, and exact half-up rates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meritline.core.periods import Period, rolling_window
from meritline.metrics import WindowError, monthly_windows, previous_window, rate
from meritline.metrics.rates import rate_expr
from meritline.metrics.windows import assign_windows, check_windows


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        pytest.param(
            (date(2024, 3, 1), date(2024, 3, 31)),
            (date(2024, 2, 1), date(2024, 2, 29)),
            id="march-to-leap-february",
        ),
        pytest.param(
            (date(2024, 1, 1), date(2024, 1, 31)),
            (date(2023, 12, 1), date(2023, 12, 31)),
            id="january-to-december",
        ),
        pytest.param(
            (date(2026, 4, 1), date(2026, 6, 30)),
            (date(2026, 1, 1), date(2026, 3, 31)),
            id="quarter",
        ),
        pytest.param(
            (date(2024, 1, 1), date(2024, 12, 31)),
            (date(2023, 1, 1), date(2023, 12, 31)),
            id="year",
        ),
        pytest.param(
            rolling_window(date(2026, 11, 23), 12),
            (date(2024, 11, 24), date(2025, 11, 23)),
            id="rolling-12-months",
        ),
        pytest.param(
            rolling_window(date(2024, 3, 30), 1),
            rolling_window(date(2024, 2, 29), 1),
            id="rolling-month-across-leap-day",
        ),
        pytest.param(
            (date(2024, 2, 20), date(2024, 3, 1)),
            (date(2024, 2, 9), date(2024, 2, 19)),
            id="same-number-of-days",
        ),
    ],
)
def test_previous_window(window: tuple[date, date], expected: tuple[date, date]) -> None:
    assert previous_window(window) == expected


def test_monthly_windows_follow_the_calendar() -> None:
    windows = monthly_windows("2024-01", 12)
    assert windows[1] == (date(2024, 2, 1), date(2024, 2, 29))
    assert windows[-1] == (date(2024, 12, 1), date(2024, 12, 31))
    assert monthly_windows(Period.parse("2025-12"), 2)[1] == (date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(WindowError):
        monthly_windows("2024-Q1", 1)


def test_malformed_windows_are_refused() -> None:
    with pytest.raises(WindowError, match="at least one"):
        check_windows([])
    with pytest.raises(WindowError, match="ends before"):
        check_windows([(date(2024, 2, 2), date(2024, 2, 1))])


def test_a_row_in_overlapping_windows_is_counted_in_each() -> None:
    frame = pl.LazyFrame({"d": [date(2024, 1, 31), date(2024, 2, 15), date(2023, 1, 1)]})
    windows = [(date(2024, 1, 1), date(2024, 1, 31)), (date(2024, 1, 15), date(2024, 2, 15))]
    got = assign_windows(frame, "d", windows).sort("d", "window").collect()
    assert got.rows() == [(date(2024, 1, 31), 0), (date(2024, 1, 31), 1), (date(2024, 2, 15), 1)]


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (2, 3, Decimal("0.6667")),
        (1, 3, Decimal("0.3333")),
        (1, 8, Decimal("0.1250")),
        (1, 20_000, Decimal("0.0001")),  # exactly half of the last place rounds up
        (-1, 20_000, Decimal("-0.0001")),  # and away from zero when negative
        (1, 20_001, Decimal("0.0000")),
        (0, 5, Decimal("0.0000")),
        (7, 7, Decimal("1.0000")),
        (150, 100, Decimal("1.5000")),
        (1, 0, None),
        (1, -3, None),
    ],
)
def test_rate(num: int, den: int, expected: Decimal | None) -> None:
    assert rate(num, den) == expected


def _decimal_rate(num: int, den: int) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@settings(max_examples=200)
@given(st.integers(-(2**62), 2**62), st.integers(1, 2**62))
def test_rate_equals_decimal_half_up(num: int, den: int) -> None:
    assert rate(num, den) == _decimal_rate(num, den)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(-(2**62), 2**62), st.integers(-5, 2**62)), max_size=20))
def test_the_engine_rate_equals_the_python_rate(pairs: list[tuple[int, int]]) -> None:
    frame = pl.DataFrame(pairs, schema={"n": pl.Int64, "d": pl.Int64}, orient="row")
    got = frame.select(rate_expr("n", "d")).to_series().to_list()
    assert got == [rate(n, d) for n, d in pairs]
