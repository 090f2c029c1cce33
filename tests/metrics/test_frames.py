"""Frame validation: every problem is named, so a bad converter fails loudly."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from meritline.metrics import (
    SCHEMAS,
    FrameError,
    Frames,
    Segment,
    empty_frame,
    frame_from_rows,
    validate_frame,
)
from tests.metrics.test_definitions import customer, deal, paid, refund


def deals_frame() -> pl.DataFrame:
    return frame_from_rows("deals", [deal(1, date(2024, 2, 1)), deal(2, date(2024, 2, 2))])


def test_every_schema_builds_an_empty_valid_frame() -> None:
    for name in SCHEMAS:
        assert validate_frame(name, empty_frame(name)).height == 0


def test_missing_columns_and_wrong_dtypes_are_all_named() -> None:
    frame = deals_frame().drop("cost_fen").with_columns(pl.col("amount_fen").cast(pl.Float64))
    with pytest.raises(FrameError) as caught:
        validate_frame("deals", frame)
    message = str(caught.value)
    assert "missing column 'cost_fen'" in message
    assert "column 'amount_fen' is Float64, expected Int64" in message


def test_nulls_are_refused_where_a_value_is_required() -> None:
    frame = deals_frame().with_columns(signed_on=pl.lit(None, dtype=pl.Date))
    with pytest.raises(FrameError, match="'signed_on' has 2 null"):
        validate_frame("deals", frame)


def test_nullable_columns_may_be_null() -> None:
    assert validate_frame("deals", deals_frame())["lead_id"].null_count() == 2


def test_a_person_credited_twice_on_one_deal_is_refused() -> None:
    frame = pl.concat([deals_frame(), deals_frame().head(1)])
    with pytest.raises(FrameError, match=r"1 key\(s\) appear more than once"):
        validate_frame("deals", frame)


def test_negative_collections_are_refused() -> None:
    with pytest.raises(FrameError, match="'amount_fen' has negative amounts"):
        frame_from_rows("collections", [paid(1, date(2024, 2, 1), -5)])


def test_unknown_frame_and_wrong_type() -> None:
    with pytest.raises(FrameError, match="unknown frame"):
        validate_frame("orders", deals_frame())
    with pytest.raises(FrameError, match="expected a polars DataFrame"):
        validate_frame("deals", deals_frame().lazy())  # type: ignore[arg-type]


def test_a_collection_on_an_unknown_deal_is_refused() -> None:
    with pytest.raises(FrameError, match=r"collections: 1 row\(s\) refer to"):
        Frames(
            deals=deals_frame(),
            collections=frame_from_rows("collections", [paid(1, date(2024, 2, 1), 5, who=9)]),
        )


def test_a_refund_on_an_unknown_deal_is_refused() -> None:
    with pytest.raises(FrameError, match="refunds"):
        Frames(
            deals=deals_frame(), refunds=frame_from_rows("refunds", [refund(7, date.today(), 1)])
        )


def test_a_deal_of_an_unknown_customer_is_refused_when_customers_are_given() -> None:
    with pytest.raises(FrameError, match="missing from the customers frame"):
        Frames(deals=deals_frame(), customers=frame_from_rows("customers", [customer(2, None)]))


def test_frames_are_made_contiguous() -> None:
    frame = pl.concat([deals_frame().head(1), deals_frame().tail(1)], rechunk=False)
    assert frame.n_chunks() > 1
    assert Frames(deals=frame).get("deals") is not None
    assert Frames(deals=frame).deals.n_chunks() == 1  # type: ignore[union-attr]


def test_extra_columns_are_kept_for_grouping() -> None:
    assert "team_id" in deals_frame().columns


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ((), "at least one"),
        (((date(2025, 1, 1), 1), (date(2024, 1, 1), 2)), "in order"),
        (((date(2025, 1, 1), 1), (date(2025, 1, 1), 2)), "distinct"),
        (((date(2025, 1, 1), 0),), "positive"),
    ],
)
def test_bad_segments_are_refused(thresholds: tuple[tuple[date, int], ...], message: str) -> None:
    with pytest.raises(FrameError, match=message):
        Segment(thresholds)


def test_the_earliest_threshold_also_applies_before_it() -> None:
    segment = Segment(((date(2020, 1, 1), 300_000), (date(2025, 1, 1), 1_000_000)))
    assert segment.threshold_on(date(2019, 6, 1)) == 300_000
    assert segment.threshold_on(date(2024, 12, 31)) == 300_000
    assert segment.threshold_on(date(2025, 1, 1)) == 1_000_000
