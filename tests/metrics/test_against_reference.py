"""The vectorised engine equals the row-by-row reference, to the fen and the last decimal."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meritline.metrics import Segment, compute, metric_names
from tests.metrics import reference
from tests.metrics.helpers import to_frames
from tests.metrics.strategies import EMPLOYEES, scenario, thresholds

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEAD_ONLY = sorted(reference.LEAD_METRICS)


def _both(
    data: dict[str, list[dict[str, Any]]],
    metrics: list[str],
    chosen_windows: list[Any],
    by: str,
    limits: tuple[Any, ...],
    groups: list[int] | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    engine = compute(
        metrics,
        to_frames(data),
        chosen_windows,
        by,
        segment=Segment(limits),
        groups=groups,
    ).to_dicts()
    expected = reference.compute(
        metrics, data, chosen_windows, by, thresholds=limits, groups=groups
    )
    return engine, expected


@SETTINGS
@given(world=scenario(), by=st.sampled_from(["employee_id", "team_id"]), limits=thresholds)
def test_every_metric_equals_the_reference(
    world: tuple[dict[str, list[dict[str, Any]]], list[Any]], by: str, limits: tuple[Any, ...]
) -> None:
    data, chosen_windows = world
    engine, expected = _both(data, metric_names(), chosen_windows, by, limits, None)
    assert engine == expected


@SETTINGS
@given(
    world=scenario(),
    metrics=st.lists(st.sampled_from(metric_names()), min_size=1, max_size=4, unique=True),
    groups=st.none() | st.lists(st.sampled_from([*EMPLOYEES, 99]), max_size=3),
)
def test_any_subset_for_chosen_people_equals_the_reference(
    world: tuple[dict[str, list[dict[str, Any]]], list[Any]],
    metrics: list[str],
    groups: list[int] | None,
) -> None:
    data, chosen_windows = world
    limits = ((chosen_windows[0][0], 5_000),)
    engine, expected = _both(data, metrics, chosen_windows, "employee_id", limits, groups)
    assert engine == expected


@settings(SETTINGS, max_examples=30)
@given(world=scenario(), seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_change_any_number(
    world: tuple[dict[str, list[dict[str, Any]]], list[Any]], seed: int
) -> None:
    data, chosen_windows = world
    frames = to_frames(data)
    shuffled = type(frames)(
        **{
            name: frame.sample(fraction=1.0, shuffle=True, seed=seed)
            for name, frame in vars(frames).items()
            if isinstance(frame, pl.DataFrame)
        }
    )
    segment = Segment(((chosen_windows[0][0], 5_000),))
    first = compute(metric_names(), frames, chosen_windows, segment=segment)
    second = compute(metric_names(), shuffled, chosen_windows, segment=segment)
    assert first.equals(second)


@settings(SETTINGS, max_examples=30)
@given(world=scenario())
def test_lead_metrics_can_be_grouped_by_the_lead_source(
    world: tuple[dict[str, list[dict[str, Any]]], list[Any]],
) -> None:
    data, chosen_windows = world
    frames = to_frames({"leads": data["leads"]})
    engine = compute(LEAD_ONLY, frames, chosen_windows, "source_employee_id").to_dicts()
    expected = reference.compute(LEAD_ONLY, data, chosen_windows, "source_employee_id")
    assert engine == expected
