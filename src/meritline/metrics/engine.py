"""Compute named metrics for every (group, window) in one vectorised polars plan."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from meritline.metrics.definitions import METRICS, Metric
from meritline.metrics.errors import MetricsError
from meritline.metrics.frames import Frames, Segment
from meritline.metrics.rates import rate_expr
from meritline.metrics.sources import (
    BASES,
    PREVIOUS,
    SOURCES,
    Context,
    G,
    W,
    all_groups,
    frames_for,
)
from meritline.metrics.windows import Window, check_windows, previous_window

_KEY = [G, W]


def compute(
    metrics: Sequence[str],
    frames: Frames,
    windows: Sequence[Window],
    by: str = "employee_id",
    *,
    segment: Segment | None = None,
    groups: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Compute ``metrics`` for every group × window; one row each, sorted by group, window.

    ``by`` names an Int64 column of the deals frame (and of the leads frame for lead
    metrics): ``employee_id`` (default), or a ``team_id`` / ``platform_id`` / …
    the caller added; collections and refunds take it from their deal's credited row.
    ``windows`` are inclusive (first day, last day) pairs, e.g.
    ``monthly_windows("2026-01", 12)`` or ``[rolling_window(day, 12)]``.
    ``groups`` restricts the result to these group values and gives them a row even
    without any data; by default every value found in the frames read is a group.
    ``segment`` (big-client thresholds) is required by the segment metrics.

    Columns: ``<by>``, ``window_start``, ``window_end``, then per metric either
    ``<metric>`` (Int64 fen or count) or ``<metric>__num``, ``<metric>__den`` (Int64)
    and ``<metric>`` (Decimal(38, 4), null for a zero or negative denominator).
    """
    return plan(metrics, frames, windows, by, segment=segment, groups=groups).collect()


def plan(
    metrics: Sequence[str],
    frames: Frames,
    windows: Sequence[Window],
    by: str = "employee_id",
    *,
    segment: Segment | None = None,
    groups: Sequence[int] | None = None,
) -> pl.LazyFrame:
    """The query behind :func:`compute`, not yet collected (intermediate frames shared by
    several metrics are already computed)."""
    chosen = _check_request(metrics, segment)
    requested = check_windows(windows)
    if len(set(requested)) != len(requested):
        raise MetricsError("a window is listed twice")
    bases: set[str] = set().union(*(m.bases for m in chosen))
    all_windows, previous = _with_previous(requested, bases)
    ctx = Context(
        frames=frames,
        by=by,
        windows=all_windows,
        previous=previous,
        segment=segment,
        groups=None if groups is None else list(groups),
        wanted=set(metrics),
        bases=bases,
    )
    frame_names: set[str] = set().union(*(frames_for(m) for m in chosen))
    for name in sorted(frame_names):
        ctx.frame(name)
    grid = all_groups(ctx, frame_names).join(
        pl.LazyFrame({W: range(len(requested))}, schema={W: pl.UInt32}), how="cross"
    )
    result = _with_bases(ctx, grid, bases)
    return (
        _with_metrics(result, chosen)
        .join(ctx.window_table(), on=W, how="left")
        .sort(G, W)
        .select(pl.col(G).alias(by), "window_start", "window_end", *_columns(chosen))
    )


def _check_request(metrics: Sequence[str], segment: Segment | None) -> list[Metric]:
    unknown = [name for name in metrics if name not in METRICS]
    if unknown:
        raise MetricsError(f"unknown metric(s) {unknown}; known: {sorted(METRICS)}")
    if not metrics:
        raise MetricsError("no metric requested")
    if len(set(metrics)) != len(metrics):
        raise MetricsError("a metric is requested twice")
    chosen = [METRICS[name] for name in metrics]
    if segment is None and any(m.needs_segment for m in chosen):
        needing = [m.name for m in chosen if m.needs_segment]
        raise MetricsError(f"{', '.join(needing)} need(s) a Segment (big-client thresholds)")
    return chosen


def _with_previous(requested: list[Window], bases: set[str]) -> tuple[list[Window], dict[int, int]]:
    """The requested windows plus, if needed, their previous windows; window → previous."""
    all_windows = list(requested)
    previous: dict[int, int] = {}
    if bases & {*PREVIOUS, "retained", "prev_buyers"}:
        for index, window in enumerate(requested):
            before = previous_window(window)
            if before not in all_windows:
                all_windows.append(before)
            previous[index] = all_windows.index(before)
    return all_windows, previous


def _with_bases(ctx: Context, grid: pl.LazyFrame, bases: set[str]) -> pl.LazyFrame:
    """The grid with every base column (and previous-window ones), 0 where nothing happened."""
    current = {PREVIOUS.get(base, base) for base in bases}
    by_source: dict[str, set[str]] = {}
    for base in current:
        by_source.setdefault(BASES[base][0], set()).add(base)
    result = grid
    for source, cols in sorted(by_source.items()):
        table = SOURCES[source](ctx, cols)
        result = result.join(table.select(*_KEY, *sorted(cols)), on=_KEY, how="left")
        wanted_prev = {p: c for p, c in PREVIOUS.items() if p in bases and c in cols}
        if wanted_prev:
            renamed = table.select(
                G,
                pl.col(W).alias("_prev"),
                *(pl.col(c).alias(p) for p, c in sorted(wanted_prev.items())),
            )
            result = (
                result.join(ctx.previous_table(), on=W, how="left")
                .join(renamed, on=[G, "_prev"], how="left")
                .drop("_prev")
            )
    return result.with_columns(pl.col(sorted(bases)).fill_null(0).cast(pl.Int64))


def _with_metrics(result: pl.LazyFrame, chosen: list[Metric]) -> pl.LazyFrame:
    outputs: list[pl.Expr] = []
    ratios: list[str] = []
    for metric in chosen:
        parts = metric.build()
        if metric.unit.is_ratio:
            if parts.num is None or parts.den is None:
                raise TypeError(f"ratio metric {metric.name} needs num and den")
            outputs += [
                parts.num.alias(f"{metric.name}__num"),
                parts.den.alias(f"{metric.name}__den"),
            ]
            ratios.append(metric.name)
        else:
            if parts.value is None:
                raise TypeError(f"metric {metric.name} needs a value")
            outputs.append(parts.value.cast(pl.Int64).alias(metric.name))
    return result.with_columns(outputs).with_columns(
        rate_expr(f"{name}__num", f"{name}__den").alias(name) for name in ratios
    )


def _columns(chosen: list[Metric]) -> list[str]:
    columns: list[str] = []
    for metric in chosen:
        name = metric.name
        columns += [f"{name}__num", f"{name}__den", name] if metric.unit.is_ratio else [name]
    return columns


def metric_names() -> list[str]:
    """Every metric the engine knows, in definition order."""
    return list(METRICS)


def definition(name: str) -> str:
    """The exact definition of ``name`` (its docstring, on one line)."""
    if name not in METRICS:
        raise MetricsError(f"unknown metric {name!r}")
    return METRICS[name].definition
