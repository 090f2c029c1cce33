"""core.money: exact fen arithmetic (table tests and hypothesis properties)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meritline.core.money import (
    MoneyError,
    Rounding,
    allocate,
    apply_rate,
    format_fen,
    parse_yuan,
    to_yuan,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,200,000", 120_000_000),
        ("¥8000", 800_000),
        ("8000.5", 800_050),
        ("0.01", 1),
        ("-3.20", -320),
        ("9200元", 920_000),
        (8000, 800_000),
    ],
)
def test_parse_yuan_reads_common_spellings(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "1.001", "NaN", "Infinity", "1e", True])
def test_parse_yuan_refuses_what_is_not_money(text):
    with pytest.raises(MoneyError):
        parse_yuan(text)


def test_format_fen_groups_thousands_and_keeps_sign():
    assert format_fen(120_000_000) == "¥1,200,000.00"
    assert format_fen(-5) == "-¥0.05"
    assert format_fen(0) == "¥0.00"


def test_seed_commission_example_is_exact():
    # SPEC PAY-2: 1.2 M at 2 % = 24,000
    assert apply_rate(parse_yuan("1200000"), "0.02") == parse_yuan("24000")


def test_rounding_modes_differ_only_on_ties():
    assert apply_rate(25, "0.1", Rounding.HALF_UP) == 3
    assert apply_rate(25, "0.1", Rounding.HALF_EVEN) == 2
    assert apply_rate(35, "0.1", Rounding.HALF_EVEN) == 4


def test_allocate_splits_by_largest_remainder():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [Decimal("0.7"), Decimal("0.3")]) == [7, 3]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_allocate_refuses_bad_weights(weights):
    with pytest.raises(ValueError):
        allocate(100, weights)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_and_parse_round_trip(fen):
    assert parse_yuan(format_fen(fen).replace("¥", "")) == fen
    assert parse_yuan(to_yuan(fen)) == fen


@given(
    st.integers(min_value=-(10**13), max_value=10**13),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12).filter(any),
)
def test_allocate_parts_always_add_up_to_the_fen(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / weight_sum
        assert abs(Decimal(part) - exact) < 1


@given(
    st.integers(min_value=0, max_value=10**13),
    st.integers(min_value=0, max_value=10**13),
    st.decimals(min_value=0, max_value=1, places=4),
)
def test_apply_rate_is_monotone_in_the_amount(a, b, rate):
    low, high = sorted((a, b))
    assert apply_rate(low, rate) <= apply_rate(high, rate)


@given(st.integers(min_value=-(10**13), max_value=10**13), st.decimals(0, 1, places=4))
def test_apply_rate_is_within_half_a_fen_of_the_exact_product(fen, rate):
    assert abs(Decimal(apply_rate(fen, rate)) - Decimal(fen) * rate) <= Decimal("0.5")
