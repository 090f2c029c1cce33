"""compute(): its result shape, groups, windows, and the errors it gives."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from meritline.core.periods import rolling_window
from meritline.metrics import (
    METRICS,
    RATE_DTYPE,
    Frames,
    MetricsError,
    Segment,
    Unit,
    compute,
    definition,
    empty_frame,
    frame_from_rows,
    metric_names,
    monthly_windows,
)
from meritline.metrics.engine import plan
from tests.metrics.test_definitions import ALICE, BOB, FEB, SEGMENT, deal, lead

DEALS = frame_from_rows(
    "deals", [deal(1, date(2024, 2, 3)), deal(2, date(2024, 2, 4), who=BOB, amount=7)]
)


def full_frames() -> Frames:
    return Frames(
        deals=DEALS,
        collections=empty_frame("collections"),
        refunds=empty_frame("refunds"),
        customers=frame_from_rows(
            "customers",
            [
                {
                    "customer_id": 1,
                    "is_enterprise": True,
                    "platform_id": 1,
                    "first_purchase_on": None,
                }
            ],
        ),
        leads=frame_from_rows("leads", [lead(1, date(2024, 2, 1))]),
    )


def test_result_has_one_row_per_group_and_window_with_typed_columns() -> None:
    windows = monthly_windows("2024-01", 3)
    result = compute(metric_names(), full_frames(), windows, segment=SEGMENT)
    assert result.height == 2 * 3
    assert result.select("employee_id", "window_start").rows()[:3] == [
        (ALICE, date(2024, 1, 1)),
        (ALICE, date(2024, 2, 1)),
        (ALICE, date(2024, 3, 1)),
    ]
    for name, metric in METRICS.items():
        if metric.unit.is_ratio:
            assert result.schema[f"{name}__num"] == pl.Int64
            assert result.schema[f"{name}__den"] == pl.Int64
            assert result.schema[name] == RATE_DTYPE
        else:
            assert result.schema[name] == pl.Int64
    assert result.schema["window_end"] == pl.Date


def test_chosen_groups_get_a_row_even_without_data() -> None:
    result = compute(["sales_amount", "conversion_rate"], full_frames(), [FEB], groups=[BOB, 99])
    assert result.rows() == [
        (BOB, *FEB, 7, 0, 0, None),
        (99, *FEB, 0, 0, 0, None),
    ]


def test_a_rolling_year_is_one_window() -> None:
    window = rolling_window(date(2024, 2, 3), 12)
    result = compute(["sales_amount"], full_frames(), [window], groups=[ALICE])
    assert result["sales_amount"].to_list() == [10_000]


def test_windows_keep_the_order_they_were_given() -> None:
    windows = [FEB, (date(2024, 1, 1), date(2024, 1, 31))]
    result = compute(["deal_count"], full_frames(), windows, groups=[ALICE])
    assert result["window_start"].to_list() == [FEB[0], date(2024, 1, 1)]


def test_plan_is_lazy() -> None:
    assert isinstance(plan(["deal_count"], full_frames(), [FEB]), pl.LazyFrame)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metrics": ["sales_volume"]}, "unknown metric"),
        ({"metrics": []}, "no metric"),
        ({"metrics": ["deal_count", "deal_count"]}, "requested twice"),
        ({"windows": [FEB, FEB]}, "listed twice"),
        ({"windows": []}, "at least one window"),
        ({"metrics": ["small_order_volume"], "segment": None}, "need.*Segment"),
        ({"by": "region_id"}, "'region_id' is not in the deals frame"),
        ({"by": "is_repurchase"}, "is Boolean, not Int64"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "metrics": ["deal_count"],
        "frames": full_frames(),
        "windows": [FEB],
        "segment": SEGMENT,
    }
    arguments.update(kwargs)
    with pytest.raises((MetricsError, ValueError), match=message):
        compute(**arguments)  # type: ignore[arg-type]


def test_a_missing_frame_is_named_with_the_metrics_that_need_it() -> None:
    with pytest.raises(MetricsError, match="the refunds frame is needed by gross_margin, sales"):
        compute(["sales_amount", "gross_margin"], Frames(deals=DEALS), [FEB])
    with pytest.raises(MetricsError, match="the customers frame is needed by enterprise_clients"):
        compute(["enterprise_clients"], Frames(deals=DEALS), [FEB])


def test_lead_metrics_need_only_the_leads_frame() -> None:
    frames = Frames(leads=frame_from_rows("leads", [lead(1, date(2024, 2, 1))]))
    assert compute(["conversion_rate"], frames, [FEB]).height == 1


def test_every_metric_publishes_its_definition() -> None:
    for name in metric_names():
        text = definition(name)
        assert len(text) > 60
        if METRICS[name].unit is Unit.RATIO:
            assert "Null when" in text, name
    with pytest.raises(MetricsError):
        definition("nope")


def test_segment_is_the_caller_s_choice() -> None:
    strict = Segment(((date(2000, 1, 1), 1),))
    result = compute(["small_order_volume"], full_frames(), [FEB], segment=strict)
    assert result["small_order_volume"].to_list() == [0, 0]
