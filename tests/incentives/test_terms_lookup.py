"""Terms in force: the plain-Python lookup for a few rows equals the as-of join."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from meritline.incentives.engine.numbers import RATE_DTYPE
from meritline.incentives.services import terms_lookup

DAY0 = date(2026, 1, 1)
days = st.integers(0, 60).map(lambda n: DAY0 + timedelta(days=n))


@st.composite
def spans(draw):
    rows = []
    for key in draw(st.lists(st.integers(1, 3), max_size=4, unique=True)):
        starts = draw(st.lists(st.integers(0, 60), min_size=1, max_size=4, unique=True))
        for start in starts:
            end = draw(st.none() | st.integers(start, 70))
            rate = Decimal(draw(st.integers(0, 300))) / 10_000
            rows.append(
                (
                    key,
                    DAY0 + timedelta(days=start),
                    None if end is None else DAY0 + timedelta(days=end),
                    rate,
                )
            )
    return pl.DataFrame(
        rows,
        schema={"key": pl.Int64, "valid_from": pl.Date, "valid_to": pl.Date, "value": RATE_DTYPE},
        orient="row",
    )


@settings(max_examples=150, deadline=None)
@given(
    span_rows=spans(),
    lookups=st.lists(st.tuples(st.integers(0, 4), st.none() | days), max_size=20),
)
def test_a_few_lookups_choose_as_the_join_does(span_rows, lookups):
    left = pl.DataFrame(lookups, schema={"key": pl.Int64, "day": pl.Date}, orient="row")
    few = terms_lookup.in_force(left, span_rows)
    saved = terms_lookup.FEW_ROWS
    terms_lookup.FEW_ROWS = -1
    try:
        joined = terms_lookup.in_force(left, span_rows)
    finally:
        terms_lookup.FEW_ROWS = saved
    assert few.to_list() == joined.to_list()
