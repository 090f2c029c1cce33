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
    raise_missing,
    role_payee,
    split_reference,
)
from meritline.incentives.engine.components.rate_vectorized import missing_level, rate_lines
from meritline.incentives.engine.errors import Issue
from meritline.incentives.engine.fields import DEAL_FIELDS
from meritline.incentives.engine.lines import Line, LineKind
from meritline.incentives.engine.numbers import round_decimal
from meritline.incentives.engine.schema import (
    LEVEL_RATE,
    Bracket,
    RateComponent,
    Role,
    TierMode,
)
from meritline.incentives.engine.validate import condition


def bracket_of(comp: RateComponent, amount: int) -> int:
    """Index of the tier whose (inclusive) lower bound ``amount`` has reached."""
    return sum(1 for tier in comp.tiers[1:] if amount >= tier.from_)


def _uppers(comp: RateComponent) -> list[int | None]:
    return [tier.from_ for tier in comp.tiers[1:]] + [None]


class RateStrategy:
    kind = "rate"
    in_order = True  # the vectorized lines come in canonical order: no check needed

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
                issues.append(missing_level(payee, deal["signed_on"]))
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
        """The same lines from polars over the whole deals frame (see ``rate_vectorized``)."""
        return rate_lines(comp, ctx)
