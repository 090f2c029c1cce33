"""``components/dense.py``: lookups by id in an array, or by a join when the ids are too
sparse — the same answers, and the same lines as the reference either way."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from polars.testing import assert_frame_equal

from meritline.incentives.engine import (
    evaluate,
    parse_plan,
)
from meritline.incentives.engine.components.dense import DenseIndex
from tests.incentives.engine.helpers import scaled_ids
from tests.incentives.engine.strategies import inputs, plans

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_dense_keys_are_looked_up_in_an_array():
    index = DenseIndex(pl.Series([5, 7, 9]), pl.Series([50, 70, 90]))
    assert index.table is not None
    found = index.get(pl.Series([9, 5, 6, 10, 4, -3, None], dtype=pl.Int64))
    assert found.to_list() == [90, 50, None, None, None, None, None]


def test_sparse_keys_fall_back_to_a_join_with_the_same_answers():
    index = DenseIndex(pl.Series([5, 7, 9 * 10**15]), pl.Series([50, 70, 90]))
    assert index.table is None
    found = index.get(pl.Series([9 * 10**15, 5, 6, None], dtype=pl.Int64))
    assert found.to_list() == [90, 50, None, None]


def test_an_empty_index_finds_nothing():
    index = DenseIndex(pl.Series([], dtype=pl.Int64), pl.Series([], dtype=pl.UInt32))
    assert index.get(pl.Series([1, 2])).to_list() == [None, None]
    assert index.get(pl.Series([1, 2])).dtype == pl.UInt32


@FAST
@given(plans(), inputs())
def test_sparse_deal_ids_give_the_same_lines_as_the_reference(document, data):
    plan = parse_plan(document)
    sparse = scaled_ids(data, 10**13, 1)
    assert_frame_equal(
        evaluate(plan, sparse, "reference").lines, evaluate(plan, sparse, "vectorized").lines
    )
