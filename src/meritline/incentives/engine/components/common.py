"""What every strategy shares: the evaluation context, payees, gates and split allocation."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

import polars as pl

from meritline.core.money import allocate
from meritline.incentives.engine.components.dense import ROW, DenseIndex
from meritline.incentives.engine.components.split import single_payees, split_credits
from meritline.incentives.engine.errors import InputError, Issue
from meritline.incentives.engine.inputs import Inputs
from meritline.incentives.engine.lines import Line, line_schema
from meritline.incentives.engine.numbers import RATE_SCALE, i128, scaled
from meritline.incentives.engine.schema import Gate, Plan, Role

ROLE_COLUMNS = {
    Role.OWNER: "owner_id",
    Role.LEAD_SOURCE: "lead_source_id",
    Role.TEAM_LEAD: "team_lead_id",
    Role.CREDITED: "owner_id",  # the owner's terms and totals decide a shared deal's rate
}
LEAD_ROLE_COLUMNS = {Role.OWNER: "owner_id", Role.LEAD_SOURCE: "source_id"}
Row = dict[str, Any]


class Context:
    """The inputs of one evaluation, with the lookups the reference evaluator needs."""

    def __init__(self, plan: Plan, inputs: Inputs) -> None:
        self.plan = plan
        self.inputs = inputs
        self.rounding = plan.rounding
        self.start = inputs.period.start
        self.end = inputs.period.end
        self.schema = line_schema([comp.id for comp in plan.components])

    def in_period(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def in_period_expr(self, column: str) -> pl.Expr:
        return pl.col(column).is_between(self.start, self.end).fill_null(False)

    @cached_property
    def deals(self) -> list[Row]:
        return list(self.inputs.deals.iter_rows(named=True))

    @cached_property
    def deals_by_id(self) -> dict[int, Row]:
        return {row["deal_id"]: row for row in self.deals}

    @cached_property
    def credits(self) -> dict[int, list[tuple[int, Decimal]]]:
        table: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        for row in self.inputs.credits.sort("deal_id", "split_index").iter_rows(named=True):
            table[row["deal_id"]].append((row["employee_id"], row["share"]))
        return table

    @cached_property
    def _deal_index(self) -> pl.DataFrame:
        return self.inputs.deals.select(
            "deal_id", "owner_id", "lead_source_id", "team_lead_id", "signed_on"
        ).sort("deal_id")

    def deal(self, deal_id: int) -> Row | None:
        """One deal's people and signing day, by binary search (no per-deal dict)."""
        index = self._deal_index
        position = int(index["deal_id"].search_sorted(deal_id))
        if position < index.height and index["deal_id"][position] == deal_id:
            return index.row(position, named=True)
        return None

    @cached_property
    def credit_parts(self) -> tuple[DenseIndex, pl.DataFrame]:
        """The one credited person of each deal credited to one person (by deal id), and
        the credit rows of deals shared by several (only the index of the first is kept)."""
        single, shared = split_credits(self.inputs.credits)
        return single_payees(single), shared

    @cached_property
    def deal_rows(self) -> DenseIndex:
        """The row of each deal in ``inputs.deals``, by deal id."""
        deals = self.inputs.deals
        return DenseIndex(deals["deal_id"], pl.int_range(deals.height, dtype=ROW, eager=True))

    @cached_property
    def level_rates(self) -> dict[int, tuple[list[date], list[Decimal]]]:
        table: dict[int, tuple[list[date], list[Decimal]]] = {}
        for row in self.inputs.level_rates.sort("valid_from").iter_rows(named=True):
            days, rates = table.setdefault(row["employee_id"], ([], []))
            days.append(row["valid_from"])
            rates.append(row["rate"])
        return table

    def level_rate(self, employee_id: int, day: date) -> Decimal | None:
        days, rates = self.level_rates.get(employee_id, ([], []))
        position = bisect_right(days, day)
        return rates[position - 1] if position else None

    @cached_property
    def adjustments(self) -> dict[int, Decimal]:
        return {
            row["employee_id"]: row["rate"] for row in self.inputs.adjustments.iter_rows(named=True)
        }

    @cached_property
    def metrics(self) -> dict[tuple[int, str], tuple[int, int]]:
        return {
            (row["employee_id"], row["metric"]): (row["numerator"], row["denominator"])
            for row in self.inputs.metrics.iter_rows(named=True)
        }


def role_payee(role: Role, employee_id: int | None, row: Row, columns: dict[Role, str]) -> Any:
    """The payee a role names on a record (None when the record has nobody in that role)."""
    if role is Role.EMPLOYEE:
        return employee_id
    return row[columns[role]]


def role_expr(role: Role, employee_id: int | None, columns: dict[Role, str]) -> pl.Expr:
    if role is Role.EMPLOYEE:
        return pl.lit(employee_id, dtype=pl.Int64())
    return pl.col(columns[role])


def gate_met(gate: Gate, numerator: int, denominator: int) -> bool:
    """num / den ≥ min, exactly; a zero (or negative) denominator never meets a gate."""
    return denominator > 0 and numerator * RATE_SCALE >= scaled(gate.min, RATE_SCALE) * denominator


def gate_reference(gate: Gate | None, lines: list[Line], ctx: Context) -> list[Line]:
    """Zero the lines of payees whose gate is not met (their would-be amount stays as gross)."""
    if gate is None:
        return lines
    out = []
    for line in lines:
        num, den = ctx.metrics.get((line.payee_id, gate.metric), (0, 0))
        met = gate_met(gate, num, den)
        out.append(
            Line(**{**line.__dict__, "amount_fen": line.amount_fen if met else 0, "gate_met": met})
        )
    return out


def gate_vectorized(gate: Gate | None, lines: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """The polars twin of :func:`gate_reference`."""
    if gate is None:
        return lines
    values = (
        ctx.inputs.metrics.lazy()
        .filter(pl.col("metric") == gate.metric)
        .select(
            pl.col("employee_id").alias("payee_id"),
            (
                (pl.col("denominator") > 0)
                & (
                    pl.col("numerator").cast(pl.Int128) * RATE_SCALE
                    >= i128(scaled(gate.min, RATE_SCALE)) * pl.col("denominator").cast(pl.Int128)
                )
            ).alias("_met"),
        )
    )
    return (
        lines.join(values, on="payee_id", how="left", maintain_order="left")
        .with_columns(pl.col("_met").fill_null(False).alias("gate_met"))
        .with_columns(
            pl.when(pl.col("gate_met")).then(pl.col("amount_fen")).otherwise(0).alias("amount_fen")
        )
        .drop("_met")
    )


def split_reference(amount: int, parts: list[tuple[int, Decimal]]) -> list[int]:
    """Largest-remainder split of one amount over (employee, share) parts."""
    return allocate(amount, [share for _, share in parts])


def raise_missing(issues: list[Issue]) -> None:
    if issues:
        seen = {(i.location, i.code, i.message): i for i in issues}
        raise InputError(list(seen.values()))
