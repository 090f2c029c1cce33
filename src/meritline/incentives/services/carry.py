"""The state a run carries to the next period (``engine.carry_forward``), per payee and
run scope: deal state (earned, released, clawed back per deal), awarded blocks and the
negative balance; written in bulk after a calculation, and folded one adjustment at a
time when a dispute adds a line to an already calculated run."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import polars as pl

from meritline.incentives.engine import Result
from meritline.incentives.engine.schema import AwardComponent
from meritline.incentives.models import CarriedState, Run
from meritline.incentives.services.adjustments import DELTAS, AdjustmentLine
from meritline.incentives.services.frames_write import write_frame

_STATE_KEY = ["component_id", "deal_id", "employee_id"]
_STATE_SUMS = ["earned_fen", "released_fen", "clawed_back_fen"]


def _deal_state(result: Result, adjustments: list[AdjustmentLine]) -> pl.DataFrame:
    """``carry_forward``'s deal state (what was carried in plus this period's earned,
    released and clawed-back deal lines, by target component, deal and payee, in key
    order) with the adjustments' deltas folded in (new keys last, in their order)."""
    kind = pl.col("line_kind").cast(pl.String)
    amount = pl.col("amount_fen")
    columns = ["payee_id", "component_id", "line_kind", "source", "source_id", "target_id"]
    lines = result.frame([*columns, "amount_fen"]).filter(
        (pl.col("source").cast(pl.String) == "deal")
        & kind.is_in(("earned", "true_up", "released", "clawback"))
    )
    made = lines.select(
        pl.coalesce(
            pl.col("target_id").cast(pl.String), pl.col("component_id").cast(pl.String)
        ).alias("component_id"),
        pl.col("source_id").alias("deal_id"),
        pl.col("payee_id").alias("employee_id"),
        pl.when(kind.is_in(("earned", "true_up"))).then(amount).otherwise(0).alias("earned_fen"),
        pl.when(kind == "released").then(amount).otherwise(0).alias("released_fen"),
        pl.when(kind == "clawback").then(-amount).otherwise(0).alias("clawed_back_fen"),
    )
    carried_in = result.inputs.deal_state.select(_STATE_KEY + _STATE_SUMS)
    delta_rows = [
        (adj.target_id or adj.component_id, adj.source_id, adj.payee_id,
         *(adj.deltas.get(name, 0) for name in DELTAS), index + 1)
        for index, adj in enumerate(adjustments)
        if adj.source_id is not None and adj.deltas
    ]  # fmt: skip
    schema = {**dict.fromkeys(_STATE_KEY[1:] + _STATE_SUMS, pl.Int64), "_late": pl.Int64}
    deltas = pl.DataFrame(delta_rows, schema={"component_id": pl.String, **schema}, orient="row")
    both = pl.concat(
        [
            pl.concat([carried_in, made]).with_columns(pl.lit(0, dtype=pl.Int64).alias("_late")),
            deltas,
        ]
    )
    return (
        both.group_by(_STATE_KEY)
        .agg(*(pl.col(c).sum() for c in _STATE_SUMS), pl.col("_late").min())
        .sort(["_late", *_STATE_KEY])
    )


def _award_state(result: Result) -> dict[int, list[list[Any]]]:
    blocks: dict[tuple[str, int], int] = defaultdict(int)
    for component, employee, count in result.inputs.award_state.iter_rows():
        blocks[(component, employee)] += count
    order = [c.id for c in result.plan.components]
    for comp in result.plan.components:
        if isinstance(comp, AwardComponent):
            part = result.parts[order.index(comp.id)]
            for payee, amount in part.select("payee_id", "amount_fen").iter_rows():
                blocks[(comp.id, payee)] += amount // comp.amount
    out: dict[int, list[list[Any]]] = defaultdict(list)
    for (component, employee), count in sorted(blocks.items()):
        if count:
            out[employee].append([component, employee, count])
    return out


def carry(
    run: Run,
    result: Result,
    payees: set[int] | None,
    adjustments: list[AdjustmentLine],
    balances: dict[int, int],
) -> None:
    """One ``CarriedState`` per payee: deal state, awarded blocks and negative balance,
    as JSON text built by polars (a payee's deal state may hold thousands of rows)."""
    deal_state = _deal_state(result, adjustments)
    if payees is not None:
        deal_state = deal_state.filter(pl.col("employee_id").is_in(sorted(payees)))
    row = pl.concat_str(
        pl.lit('["'), "component_id", pl.lit('", '), "deal_id", pl.lit(", "), "employee_id",
        pl.lit(", "), "earned_fen", pl.lit(", "), "released_fen", pl.lit(", "),
        "clawed_back_fen", pl.lit("]"),
    )  # fmt: skip
    per_payee = deal_state.group_by("employee_id", maintain_order=True).agg(
        row.str.join(", ").alias("rows")
    )
    deal_json = dict(zip(per_payee["employee_id"], per_payee["rows"], strict=True))
    awards = _award_state(result)
    keep = sorted(
        p for p in set(deal_json) | set(awards) | set(balances) if payees is None or p in payees
    )
    CarriedState.objects.filter(
        plan_id=run.plan_version.plan_id, scope=run.scope, period=run.period, payee_id__in=keep
    ).delete()
    states = [
        f'{{"deal_state": [{deal_json.get(p, "")}], '
        f'"award_state": {json.dumps(awards.get(p, []), ensure_ascii=False)}, '
        f'"balance_fen": {balances.get(p, 0)}}}'
        for p in keep
    ]
    frame = pl.DataFrame(
        {
            "plan_id": [run.plan_version.plan_id] * len(keep),
            "scope": [run.scope] * len(keep),
            "period": [run.period] * len(keep),
            "payee_id": keep,
            "run_id": [run.pk] * len(keep),
            "state": states,
        },
        schema={
            "plan_id": pl.Int64, "scope": pl.String, "period": pl.String, "payee_id": pl.Int64,
            "run_id": pl.Int64, "state": pl.String,
        },
    )  # fmt: skip
    write_frame(CarriedState, frame, ("state",))


def carry_adjustment(run: Run, adj: AdjustmentLine, carried_out_fen: int) -> None:
    """Fold one adjustment added to an already calculated run into its payee's carried
    state, as recalculating the run would: the deal's deltas on its state row (a new row
    last) and the payee's balance carried out."""
    found = (
        CarriedState.objects.select_for_update()
        .filter(
            plan_id=run.plan_version.plan_id,
            scope=run.scope,
            period=run.period,
            payee_id=adj.payee_id,
        )
        .first()
    )
    row = found or CarriedState(
        plan_id=run.plan_version.plan_id, scope=run.scope, period=run.period, payee_id=adj.payee_id
    )
    state = dict(row.state or {})
    deal_state = [list(entry) for entry in state.get("deal_state", [])]
    if adj.source_id is not None and adj.deltas:
        key = [adj.target_id or adj.component_id, adj.source_id, adj.payee_id]
        deltas = [adj.deltas.get(name, 0) for name in DELTAS]
        entry = next((e for e in deal_state if e[:3] == key), None)
        if entry is None:
            deal_state.append([*key, *deltas])
        else:
            entry[3:6] = [a + b for a, b in zip(entry[3:6], deltas, strict=True)]
    row.state = {
        "deal_state": deal_state,
        "award_state": state.get("award_state", []),
        "balance_fen": carried_out_fen,
    }
    row.run = run
    row.save()
