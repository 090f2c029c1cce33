"""Base columns per (group, window): the sums and counts every metric is built from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from meritline.metrics.definitions import METRICS, Metric
from meritline.metrics.errors import MetricsError
from meritline.metrics.frames import Frames, Segment
from meritline.metrics.windows import Window, assign_windows

G = "_g"
W = "window"
_KEY = [G, W]


@dataclass
class Context:
    frames: Frames
    by: str
    windows: list[Window]
    previous: dict[int, int]
    segment: Segment | None
    groups: list[int] | None
    wanted: set[str]
    bases: set[str]
    _cache: dict[str, pl.LazyFrame] = field(default_factory=dict)

    def frame(self, name: str) -> pl.LazyFrame:
        frame = self.frames.get(name)
        if frame is None:
            users = sorted(m for m in self.wanted if name in frames_for(METRICS[m]))
            raise MetricsError(f"the {name} frame is needed by {', '.join(users)}")
        return frame.lazy()

    def grouped(self, name: str) -> pl.LazyFrame:
        """A frame with the grouping column as ``_g``, restricted to the wanted groups."""
        frame = self.frames.get(name)
        if frame is not None and self.by in frame.columns:
            dtype = frame.schema[self.by]
            if dtype != pl.Int64:
                raise MetricsError(f"grouping column {self.by!r} in {name} is {dtype}, not Int64")
        elif frame is not None:
            raise MetricsError(f"grouping column {self.by!r} is not in the {name} frame")
        lazy = (
            self.frame(name).with_columns(pl.col(self.by).alias(G)).filter(pl.col(G).is_not_null())
        )
        if self.groups is not None:
            lazy = lazy.filter(pl.col(G).is_in(self.groups))
        return lazy

    def cached(self, key: str, build: Callable[[], pl.LazyFrame]) -> pl.LazyFrame:
        """``build()`` run once and kept in memory: it feeds several metrics."""
        if key not in self._cache:
            self._cache[key] = build().collect().lazy()
        return self._cache[key]

    def deals(self) -> pl.LazyFrame:
        """Deals that are not cancelled, with ``_g`` and (with a segment) ``is_big``."""
        lazy = self.grouped("deals").filter(~pl.col("is_cancelled"))
        if self.segment is not None:
            lazy = lazy.with_columns(is_big=pl.col("deal_amount_fen") >= _threshold(self.segment))
        return lazy

    def windowed_deals(self) -> pl.LazyFrame:
        """Deals that are not cancelled, once per window their signed_on falls in."""

        def build() -> pl.LazyFrame:
            columns = [G, "deal_id", "customer_id", "signed_on", "amount_fen", "cost_fen"]
            columns += ["is_repurchase", *(["is_big"] if self.segment is not None else [])]
            return assign_windows(self.deals().select(columns), "signed_on", self.windows)

        return self.cached("windowed_deals", build)

    def credited(self, name: str) -> pl.LazyFrame:
        """Collections or refunds of deals that are not cancelled, with ``_g`` and signed_on."""

        def build() -> pl.LazyFrame:
            deals = self.deals().select("deal_id", "employee_id", G, "signed_on")
            return self.frame(name).join(deals, on=["deal_id", "employee_id"], how="inner")

        return self.cached(f"credited_{name}", build)

    def window_table(self) -> pl.LazyFrame:
        return pl.LazyFrame(
            {
                W: list(range(len(self.windows))),
                "window_start": [start for start, _ in self.windows],
                "window_end": [end for _, end in self.windows],
            },
            schema={W: pl.UInt32, "window_start": pl.Date, "window_end": pl.Date},
        )

    def previous_table(self) -> pl.LazyFrame:
        return pl.LazyFrame(
            {W: list(self.previous), "_prev": list(self.previous.values())},
            schema={W: pl.UInt32, "_prev": pl.UInt32},
        )

    def distinct_count(self, column: str, condition: pl.Expr | None = None) -> pl.Expr:
        # (deal_id, employee_id) is unique, so per person a row is a deal
        if self.by == "employee_id" and column == "deal_id":
            return (pl.len() if condition is None else condition.sum()).cast(pl.Int64)
        values = pl.col(column) if condition is None else pl.col(column).filter(condition)
        return values.n_unique().cast(pl.Int64)


def _threshold(segment: Segment) -> pl.Expr:
    first = segment.thresholds[0][1]
    expr: pl.Expr = pl.lit(first, dtype=pl.Int64)
    for start, fen in segment.thresholds[1:]:
        expr = (
            pl.when(pl.col("signed_on") >= start).then(pl.lit(fen, dtype=pl.Int64)).otherwise(expr)
        )
    return expr


def _deal_totals(ctx: Context, cols: set[str]) -> pl.LazyFrame:
    aggs = [
        pl.col("amount_fen").sum().alias("amount"),
        pl.col("cost_fen").sum().alias("cost"),
        ctx.distinct_count("deal_id").alias("deals"),
    ]
    if cols & {"big_deals", "small_deals"}:
        aggs.append(ctx.distinct_count("deal_id", pl.col("is_big")).alias("big_deals"))
        aggs.append(ctx.distinct_count("deal_id", ~pl.col("is_big")).alias("small_deals"))
    return ctx.windowed_deals().group_by(_KEY).agg(aggs)


def _flow(name: str, date_column: str, alias: str) -> Callable[[Context, set[str]], pl.LazyFrame]:
    def build(ctx: Context, cols: set[str]) -> pl.LazyFrame:
        lazy = assign_windows(ctx.credited(name), date_column, ctx.windows)
        return lazy.group_by(_KEY).agg(pl.col("amount_fen").sum().alias(alias))

    return build


def _cohort(ctx: Context, cols: set[str]) -> pl.LazyFrame:
    ends = ctx.window_table().select(W, "window_end")
    parts: list[pl.LazyFrame] = []
    for name, date_column, alias in (
        ("collections", "received_on", "cohort_collected"),
        ("refunds", "refunded_on", "cohort_refunded"),
    ):
        if alias not in cols:
            continue
        lazy = assign_windows(ctx.credited(name), "signed_on", ctx.windows).join(ends, on=W)
        lazy = lazy.filter(pl.col(date_column) <= pl.col("window_end"))
        parts.append(lazy.group_by(_KEY).agg(pl.col("amount_fen").sum().alias(alias)))
    return _outer(parts)


def _customer_sets(ctx: Context) -> pl.LazyFrame:
    """One row per (group, window, customer) bought from, with what the purchases were."""

    def build() -> pl.LazyFrame:
        deals = ctx.windowed_deals()
        flags = [pl.col("is_repurchase").any().alias("_repurchase")]
        if ctx.bases & {"enterprise", "new_customers"}:
            customers = ctx.frame("customers").select(
                "customer_id", "is_enterprise", "first_purchase_on"
            )
            deals = deals.join(customers, on="customer_id", how="left")
            flags.append(pl.col("is_enterprise").first().fill_null(False).alias("_enterprise"))
            first = pl.col("signed_on") == pl.col("first_purchase_on")
            flags.append(first.fill_null(False).any().alias("_new"))
        return deals.group_by([*_KEY, "customer_id"]).agg(flags)

    return ctx.cached("customer_sets", build)


def _customers(ctx: Context, cols: set[str]) -> pl.LazyFrame:
    aggs = [
        pl.len().cast(pl.Int64).alias("buyers"),
        pl.col("_repurchase").sum().cast(pl.Int64).alias("repurchasers"),
    ]
    if cols & {"enterprise", "new_customers"}:
        aggs.append(pl.col("_enterprise").sum().cast(pl.Int64).alias("enterprise"))
        aggs.append(pl.col("_new").sum().cast(pl.Int64).alias("new_customers"))
    return _customer_sets(ctx).group_by(_KEY).agg(aggs)


def _retention(ctx: Context, cols: set[str]) -> pl.LazyFrame:
    sets = _customer_sets(ctx).select(G, W, "customer_id")
    pairs = ctx.previous_table().rename({W: "_current"})
    # each customer of a previous window, moved to the window it is the previous of
    before = sets.join(pairs, left_on=W, right_on="_prev").select(
        G, "customer_id", pl.col("_current").alias(W)
    )
    kept = before.join(sets, on=[G, W, "customer_id"], how="semi")
    return _outer(
        [
            before.group_by(_KEY).agg(pl.len().cast(pl.Int64).alias("prev_buyers")),
            kept.group_by(_KEY).agg(pl.len().cast(pl.Int64).alias("retained")),
        ]
    )


def _leads(ctx: Context, cols: set[str]) -> pl.LazyFrame:
    ends = ctx.window_table().select(W, "window_end")
    lazy = assign_windows(ctx.grouped("leads"), "created_on", ctx.windows).join(ends, on=W)
    won = pl.col("won_on").is_not_null() & (pl.col("won_on") <= pl.col("window_end"))
    followed = pl.col("first_follow_up_on").is_not_null() & (
        pl.col("first_follow_up_on") <= pl.col("window_end")
    )
    days = (pl.col("first_follow_up_on") - pl.col("created_on")).dt.total_days()
    return lazy.group_by(_KEY).agg(
        pl.len().cast(pl.Int64).alias("leads"),
        won.sum().cast(pl.Int64).alias("won"),
        days.filter(followed).sum().cast(pl.Int64).alias("follow_up_days"),
        followed.sum().cast(pl.Int64).alias("followed_up"),
    )


_Source = Callable[[Context, set[str]], pl.LazyFrame]

# base column -> (source, frames it reads)
BASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "amount": ("deal_totals", ("deals",)),
    "cost": ("deal_totals", ("deals",)),
    "deals": ("deal_totals", ("deals",)),
    "big_deals": ("deal_totals", ("deals",)),
    "small_deals": ("deal_totals", ("deals",)),
    "refunded": ("refund_flow", ("deals", "refunds")),
    "collected": ("collection_flow", ("deals", "collections")),
    "cohort_collected": ("cohort", ("deals", "collections")),
    "cohort_refunded": ("cohort", ("deals", "refunds")),
    "buyers": ("customers", ("deals",)),
    "repurchasers": ("customers", ("deals",)),
    "enterprise": ("customers", ("deals", "customers")),
    "new_customers": ("customers", ("deals", "customers")),
    "retained": ("retention", ("deals",)),
    "prev_buyers": ("retention", ("deals",)),
    "leads": ("leads", ("leads",)),
    "won": ("leads", ("leads",)),
    "follow_up_days": ("leads", ("leads",)),
    "followed_up": ("leads", ("leads",)),
}
PREVIOUS = {"prev_amount": "amount", "prev_refunded": "refunded"}
SOURCES: dict[str, _Source] = {
    "deal_totals": _deal_totals,
    "refund_flow": _flow("refunds", "refunded_on", "refunded"),
    "collection_flow": _flow("collections", "received_on", "collected"),
    "cohort": _cohort,
    "customers": _customers,
    "retention": _retention,
    "leads": _leads,
}


def frames_for(metric: Metric) -> set[str]:
    names: set[str] = set()
    for base in metric.bases:
        names.update(BASES[PREVIOUS.get(base, base)][1])
    return names


def _outer(parts: list[pl.LazyFrame]) -> pl.LazyFrame:
    result = parts[0]
    for part in parts[1:]:
        result = result.join(part, on=_KEY, how="full", coalesce=True)
    return result


def all_groups(ctx: Context, frame_names: set[str]) -> pl.LazyFrame:
    if ctx.groups is not None:
        return pl.LazyFrame({G: ctx.groups}, schema={G: pl.Int64}).unique()
    found = [ctx.grouped(name).select(G) for name in ("deals", "leads") if name in frame_names]
    return pl.concat(found).unique()
