"""``rate``: a rate on the signed amount with tiers, modifiers, splits and an optional gate.

``whole`` tiers pay the reached bracket's rate on the whole amount; ``marginal``
tiers pay each slice at its own bracket's rate. The bracket is decided per deal, or
by the payee's running total in the period (``cumulative``): a ``whole`` cumulative
deal earns at the bracket reached when it was signed, and a ``true_up`` line pays the
difference when the period's total ends in a higher bracket.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import polars as pl

from meritline.incentives.engine.components.common import (
    ROLE_COLUMNS,
    Context,
    Row,
    gate_reference,
    gate_vectorized,
    raise_missing,
    role_expr,
    role_payee,
    split_reference,
    split_vectorized,
)
from meritline.incentives.engine.errors import Issue
from meritline.incentives.engine.fields import DEAL_FIELDS
from meritline.incentives.engine.lines import Line, LineKind, conform
from meritline.incentives.engine.numbers import (
    FACTOR_SCALE,
    RATE_SCALE,
    decimal_expr,
    div_round_expr,
    i128,
    round_decimal,
    scaled,
)
from meritline.incentives.engine.schema import (
    LEVEL_RATE,
    Bracket,
    RateComponent,
    Role,
    TierMode,
)
from meritline.incentives.engine.validate import condition

I128 = pl.Int128()


def bracket_of(comp: RateComponent, amount: int) -> int:
    """Index of the tier whose (inclusive) lower bound ``amount`` has reached."""
    return sum(1 for tier in comp.tiers[1:] if amount >= tier.from_)


def _uppers(comp: RateComponent) -> list[int | None]:
    return [tier.from_ for tier in comp.tiers[1:]] + [None]


class RateStrategy:
    kind = "rate"

    def reference(self, comp: RateComponent, ctx: Context) -> list[Line]:
        """Row by row, in Decimal: the oracle and the explainer."""
        when = condition(comp.when, "deals")
        mods = [(m, condition(m.when, "deals")) for m in comp.modifiers]
        groups: dict[int, list[Row]] = defaultdict(list)
        for deal in ctx.deals:
            if not ctx.in_period(deal["signed_on"]) or not when.test(deal.get):
                continue
            payee = role_payee(comp.payee, comp.employee_id, deal, ROLE_COLUMNS)
            if payee is not None:
                groups[payee].append(deal)
        issues: list[Issue] = []
        lines: list[Line] = []
        cumulative = comp.bracket is Bracket.CUMULATIVE
        for payee, deals in groups.items():
            deals.sort(key=lambda d: (d["signed_on"], d["deal_id"]))
            total = sum(d["amount_fen"] for d in deals)
            running = 0
            for deal in deals:
                base = deal["amount_fen"]
                before, running = running, running + base
                rates = [
                    self._rate(comp, i, payee, deal, ctx, issues) for i in range(len(comp.tiers))
                ]
                if comp.mode is TierMode.MARGINAL:
                    low, high = (before, running) if cumulative else (0, base)
                    value = sum(
                        (
                            Decimal(self._slice(comp, i, low, high)) * rates[i]
                            for i in range(len(rates))
                        ),
                        Decimal(0),
                    )
                    index = bracket_of(comp, high)
                    amount, applied = self._modify(value, deal, mods, ctx)
                    deal_lines = [(LineKind.EARNED, index, running if cumulative else None, amount)]
                else:
                    index = bracket_of(comp, running if cumulative else base)
                    amount, applied = self._modify(Decimal(base) * rates[index], deal, mods, ctx)
                    deal_lines = [(LineKind.EARNED, index, running if cumulative else None, amount)]
                    final = bracket_of(comp, total)
                    if cumulative and final != index:
                        final_amount, _ = self._modify(
                            Decimal(base) * rates[final], deal, mods, ctx
                        )
                        deal_lines.append((LineKind.TRUE_UP, final, total, final_amount - amount))
                for kind, tier, cum, value_fen in deal_lines:
                    common = {
                        "component_id": comp.id,
                        "line_kind": kind.value,
                        "source": "deal",
                        "source_id": deal["deal_id"],
                        "source_label": deal["number"],
                        "base_fen": base,
                        "cumulative_fen": cum,
                        "tier_index": tier,
                        "rate": rates[tier],
                        "modifiers": applied,
                    }
                    if comp.payee is Role.CREDITED:
                        parts = ctx.credits[deal["deal_id"]]
                        for (person, share), part in zip(
                            parts, split_reference(value_fen, parts), strict=True
                        ):
                            lines.append(
                                Line(
                                    payee_id=person,
                                    amount_fen=part,
                                    gross_fen=part,
                                    share=share,
                                    total_fen=value_fen,
                                    **common,
                                )
                            )
                    else:
                        lines.append(
                            Line(
                                payee_id=payee, amount_fen=value_fen, gross_fen=value_fen, **common
                            )
                        )
        raise_missing(issues)
        return gate_reference(comp.gate, lines, ctx)

    @staticmethod
    def _slice(comp: RateComponent, index: int, low: int, high: int) -> int:
        start = comp.tiers[index].from_
        end = _uppers(comp)[index]

        def clamp(x: int) -> int:
            x = max(x, start)
            return x if end is None else min(x, end)

        return clamp(high) - clamp(low)

    @staticmethod
    def _rate(
        comp: RateComponent, index: int, payee: int, deal: Row, ctx: Context, issues: list[Issue]
    ) -> Decimal:
        tier_rate = comp.tiers[index].rate
        if tier_rate == LEVEL_RATE:
            level = ctx.level_rate(payee, deal["signed_on"])
            if level is None:
                issues.append(_missing_level(payee, deal["signed_on"]))
                level = Decimal(0)
            rate = level
        else:
            rate = Decimal(tier_rate)
        if comp.payee_adjustment:
            rate += ctx.adjustments.get(payee, Decimal(0))
        return max(rate, Decimal(0))

    @staticmethod
    def _modify(value: Decimal, deal: Row, mods: list, ctx: Context) -> tuple[int, tuple[str, ...]]:  # type: ignore[type-arg]
        applied: list[str] = []
        for mod, cond in mods:
            if not cond.test(deal.get):
                continue
            if mod.multiply is not None:
                value *= mod.multiply
            else:
                column = DEAL_FIELDS[mod.of].column if mod.of else "amount_fen"
                value += Decimal(deal[column]) * mod.add
            value = max(value, Decimal(0))
            applied.append(mod.id)
        return round_decimal(value, ctx.rounding), tuple(applied)

    def vectorized(self, comp: RateComponent, ctx: Context) -> pl.DataFrame:
        """The same lines from polars expressions over the whole deals frame."""
        when = condition(comp.when, "deals")
        cumulative = comp.bracket is Bracket.CUMULATIVE
        deals = (
            ctx.inputs.deals.filter(ctx.in_period_expr("signed_on") & when.expr())
            .with_columns(role_expr(comp.payee, comp.employee_id, ROLE_COLUMNS).alias("_payee"))
            .filter(pl.col("_payee").is_not_null())
            .sort("_payee", "signed_on", "deal_id")
            .with_columns(
                pl.col("amount_fen").cum_sum().over("_payee").alias("_after"),
                pl.col("amount_fen").sum().over("_payee").alias("_total"),
            )
        )
        deals = self._rates_frame(comp, deals, ctx)
        rates = [pl.col(f"_r{i}") for i in range(len(comp.tiers))]
        base = pl.col("amount_fen").cast(I128)
        if comp.mode is TierMode.MARGINAL:
            low = pl.col("_after") - pl.col("amount_fen") if cumulative else pl.lit(0)
            high = pl.col("_after") if cumulative else pl.col("amount_fen")
            value = pl.sum_horizontal(
                [
                    self._slice_expr(comp, i, low, high).cast(I128) * rates[i]
                    for i in range(len(rates))
                ]
            )
            index = self._bracket_expr(comp, high)
            amount, applied = self._modify_expr(comp, value, ctx)
            frames = [
                self._kind(
                    deals, LineKind.EARNED, index, amount, applied, cumulative, "_after", comp.id
                )
            ]
        else:
            index = self._bracket_expr(
                comp, pl.col("_after") if cumulative else pl.col("amount_fen")
            )
            amount, applied = self._modify_expr(comp, base * self._pick(rates, index), ctx)
            frames = [
                self._kind(
                    deals, LineKind.EARNED, index, amount, applied, cumulative, "_after", comp.id
                )
            ]
            if cumulative:
                final = self._bracket_expr(comp, pl.col("_total"))
                final_amount, _ = self._modify_expr(comp, base * self._pick(rates, final), ctx)
                lifted = deals.filter(final != index)
                frames.append(
                    self._kind(
                        lifted,
                        LineKind.TRUE_UP,
                        final,
                        final_amount - amount,
                        applied,
                        True,
                        "_total",
                        comp.id,
                    )
                )
        lines = pl.concat(frames)
        if comp.payee is Role.CREDITED:
            lines = split_vectorized(lines, ctx.inputs.credits, ["deal_id", "line_kind"])
        else:
            lines = lines.with_columns(
                pl.col("_payee").alias("payee_id"),
                pl.col("total_fen").alias("amount_fen"),
                pl.lit(None, dtype=pl.Int64()).alias("total_fen"),
            )
        lines = lines.with_columns(pl.col("amount_fen").alias("gross_fen"))
        return conform(gate_vectorized(comp.gate, lines, ctx))

    @staticmethod
    def _kind(
        deals: pl.DataFrame,
        kind: LineKind,
        index: pl.Expr,
        amount: pl.Expr,
        applied: pl.Expr,
        cumulative: bool,
        cum_column: str,
        component_id: str,
    ) -> pl.DataFrame:
        rates = pl.concat_list([pl.col(c) for c in deals.columns if c.startswith("_r")])
        return deals.select(
            "deal_id",
            "_payee",
            pl.lit(component_id).alias("component_id"),
            pl.lit(kind.value).alias("line_kind"),
            pl.lit("deal").alias("source"),
            pl.col("deal_id").alias("source_id"),
            pl.col("number").alias("source_label"),
            pl.col("amount_fen").alias("base_fen"),
            (pl.col(cum_column) if cumulative else pl.lit(None, dtype=pl.Int64())).alias(
                "cumulative_fen"
            ),
            index.cast(pl.Int64()).alias("tier_index"),
            decimal_expr(rates.list.get(index)).alias("rate"),
            applied.alias("modifiers"),
            amount.cast(pl.Int64()).alias("total_fen"),
        )

    @staticmethod
    def _rates_frame(comp: RateComponent, deals: pl.DataFrame, ctx: Context) -> pl.DataFrame:
        if any(tier.rate == LEVEL_RATE for tier in comp.tiers):
            levels = ctx.inputs.level_rates.sort("valid_from").select(
                "employee_id",
                "valid_from",
                (pl.col("rate") * RATE_SCALE).cast(I128).alias("_level"),
            )
            deals = deals.sort("signed_on").join_asof(
                levels,
                left_on="signed_on",
                right_on="valid_from",
                by_left="_payee",
                by_right="employee_id",
                strategy="backward",
                check_sortedness=False,
            )
            missing = deals.filter(pl.col("_level").is_null())
            raise_missing(
                [
                    _missing_level(row["_payee"], row["signed_on"])
                    for row in missing.sort("_payee", "signed_on").iter_rows(named=True)
                ]
            )
        adjustment: pl.Expr = i128(0)
        if comp.payee_adjustment:
            adjustments = ctx.inputs.adjustments.select(
                pl.col("employee_id").alias("_payee"),
                (pl.col("rate") * RATE_SCALE).cast(I128).alias("_adj"),
            )
            deals = deals.join(adjustments, on="_payee", how="left")
            adjustment = pl.col("_adj").fill_null(0)
        columns = []
        for i, tier in enumerate(comp.tiers):
            rate = (
                pl.col("_level")
                if tier.rate == LEVEL_RATE
                else i128(scaled(Decimal(tier.rate), RATE_SCALE))
            )
            total = rate + adjustment
            columns.append(pl.when(total < 0).then(i128(0)).otherwise(total).alias(f"_r{i}"))
        return deals.with_columns(columns)

    @staticmethod
    def _bracket_expr(comp: RateComponent, amount: pl.Expr) -> pl.Expr:
        steps = [(amount >= tier.from_).cast(pl.Int64()) for tier in comp.tiers[1:]]
        return pl.sum_horizontal(steps) if steps else pl.lit(0, dtype=pl.Int64())

    @staticmethod
    def _pick(rates: list[pl.Expr], index: pl.Expr) -> pl.Expr:
        chosen = rates[-1]
        for i in reversed(range(len(rates) - 1)):
            chosen = pl.when(index == i).then(rates[i]).otherwise(chosen)
        return chosen

    @staticmethod
    def _slice_expr(comp: RateComponent, index: int, low: pl.Expr, high: pl.Expr) -> pl.Expr:
        start = comp.tiers[index].from_
        end = _uppers(comp)[index]

        def clamp(x: pl.Expr) -> pl.Expr:
            x = pl.max_horizontal(x, pl.lit(start))
            return x if end is None else pl.min_horizontal(x, pl.lit(end))

        return clamp(high) - clamp(low)

    @staticmethod
    def _modify_expr(comp: RateComponent, value: pl.Expr, ctx: Context) -> tuple[pl.Expr, pl.Expr]:
        scale = RATE_SCALE
        applied: list[pl.Expr] = []
        for mod in comp.modifiers:
            test = condition(mod.when, "deals").expr()
            if mod.multiply is not None:
                factor = i128(scaled(mod.multiply, FACTOR_SCALE))
                value = value * pl.when(test).then(factor).otherwise(i128(FACTOR_SCALE))
                scale *= FACTOR_SCALE
            else:
                column = DEAL_FIELDS[mod.of].column if mod.of else "amount_fen"
                assert mod.add is not None
                term = pl.col(column).cast(I128) * i128(
                    scaled(mod.add, RATE_SCALE) * (scale // RATE_SCALE)
                )
                value = value + pl.when(test).then(term).otherwise(i128(0))
            value = pl.when(value < 0).then(i128(0)).otherwise(value)
            applied.append(pl.when(test).then(pl.lit(mod.id)))
        names = (
            pl.concat_list(applied).list.drop_nulls()
            if applied
            else pl.lit([], dtype=pl.List(pl.String()))
        )
        return div_round_expr(value, scale, ctx.rounding), names


def _missing_level(payee: int, day: object) -> Issue:
    return Issue(
        f"level_rates[{payee}]",
        "missing_level_rate",
        f"payee {payee} has no level rate in force on {day}",
        {"payee": payee, "day": str(day)},
    )
