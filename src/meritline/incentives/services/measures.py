"""Gate metrics and award counts for a run, from the metrics engine (never re-implemented).

A gate names a ratio metric (``conversion_rate``…); it is measured over the run's period
for each payee, grouped by the owner (``employee_id``) or, for a ``lead_source`` payee,
by who brought the lead (``source_employee_id``). An award counts one of ``COUNTS`` from
the first day of the period's year to its last day (the award's horizon), so blocks
already awarded earlier in the year are not paid twice (the engine subtracts them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from meritline.core.periods import Period
from meritline.incentives.engine import Count, Issue, MetricValue, Plan
from meritline.incentives.engine.schema import AwardComponent, Role
from meritline.metrics import METRICS, Frames, Segment, compute
from meritline.metrics.sources import frames_for
from meritline.sales import frames as sales_frames


@dataclass(frozen=True)
class CountDef:
    metric: str
    enterprise_only: bool = False


# Count names an award may use, each measured by a metric of the metrics engine.
COUNTS: dict[str, CountDef] = {
    "new_enterprise_clients": CountDef("new_customers", enterprise_only=True),
    "new_customers": CountDef("new_customers"),
    "enterprise_clients": CountDef("enterprise_clients"),
    "deal_count": CountDef("deal_count"),
}


def _gates(plan: Plan) -> list[tuple[int, Any]]:
    return [(i, comp) for i, comp in enumerate(plan.components) if getattr(comp, "gate", None)]


def check_measures(plan: Plan) -> list[Issue]:
    """Gates on metrics the engine does not know (or that are not ratios) and awards on
    counts the service cannot measure, with their locations."""
    issues: list[Issue] = []
    for index, comp in _gates(plan):
        name = comp.gate.metric
        where = f"components[{index}].gate.metric"
        if name not in METRICS:
            known = ", ".join(m for m, d in METRICS.items() if d.unit.is_ratio)
            issues.append(
                Issue(where, "unknown_metric", f"unknown metric {name!r}; known: {known}")
            )
        elif not METRICS[name].unit.is_ratio:
            issues.append(Issue(where, "not_a_ratio", f"{name!r} is not a ratio metric"))
    for index, comp in enumerate(plan.components):
        if isinstance(comp, AwardComponent) and comp.count not in COUNTS:
            issues.append(
                Issue(
                    f"components[{index}].count",
                    "unknown_count",
                    f"unknown count {comp.count!r}; known: {', '.join(COUNTS)}",
                )
            )
    return issues


def _group_column(comp: Any) -> str:
    payee = getattr(comp, "payee", None)
    return "source_employee_id" if payee is Role.LEAD_SOURCE else "employee_id"


def _with_source(frames: Frames) -> Frames:
    """Deals with ``source_employee_id`` (who brought their lead), for lead-source gates."""
    deals, leads = frames.get("deals"), frames.get("leads")
    if deals is None or leads is None or "source_employee_id" in deals.columns:
        return frames
    sources = leads.select("lead_id", "source_employee_id")
    joined = deals.join(sources, on="lead_id", how="left")
    return Frames(**{**_as_dict(frames), "deals": joined})


def _as_dict(frames: Frames) -> dict[str, pl.DataFrame]:
    return {
        name: frame
        for name in ("deals", "collections", "refunds", "leads", "customers")
        if (frame := frames.get(name)) is not None
    }


class FrameSource:
    """Loads sales frames once per run (unscoped: a run is a system job), or those of one
    employee's own login for the estimator."""

    def __init__(self, user: Any = None) -> None:
        self.user = user
        self.cache: dict[str, pl.DataFrame] = {}

    def frames(self, names: Iterable[str]) -> Frames:
        for name in names:
            if name not in self.cache:
                if self.user is None:
                    self.cache[name] = sales_frames.frames_unscoped([name]).get(name)  # type: ignore[assignment]
                else:
                    self.cache[name] = sales_frames.frames_for(user=self.user, names=[name]).get(
                        name
                    )  # type: ignore[assignment]
        return Frames(**{name: self.cache[name] for name in names})


def measure(
    plan: Plan,
    period: Period,
    source: FrameSource,
    *,
    payees: Iterable[int] | None = None,
    with_counts: bool = True,
) -> tuple[list[MetricValue], list[Count]]:
    """Metric values of every gate and (unless ``with_counts`` is false) counts of every
    award, per payee."""
    groups = None if payees is None else sorted(set(payees))
    segment = sales_frames.segment()
    values: dict[tuple[int, str], MetricValue] = {}
    for _index, comp in _gates(plan):
        name = comp.gate.metric
        by = _group_column(comp)
        needed = set(frames_for(METRICS[name])) | ({"leads"} if by != "employee_id" else set())
        frames = source.frames(sorted(needed))
        if by != "employee_id":
            frames = _with_source(frames)
        table = _compute(name, frames, [(period.start, period.end)], by, segment, groups)
        for row in table.iter_rows(named=True):
            key = (row[by], name)
            values.setdefault(
                key,
                MetricValue(row[by], name, row[f"{name}__num"] or 0, row[f"{name}__den"] or 0),
            )
    counts: list[Count] = []
    horizon = (date(period.start.year, 1, 1), period.end)
    for comp in plan.components if with_counts else ():
        if not isinstance(comp, AwardComponent):
            continue
        spec = COUNTS[comp.count]
        needed = set(frames_for(METRICS[spec.metric])) | (
            {"customers"} if spec.enterprise_only else set()
        )
        frames = source.frames(sorted(needed))
        if spec.enterprise_only:
            enterprise = frames.customers.filter(pl.col("is_enterprise")).select("customer_id")  # type: ignore[union-attr]
            frames = Frames(
                **{
                    **_as_dict(frames),
                    "deals": frames.deals.join(enterprise, on="customer_id", how="semi"),  # type: ignore[union-attr]
                }
            )
        table = _compute(spec.metric, frames, [horizon], "employee_id", segment, groups)
        counts += [
            Count(row["employee_id"], comp.count, row[spec.metric] or 0)
            for row in table.iter_rows(named=True)
            if row[spec.metric]
        ]
    return list(values.values()), counts


def _compute(
    name: str,
    frames: Frames,
    windows: list[tuple[date, date]],
    by: str,
    segment: Segment | None,
    groups: list[int] | None,
) -> pl.DataFrame:
    return compute([name], frames, windows, by, segment=segment, groups=groups)
