"""Persist: a run's result lines, statement totals and carried state, in bulk.

Adjustment lines (late changes, disputes) are added beside the engine's; they count in
the payee's net and payable, and their effect on a deal's earnings is folded into the
carried deal state so later holds and clawbacks start from what was really paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import chain, islice
from typing import Any, TypeVar

import polars as pl

from meritline.incentives.engine import Result, carry_forward, explain, statements
from meritline.incentives.engine.lines import Line, frame_lines
from meritline.incentives.engine.schema import RateComponent
from meritline.incentives.models import (
    ADJUSTMENT_KIND,
    CarriedState,
    ResultLine,
    Run,
    StatementTotal,
)
from meritline.sales.services.bulkdb import insert_rows

BATCH = 2000
WRITE_CHUNK = 20_000
T = TypeVar("T")
DELTAS = ("earned_delta_fen", "released_delta_fen", "clawed_delta_fen")


@dataclass
class AdjustmentLine:
    """A line the services add to a run: a late change or a decided dispute."""

    payee_id: int
    component_id: str
    amount_fen: int
    reason: str
    code: str
    params: dict[str, Any]
    source: str = "deal"
    source_id: int | None = None
    source_label: str = ""
    target_id: str = ""
    adjusts_period: str = ""
    dispute_id: int | None = None
    deltas: dict[str, int] = field(default_factory=dict)


def _tier_label(result: Result, component_id: str, index: int | None) -> str:
    comp = result.plan.component(component_id)
    if index is None or not isinstance(comp, RateComponent):
        return ""
    return comp.tiers[index].label or ""


def _engine_lines(result: Result, payees: set[int] | None) -> Iterator[Line]:
    """The result's lines of ``payees`` (all when None), part by part: the single frame of
    every line is never built."""
    wanted = None if payees is None else pl.col("payee_id").is_in(sorted(payees))
    for part in result.parts:
        yield from frame_lines(part if wanted is None else part.filter(wanted))


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter); itertools.batched is Python 3.12."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def engine_rows(run: Run, result: Result, payees: set[int] | None) -> Iterator[dict[str, Any]]:
    """The result's lines as column values of unsaved rows (attnames), one at a time: a
    run may have millions, so no model instance is made for them."""
    for line in _engine_lines(result, payees):
        explanation = explain(result, line)
        yield {
            "run_id": run.pk,
            "payee_id": line.payee_id,
            "component_id": line.component_id,
            "line_kind": line.line_kind,
            "source": line.source,
            "source_id": line.source_id,
            "source_label": (line.source_label or "")[:64],
            "base_fen": line.base_fen,
            "rate": line.rate,
            "tier_index": line.tier_index,
            "tier_label": _tier_label(result, line.component_id, line.tier_index)[:64],
            "modifiers": list(line.modifiers),
            "share": line.share,
            "quantity": line.quantity,
            "cumulative_fen": line.cumulative_fen,
            "total_fen": line.total_fen,
            "gate_met": line.gate_met,
            "target_id": line.target_id or "",
            "gross_fen": line.gross_fen,
            "amount_fen": line.amount_fen,
            "explanation_code": explanation.code,
            "explanation_params": explanation.params,
        }


def adjustment_row(run: Run, adj: AdjustmentLine) -> ResultLine:
    return ResultLine(
        run=run,
        payee_id=adj.payee_id,
        component_id=adj.component_id,
        line_kind=ADJUSTMENT_KIND,
        source=adj.source,
        source_id=adj.source_id,
        source_label=adj.source_label[:64],
        target_id=adj.target_id,
        gross_fen=adj.amount_fen,
        amount_fen=adj.amount_fen,
        explanation_code=adj.code,
        explanation_params={**adj.params, **adj.deltas, "amount_fen": adj.amount_fen},
        adjustment_reason=adj.reason,
        adjusts_period=adj.adjusts_period,
        dispute_id=adj.dispute_id,
    )


def totals(net_fen: int, row: StatementTotal) -> None:
    row.net_fen = net_fen
    row.payable_fen = max(net_fen, 0)
    row.carried_out_fen = min(net_fen, 0)


def persist(
    run: Run, result: Result, payees: set[int] | None, adjustments: list[AdjustmentLine]
) -> tuple[int, int]:
    """Replace the run's lines, statements and carried state; (line count, payable)."""
    run.lines.all().delete()
    run.statements.all().delete()
    run.carried.all().delete()
    rows: Iterable[dict[str, Any] | ResultLine] = chain(
        engine_rows(run, result, payees), (adjustment_row(run, a) for a in adjustments)
    )
    line_count = 0
    # Saved in chunks as they are made: memory stays flat whatever the run's size.
    fields = [f for f in ResultLine._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = list(defaults)

    def values(row: dict[str, Any] | ResultLine) -> list[Any]:
        if isinstance(row, ResultLine):
            return [getattr(row, c) for c in columns]
        return [row[c] if c in row else defaults[c] for c in columns]

    for chunk in batched(rows, WRITE_CHUNK):
        # COPY on PostgreSQL (bulk_create elsewhere): a run may save millions of lines.
        insert_rows(ResultLine, columns, [values(r) for r in chunk])
        line_count += len(chunk)
    extra: dict[int, int] = defaultdict(int)
    for adj in adjustments:
        extra[adj.payee_id] += adj.amount_fen
    found = {s.payee_id: s for s in statements(result) if payees is None or s.payee_id in payees}
    statement_rows = []
    for payee in sorted(set(found) | set(extra)):
        s = found.get(payee)
        row = StatementTotal(run=run, payee_id=payee, adjustment_fen=extra.get(payee, 0))
        if s is not None:
            row.earned_fen = s.earned_fen
            row.cap_cut_fen = s.cap_cut_fen
            row.held_fen = s.held_fen
            row.released_fen = s.released_fen
            row.clawed_back_fen = s.clawback_fen
            row.carried_in_fen = s.carried_in_fen
            row.points = s.points
            row.by_component = dict(s.by_component)
        totals((s.net_fen if s else 0) + row.adjustment_fen, row)
        statement_rows.append(row)
    StatementTotal.objects.bulk_create(statement_rows, batch_size=BATCH)
    _carry(run, result, payees, adjustments, {r.payee_id: r for r in statement_rows})
    return line_count, sum(r.payable_fen for r in statement_rows)


def _carry(
    run: Run,
    result: Result,
    payees: set[int] | None,
    adjustments: list[AdjustmentLine],
    statement_rows: dict[int, StatementTotal],
) -> None:
    carried = carry_forward(result)
    state: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"deal_state": {}, "award_state": [], "balance_fen": 0}
    )
    for row in carried.deal_state:
        key = (row.component_id, row.deal_id)
        state[row.employee_id]["deal_state"][key] = list(asdict(row).values())
    for adj in adjustments:
        if adj.source_id is None or not adj.deltas:
            continue
        key = (adj.target_id or adj.component_id, adj.source_id)
        deal_rows = state[adj.payee_id]["deal_state"]
        row = deal_rows.setdefault(key, [key[0], key[1], adj.payee_id, 0, 0, 0])
        for index, name in enumerate(DELTAS):
            row[3 + index] += adj.deltas.get(name, 0)
    for award in carried.award_state:
        state[award.employee_id]["award_state"].append(list(asdict(award).values()))
    for payee, row in statement_rows.items():
        state[payee]["balance_fen"] = row.carried_out_fen
    keep = [p for p in state if payees is None or p in payees]
    CarriedState.objects.filter(
        plan_id=run.plan_version.plan_id, period=run.period, payee_id__in=keep
    ).delete()
    CarriedState.objects.bulk_create(
        [
            CarriedState(
                plan_id=run.plan_version.plan_id,
                period=run.period,
                payee_id=payee,
                run=run,
                state={
                    "deal_state": list(state[payee]["deal_state"].values()),
                    "award_state": state[payee]["award_state"],
                    "balance_fen": state[payee]["balance_fen"],
                },
            )
            for payee in sorted(keep)
        ],
        batch_size=BATCH,
    )
