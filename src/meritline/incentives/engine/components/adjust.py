"""Adjusters over other lines: ``cap``, ``hold_until_collected``, ``clawback_on_refund``.

Holds and clawbacks work per (target component, deal, payee) on everything earned
so far: this period's lines plus ``deal_state`` from earlier periods, so a refund of
an old deal is clawed back at the rate it originally earned.

A cap limits what is paid in the period: it runs after the holds and sees their
``held`` and ``released`` lines on its targets (see :data:`CAP_SEES`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import polars as pl

from meritline.incentives.engine.components.adjust_vectorized import (
    clawback_lines,
    hold_lines,
)
from meritline.incentives.engine.components.common import Context
from meritline.incentives.engine.lines import (
    EARNING_KINDS,
    Line,
    LineKind,
)
from meritline.incentives.engine.numbers import div_round
from meritline.incentives.engine.schema import CapComponent, ClawbackComponent, HoldComponent

Key = tuple[str, int, int]  # target component, deal, payee
_EARNING = [kind.value for kind in EARNING_KINDS]


# the lines of hold components a cap counts, by their ``target_id``
CAP_SEES: Final = (LineKind.HELD.value, LineKind.RELEASED.value)


class CapStrategy:
    """``lines`` are the targets' own lines plus the lines of the holds on them."""

    kind = "cap"
    sees = ("hold_until_collected",)  # runs after these and counts their lines (CAP_SEES)

    def reference(self, comp: CapComponent, ctx: Context, lines: Iterable[Line]) -> list[Line]:
        """One ``cap_cut`` per payee whose pay from the targets this period — earned,
        less held, plus released — exceeds ``max``."""
        totals: dict[int, int] = defaultdict(int)
        for line in lines:
            if line.component_id in comp.applies_to or (
                line.line_kind in CAP_SEES and line.target_id in comp.applies_to
            ):
                totals[line.payee_id] += line.amount_fen
        return [
            _cut(comp, payee, total) for payee, total in sorted(totals.items()) if total > comp.max
        ]

    def vectorized(self, comp: CapComponent, ctx: Context, lines: pl.DataFrame) -> pl.LazyFrame:
        counted = pl.col("component_id").is_in(comp.applies_to) | (
            pl.col("line_kind").is_in(CAP_SEES) & pl.col("target_id").is_in(comp.applies_to)
        )
        totals = (
            lines.lazy()
            .filter(counted)
            .group_by("payee_id")
            .agg(pl.col("amount_fen").sum().alias("base_fen"))
            .filter(pl.col("base_fen") > comp.max)
        )
        return totals.with_columns(
            pl.lit(LineKind.CAP_CUT.value).alias("line_kind"),
            pl.lit("payee").alias("source"),
            (comp.max - pl.col("base_fen")).alias("amount_fen"),
            (comp.max - pl.col("base_fen")).alias("gross_fen"),
            pl.lit(comp.max).alias("total_fen"),
        )


def _cut(comp: CapComponent, payee: int, total: int) -> Line:
    return Line(
        payee_id=payee,
        component_id=comp.id,
        line_kind=LineKind.CAP_CUT.value,
        source="payee",
        source_id=None,
        source_label=None,
        base_fen=total,
        amount_fen=comp.max - total,
        gross_fen=comp.max - total,
        total_fen=comp.max,
    )


def _earned_reference(
    targets: list[str], ctx: Context, primary: list[Line]
) -> dict[Key, tuple[int, int, int, int]]:
    """(this period, earned before, released before, clawed back before) per key."""
    now: dict[Key, int] = defaultdict(int)
    for line in primary:
        if line.component_id in targets and line.line_kind in _EARNING and line.source_id:
            now[(line.component_id, line.source_id, line.payee_id)] += line.amount_fen
    prior: dict[Key, tuple[int, int, int]] = {}
    for row in ctx.inputs.deal_state.iter_rows(named=True):
        if row["component_id"] in targets:
            key = (row["component_id"], row["deal_id"], row["employee_id"])
            earned, released, clawed = prior.get(key, (0, 0, 0))
            prior[key] = (
                earned + row["earned_fen"],
                released + row["released_fen"],
                clawed + row["clawed_back_fen"],
            )
    return {
        key: (now.get(key, 0), *prior.get(key, (0, 0, 0)))
        for key in sorted(set(now) | set(prior))
        if key[1] in ctx.deals_by_id
    }


def _deal_line(
    comp_id: str, key: Key, label: str, kind: LineKind, base: int, total: int, amount: int
) -> Line:
    return Line(
        payee_id=key[2],
        component_id=comp_id,
        line_kind=kind.value,
        source="deal",
        source_id=key[1],
        source_label=label,
        base_fen=base,
        amount_fen=amount,
        gross_fen=amount,
        total_fen=total,
        target_id=key[0],
    )


class HoldStrategy:
    kind = "hold_until_collected"
    in_order = True  # the vectorized lines come in canonical order: no check needed

    def reference(self, comp: HoldComponent, ctx: Context, primary: list[Line]) -> list[Line]:
        """Hold what the targets earn; release it in proportion to the deal's collections."""
        lines = []
        for key, (now, earned, released, _) in _earned_reference(
            comp.applies_to, ctx, primary
        ).items():
            deal = ctx.deals_by_id[key[1]]
            total = now + earned
            amount = deal["amount_fen"]
            collected = min(deal["collected_fen"], amount)
            releasable = div_round(total * collected, amount, ctx.rounding) if amount else total
            if now:
                lines.append(
                    _deal_line(comp.id, key, deal["number"], LineKind.HELD, amount, total, -now)
                )
            if releasable != released:
                lines.append(
                    _deal_line(
                        comp.id,
                        key,
                        deal["number"],
                        LineKind.RELEASED,
                        collected,
                        total,
                        releasable - released,
                    )
                )
        return lines

    def vectorized(self, comp: HoldComponent, ctx: Context, primary: pl.DataFrame) -> pl.DataFrame:
        return hold_lines(comp, ctx, primary)


class ClawbackStrategy:
    kind = "clawback_on_refund"

    def reference(self, comp: ClawbackComponent, ctx: Context, primary: list[Line]) -> list[Line]:
        """Claw back the targets' earnings on a deal in proportion to its refunds."""
        lines = []
        for key, (now, earned, _, clawed) in _earned_reference(
            comp.applies_to, ctx, primary
        ).items():
            deal = ctx.deals_by_id[key[1]]
            total = now + earned
            amount = deal["amount_fen"]
            refunded = min(deal["refunded_fen"], amount)
            due = div_round(total * refunded, amount, ctx.rounding) if amount else 0
            if due != clawed:
                lines.append(
                    _deal_line(
                        comp.id,
                        key,
                        deal["number"],
                        LineKind.CLAWBACK,
                        refunded,
                        total,
                        clawed - due,
                    )
                )
        return lines

    def vectorized(
        self, comp: ClawbackComponent, ctx: Context, primary: pl.DataFrame
    ) -> pl.DataFrame:
        return clawback_lines(comp, ctx, primary)
