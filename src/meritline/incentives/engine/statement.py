"""Statements: pure totals per payee per period, and the state carried to the next period.

A negative net (refunds larger than the period's earnings) is never lost: it is
carried out and comes back as ``Balance`` in the next period's inputs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import polars as pl

from meritline.incentives.engine.evaluate import Result
from meritline.incentives.engine.inputs import AwardState, Balance, DealState
from meritline.incentives.engine.lines import LineKind
from meritline.incentives.engine.schema import AwardComponent

_EARNED = {
    LineKind.EARNED,
    LineKind.TRUE_UP,
    LineKind.POINTS,
    LineKind.POINTS_BONUS,
    LineKind.AWARD,
}


@dataclass(frozen=True)
class Statement:
    """One payee's period: every figure in fen; held and clawbacks as positive amounts."""

    payee_id: int
    period: str
    by_component: dict[str, int]
    earned_fen: int
    cap_cut_fen: int
    held_fen: int
    released_fen: int
    clawback_fen: int
    carried_in_fen: int
    net_fen: int
    payable_fen: int
    carried_out_fen: int
    points: int = 0
    lines: int = field(default=0)


def statements(result: Result) -> list[Statement]:
    """A statement for every payee with a line or a carried balance, by payee id."""
    carried = {
        row["employee_id"]: row["carried_fen"]
        for row in result.inputs.balances.iter_rows(named=True)
    }
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    components: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    columns = ["payee_id", "component_id", "line_kind", "amount_fen", "gate_met", "quantity"]
    for row in result.frame(columns).iter_rows(named=True):
        payee, kind, amount = row["payee_id"], LineKind(row["line_kind"]), row["amount_fen"]
        components[payee][row["component_id"]] += amount
        bucket = "earned" if kind in _EARNED else kind.value
        if kind is LineKind.AWARD_CLAWBACK:
            bucket = "clawback"
        sums[payee][bucket] += amount
        sums[payee]["lines"] += 1
        if kind in (LineKind.POINTS, LineKind.POINTS_BONUS) and row["gate_met"] is not False:
            sums[payee]["points"] += row["quantity"] or 0
    out = []
    for payee in sorted(set(sums) | set(carried)):
        total = sums[payee]
        carried_in = carried.get(payee, 0)
        net = sum(components[payee].values()) + carried_in
        out.append(
            Statement(
                payee_id=payee,
                period=str(result.inputs.period),
                by_component=dict(components[payee]),
                earned_fen=total["earned"],
                cap_cut_fen=-total["cap_cut"],
                held_fen=-total["held"],
                released_fen=total["released"],
                clawback_fen=-total["clawback"],
                carried_in_fen=carried_in,
                net_fen=net,
                payable_fen=max(net, 0),
                carried_out_fen=min(net, 0),
                points=total["points"],
                lines=total["lines"],
            )
        )
    return out


@dataclass(frozen=True)
class Carried:
    """What the next period's inputs need from this one (pass to ``build_inputs``)."""

    deal_state: list[DealState]
    award_state: list[AwardState]
    balances: list[Balance]


def carry_forward(result: Result) -> Carried:
    """Deal earnings, releases and clawbacks to date, awarded blocks and negative balances."""
    state: dict[tuple[str, int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in result.inputs.deal_state.iter_rows(named=True):
        key = (row["component_id"], row["deal_id"], row["employee_id"])
        for i, name in enumerate(("earned_fen", "released_fen", "clawed_back_fen")):
            state[key][i] += row[name]
    columns = ["payee_id", "component_id", "line_kind", "source", "source_id", "target_id"]
    deal_lines = result.frame([*columns, "amount_fen"]).filter(pl.col("source") == "deal")
    for row in deal_lines.iter_rows(named=True):
        kind = LineKind(row["line_kind"])
        target = row["target_id"] or row["component_id"]
        key = (target, row["source_id"], row["payee_id"])
        if kind in (LineKind.EARNED, LineKind.TRUE_UP):
            state[key][0] += row["amount_fen"]
        elif kind is LineKind.RELEASED:
            state[key][1] += row["amount_fen"]
        elif kind is LineKind.CLAWBACK:
            state[key][2] -= row["amount_fen"]
    blocks: dict[tuple[str, int], int] = defaultdict(int)
    for row in result.inputs.award_state.iter_rows(named=True):
        blocks[(row["component_id"], row["employee_id"])] += row["blocks"]
    for comp in result.plan.components:
        if isinstance(comp, AwardComponent):
            mine = result.frame(["payee_id", "component_id", "amount_fen"]).filter(
                pl.col("component_id") == comp.id
            )
            for row in mine.iter_rows(named=True):
                blocks[(comp.id, row["payee_id"])] += row["amount_fen"] // comp.amount
    return Carried(
        deal_state=[DealState(k[0], k[1], k[2], *v) for k, v in sorted(state.items())],
        award_state=[AwardState(k[0], k[1], v) for k, v in sorted(blocks.items()) if v],
        balances=[
            Balance(s.payee_id, s.carried_out_fen) for s in statements(result) if s.carried_out_fen
        ],
    )
