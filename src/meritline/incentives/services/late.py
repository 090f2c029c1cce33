"""Adjustments carried by a run: deals changed after an earlier period was closed, and
disputes decided with an adjustment.

A closed period is never edited. When a deal it paid (or a deal signed in it) changed
after the close, the period is evaluated again with today's records — under the plan
version it was closed with, and with collections and refunds as of its last day — and
the difference against what was paid (the closed run's lines plus adjustments already
made) becomes an adjustment line in the first open run after it, naming the deal.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from meritline.core.periods import Period
from meritline.incentives.engine import evaluate
from meritline.incentives.engine.lines import LineKind
from meritline.incentives.models import (
    ADJUSTMENT_KIND,
    DisputeStatus,
    LineDispute,
    ResultLine,
    Run,
    RunStatus,
)
from meritline.incentives.services.adjustments import DELTAS, AdjustmentLine
from meritline.incentives.services.fetch import fetch, scope_people
from meritline.incentives.services.measures import FrameSource
from meritline.incentives.services.plans import plan_of
from meritline.incentives.text import DISPUTE, LATE_CHANGE
from meritline.sales.models import Deal as DealRow

Key = tuple[int, str, str, int]  # payee, component, target, deal
_BUCKET = {
    LineKind.EARNED.value: "earned_delta_fen",
    LineKind.TRUE_UP.value: "earned_delta_fen",
    LineKind.RELEASED.value: "released_delta_fen",
    LineKind.CLAWBACK.value: "clawed_delta_fen",
}


def _same_kind(run: Run, period: Period) -> bool:
    try:
        return Period.parse(run.period).kind is period.kind
    except ValueError:
        return False


def _sums(rows: Any) -> dict[Key, dict[str, int]]:
    table: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for payee, component, target, deal, kind, amount, params in rows:
        entry = table[(payee, component, target or "", deal)]
        entry["amount"] += amount
        if kind == ADJUSTMENT_KIND:
            for name in DELTAS:
                entry[name] += (params or {}).get(name, 0)
        elif kind in _BUCKET:
            sign = -1 if kind == LineKind.CLAWBACK.value else 1
            entry[_BUCKET[kind]] += sign * amount
    return table


def late_changes(run: Run, source: FrameSource) -> list[AdjustmentLine]:
    """Adjustment lines for ``run``: one per (payee, component, deal) whose closed period's
    figure changed since it was closed."""
    period = Period.parse(run.period)
    plan_row = run.plan_version.plan
    closed = Run.objects.filter(
        plan_version__plan=plan_row, scope=run.scope, status=RunStatus.CLOSED, period__lt=run.period
    ).select_related("plan_version")
    out: list[AdjustmentLine] = []
    for old in closed.order_by("period"):
        if not _same_kind(old, period):
            continue
        between = Run.objects.filter(
            plan_version__plan=plan_row,
            scope=run.scope,
            status=RunStatus.DRAFT,
            period__gt=old.period,
            period__lt=run.period,
        )
        if any(_same_kind(r, period) for r in between):
            continue  # an earlier open run takes these adjustments
        out += _for_closed(run, old, source)
    return out


def _for_closed(run: Run, old: Run, source: FrameSource) -> list[AdjustmentLine]:
    old_period = Period.parse(old.period)
    paid_deals = ResultLine.objects.filter(run=old, source="deal").values("source_id")
    changed = set(
        DealRow.objects.filter(updated_at__gt=old.closed_at)
        .filter(Q(pk__in=paid_deals) | Q(signed_on__range=(old_period.start, old_period.end)))
        .values_list("pk", flat=True)
    )
    if not changed:
        return []
    plan = plan_of(old.plan_version)
    scope_ids = scope_people(old.scope, old_period)
    fetched = fetch(
        plan, old.plan_version.plan, old_period, scope_ids, source=source, scope=old.scope
    )
    result = evaluate(plan, fetched.inputs)
    now_lines = result.lines.filter(result.lines["source_id"].is_in(sorted(changed)))
    if scope_ids is not None:
        now_lines = now_lines.filter(now_lines["payee_id"].is_in(sorted(scope_ids)))
    due = _sums(
        (r["payee_id"], r["component_id"], r["target_id"], r["source_id"], r["line_kind"],
         r["amount_fen"], None)
        for r in now_lines.iter_rows(named=True)
    )  # fmt: skip
    fields = ("payee_id", "component_id", "target_id", "source_id", "line_kind", "amount_fen")
    paid_rows = ResultLine.objects.filter(source="deal", source_id__in=changed).filter(
        Q(run=old) | (Q(line_kind=ADJUSTMENT_KIND, adjusts_period=old.period) & ~Q(run=run))
    )
    paid_rows = paid_rows.filter(
        run__plan_version__plan=old.plan_version.plan, run__scope=old.scope
    )
    paid = _sums(paid_rows.values_list(*fields, "explanation_params"))
    labels = dict(DealRow.objects.filter(pk__in=changed).values_list("pk", "number"))
    out = []
    for key in sorted(set(due) | set(paid)):
        now_entry, then = due.get(key, {}), paid.get(key, {})
        delta = now_entry.get("amount", 0) - then.get("amount", 0)
        if delta == 0:
            continue
        payee, component, target, deal = key
        label = labels.get(deal) or str(deal)
        out.append(
            AdjustmentLine(
                payee_id=payee,
                component_id=component,
                target_id=target,
                amount_fen=delta,
                reason=_("Deal %(deal)s changed after %(period)s was closed.")
                % {"deal": label, "period": old.period},
                code=LATE_CHANGE,
                params={
                    "deal": label,
                    "period": old.period,
                    "due_fen": now_entry.get("amount", 0),
                    "paid_fen": then.get("amount", 0),
                },
                source_id=deal,
                source_label=label,
                adjusts_period=old.period,
                deltas={n: now_entry.get(n, 0) - then.get(n, 0) for n in DELTAS},
            )
        )
    return out


def dispute_line(dispute: LineDispute) -> AdjustmentLine:
    line = dispute.line
    label = line.source_label or line.component_id
    return AdjustmentLine(
        payee_id=line.payee_id,
        component_id=line.component_id,
        target_id=line.target_id,
        amount_fen=dispute.adjustment_fen or 0,
        reason=dispute.decision,
        code=DISPUTE,
        params={"line": label, "period": dispute.run.period, "decision": dispute.decision},
        source=line.source,
        source_id=line.source_id,
        source_label=line.source_label,
        adjusts_period=dispute.run.period,
        dispute_id=dispute.pk,
        deltas={"earned_delta_fen": dispute.adjustment_fen or 0}
        if line.source == "deal" and line.line_kind in _BUCKET
        else {},
    )


def pending_disputes(run: Run) -> list[LineDispute]:
    """Adjusted disputes this run carries: already given to it, or waiting for an open
    run after the disputed line's period."""
    return list(
        LineDispute.objects.filter(
            status=DisputeStatus.ADJUSTED,
            run__plan_version__plan=run.plan_version.plan_id,
            run__scope=run.scope,
        )
        .filter(Q(applied_run=run) | Q(applied_run__isnull=True, run__period__lt=run.period))
        .select_related("line", "run")
        .order_by("pk")
    )
