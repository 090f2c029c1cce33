"""The polars twin of ``RateStrategy.reference``: polars over the whole deals frame.

Rates are scaled integers (``RATE_SCALE``) in Int64 or Int128 until the line's amount is
rounded; each modifier's condition is computed once as a boolean column, and the list
of modifiers applied to a line comes from a bit mask (see ``rate_output``: building a
list per row is the single most expensive thing polars could do here). The payee's
terms come from lookups, not joins (``level_rates``); a shared deal's split from
``split``.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from meritline.incentives.engine.components.common import (
    ROLE_COLUMNS,
    Context,
    gate_vectorized,
    raise_missing,
    role_expr,
)
from meritline.incentives.engine.components.level_rates import (
    with_adjustments,
    with_level_rates,
)
from meritline.incentives.engine.components.rate_output import widen
from meritline.incentives.engine.components.split import drop_unpaid, split_lines
from meritline.incentives.engine.errors import Issue
from meritline.incentives.engine.fields import DEAL_FIELDS
from meritline.incentives.engine.lines import LineKind, sort_lines
from meritline.incentives.engine.numbers import (
    FACTOR_SCALE,
    RATE_SCALE,
    div_round_expr,
    scaled,
)
from meritline.incentives.engine.schema import LEVEL_RATE, Bracket, RateComponent, Role, TierMode
from meritline.incentives.engine.validate import condition

I128 = pl.Int128()
I64 = pl.Int64()
_LINE_ORDER = ["payee_id", "source_id", "line_kind"]  # the canonical order (no target)
_MONEY_COLUMNS = ("amount_fen", "collected_fen", "refunded_fen")


def rate_lines(comp: RateComponent, ctx: Context) -> pl.DataFrame:
    """The component's lines (earned, and true-up for cumulative ``whole`` tiers), in
    canonical order (payee, deal, line kind).

    Narrow first, wide last: each deal's amounts are computed in the payee's signing
    order, its lines made and ordered with integer columns only (the deal's row in the
    inputs instead of its number, rates and shares as scaled integers, the modifier
    bit mask instead of the list); the label, the decimals and the lists are made once,
    in the final order (:func:`widen`)."""
    cumulative = comp.bracket is Bracket.CUMULATIVE
    when = condition(comp.when, "deals").expr()
    deals = (
        ctx.inputs.deals.lazy()
        .with_row_index("_row")
        .filter(ctx.in_period_expr("signed_on") & when)
        .with_columns(role_expr(comp.payee, comp.employee_id, ROLE_COLUMNS).alias("_payee"))
        .filter(pl.col("_payee").is_not_null())
        .with_columns(
            [
                condition(mod.when, "deals").expr().alias(f"_m{i}")
                for i, mod in enumerate(comp.modifiers)
            ]
        )
    )
    # running totals and the level rate in force need the signing order; otherwise the
    # order of the lines (payee, deal) saves sorting them afterwards
    in_time = cumulative or any(tier.rate == LEVEL_RATE for tier in comp.tiers)
    deals = _by_payee(deals, comp, ctx, in_time)
    if cumulative:
        deals = _running_totals(deals)
    needed = {"_row", "deal_id", "signed_on", "amount_fen", "_payee"}
    needed |= {DEAL_FIELDS[m.of].column for m in comp.modifiers if m.of}
    needed |= {f"_m{i}" for i in range(len(comp.modifiers))}
    needed |= {"_after", "_total"} if cumulative else set()
    dtype = _int_dtype(comp, ctx)
    deals = _with_rates(comp, deals.select(sorted(needed)), ctx, dtype)
    rates = [pl.col(f"_r{i}") for i in range(len(comp.tiers))]
    base = pl.col("amount_fen").cast(dtype)
    values = {}
    if comp.mode is TierMode.MARGINAL:
        low = pl.col("_after") - pl.col("amount_fen") if cumulative else pl.lit(0, I64)
        high = pl.col("_after") if cumulative else pl.col("amount_fen")
        values["_v"] = pl.sum_horizontal(
            [_slice(comp, i, low, high).cast(dtype) * rates[i] for i in range(len(rates))]
        )
        index = _bracket(comp, high)
    else:
        index = _bracket(comp, pl.col("_after") if cumulative else pl.col("amount_fen"))
        values["_v"] = base * _pick(rates, index)
        if cumulative:
            values["_vf"] = base * _pick(rates, _bracket(comp, pl.col("_total")))
    deals = deals.with_columns(index.alias("tier_index"), _mask(comp).alias("_mask"), **values)
    deals, scale = _modify(comp, deals, list(values), dtype)
    deals = deals.with_columns(
        [div_round_expr(pl.col(name), scale, ctx.rounding, dtype).alias(name) for name in values]
    )
    kinds = ctx.schema["line_kind"]
    frames = [_lines(deals, LineKind.EARNED, "_after" if cumulative else None, rates, kinds)]
    if "_vf" in values:
        lifted = deals.with_columns(
            _bracket(comp, pl.col("_total")).alias("tier_index"),
            (pl.col("_vf") - pl.col("_v")).alias("_v"),
        ).filter(pl.col("tier_index") != index)
        frames.append(_lines(lifted, LineKind.TRUE_UP, "_total", rates, kinds))
    lines = pl.concat(frames).collect()
    del frames, deals
    if comp.payee is Role.CREDITED:
        single, shared = ctx.credit_parts
        lines = split_lines(lines, single, shared)
    else:
        lines = lines.rename({"_payee": "payee_id", "_value": "amount_fen"})
    lines = drop_unpaid(sort_lines(lines.drop("_payee", "_value", strict=False), _LINE_ORDER))
    # the amount before the gate: the same buffer as the amount unless a gate changes it
    lines = lines.with_columns(pl.col("amount_fen").alias("gross_fen"))
    if comp.gate is not None:
        lines = gate_vectorized(comp.gate, lines.lazy(), ctx).collect()
    return widen(comp, lines, ctx)


def _by_payee(
    deals: pl.LazyFrame, comp: RateComponent, ctx: Context, in_time: bool
) -> pl.LazyFrame:
    """``deals`` sorted by payee, then (``in_time``) signing day, then deal id: one sort on
    the three packed into an Int64 when their ranges fit (a sort by several columns is a
    few times slower); nulls first, as ``sort`` puts them."""
    keys = ["_payee", "signed_on", "deal_id"] if in_time else ["_payee", "deal_id"]
    frame = ctx.inputs.deals
    column = ROLE_COLUMNS.get(comp.payee)
    if column is None:
        payees: tuple[int | None, int | None] = (comp.employee_id, comp.employee_id)
    else:
        payees = frame.select(pl.col(column).min().alias("lo"), pl.col(column).max()).row(0)
    ids = frame.select(pl.col("deal_id").min().alias("lo"), pl.col("deal_id").max()).row(0)
    days = (pl.col("signed_on") - pl.lit(ctx.start)).dt.total_days()
    parts: list[tuple[pl.Expr, int | None, int | None]] = [(pl.col("_payee"), *payees)]
    if in_time:
        parts.append((days, 0, (ctx.end - ctx.start).days))  # in the period: never null
    parts.append((pl.col("deal_id"), *ids))
    packed: pl.Expr = pl.lit(0, I64)
    size = 1
    for expr, low, high in parts:
        if low is None or high is None:
            continue  # every value null: no order to add
        span = high - low + 2
        size *= span
        packed = packed * span + (expr.cast(I64) - low + 1).fill_null(0)
    if size >= 2**62:
        return deals.sort(keys, nulls_last=False)
    return deals.sort(packed)


def _running_totals(deals: pl.LazyFrame) -> pl.LazyFrame:
    """``_after``: the payee's total up to and including each deal; ``_total``: the payee's
    period total. The deals come grouped by payee, so both are runs over the column."""
    first = (pl.col("_payee") != pl.col("_payee").shift(1)).fill_null(True)
    last = (pl.col("_payee") != pl.col("_payee").shift(-1)).fill_null(True)
    running = pl.col("amount_fen").cum_sum()
    before = pl.when(first).then(running - pl.col("amount_fen")).forward_fill()
    after = running - before
    return deals.with_columns(after.alias("_after")).with_columns(
        pl.when(last).then(pl.col("_after")).backward_fill().alias("_total")
    )


def _lines(
    deals: pl.LazyFrame,
    kind: LineKind,
    cumulative: str | None,
    rates: list[pl.Expr],
    kinds: pl.DataType,
) -> pl.LazyFrame:
    """One line per deal, narrow: ``_rate`` is the tier's rate scaled, ``_value`` the amount."""
    return deals.select(
        "_row",
        pl.col("deal_id").alias("source_id"),
        "_payee",
        pl.lit(kind.value, dtype=kinds).alias("line_kind"),
        pl.col("amount_fen").alias("base_fen"),
        *([pl.col(cumulative).alias("cumulative_fen")] if cumulative else []),
        pl.col("tier_index").cast(pl.Int32),
        _pick(rates, pl.col("tier_index")).alias("_rate"),
        "_mask",
        pl.col("_v").cast(I64).alias("_value"),
    )


def _with_rates(
    comp: RateComponent, deals: pl.LazyFrame, ctx: Context, dtype: pl.DataType
) -> pl.LazyFrame:
    """``_r{i}``: each tier's rate for the deal's payee on its signing day (scaled, ≥ 0)."""
    if any(tier.rate == LEVEL_RATE for tier in comp.tiers):
        frame = with_level_rates(deals.collect(), ctx, dtype)
        _check_levels(frame.lazy())
        deals = frame.lazy()
    adjustment: pl.Expr = pl.lit(0, dtype)
    if comp.payee_adjustment:
        deals = with_adjustments(deals.collect(), ctx, dtype).lazy()
        adjustment = pl.col("_adj")
    columns = []
    for i, tier in enumerate(comp.tiers):
        rate = (
            pl.col("_level")
            if tier.rate == LEVEL_RATE
            else pl.lit(scaled(Decimal(tier.rate), RATE_SCALE), dtype)
        )
        columns.append((rate + adjustment).clip(lower_bound=pl.lit(0, dtype)).alias(f"_r{i}"))
    return deals.with_columns(columns)


def _check_levels(deals: pl.LazyFrame) -> None:
    missing = (
        deals.filter(pl.col("_level").is_null())
        .select("_payee", "signed_on")
        .unique()
        .sort("_payee", "signed_on")
        .collect()
    )
    raise_missing([missing_level(payee, day) for payee, day in missing.iter_rows()])


def missing_level(payee: int, day: object) -> Issue:
    return Issue(
        f"level_rates[{payee}]",
        "missing_level_rate",
        f"payee {payee} has no level rate in force on {day}",
        {"payee": payee, "day": str(day)},
    )


def _bracket(comp: RateComponent, amount: pl.Expr) -> pl.Expr:
    steps = [(amount >= tier.from_).cast(I64) for tier in comp.tiers[1:]]
    return pl.sum_horizontal(steps) if steps else pl.lit(0, dtype=I64)


def _pick(rates: list[pl.Expr], index: pl.Expr) -> pl.Expr:
    chosen = rates[-1]
    for i in reversed(range(len(rates) - 1)):
        chosen = pl.when(index == i).then(rates[i]).otherwise(chosen)
    return chosen


def _slice(comp: RateComponent, index: int, low: pl.Expr, high: pl.Expr) -> pl.Expr:
    start = comp.tiers[index].from_
    end = comp.tiers[index + 1].from_ if index + 1 < len(comp.tiers) else None

    def clamp(x: pl.Expr) -> pl.Expr:
        x = pl.max_horizontal(x, pl.lit(start, I64))
        return x if end is None else pl.min_horizontal(x, pl.lit(end, I64))

    return clamp(high) - clamp(low)


def _modify(
    comp: RateComponent, deals: pl.LazyFrame, names: list[str], dtype: pl.DataType
) -> tuple[pl.LazyFrame, int]:
    """Apply the modifiers in plan order to the exact amounts in ``names`` (never below
    zero); one step a stage, so no expression is repeated. Returns the amounts' scale."""
    scale = RATE_SCALE
    for i, mod in enumerate(comp.modifiers):
        test = pl.col(f"_m{i}")
        steps = []
        for name in names:
            value = pl.col(name)
            if mod.multiply is not None:
                factor = pl.lit(scaled(mod.multiply, FACTOR_SCALE), dtype)
                value = value * pl.when(test).then(factor).otherwise(pl.lit(FACTOR_SCALE, dtype))
            else:
                column = DEAL_FIELDS[mod.of].column if mod.of else "amount_fen"
                assert mod.add is not None
                term = pl.col(column).cast(dtype) * pl.lit(
                    scaled(mod.add, RATE_SCALE) * (scale // RATE_SCALE), dtype
                )
                value = value + pl.when(test).then(term).otherwise(pl.lit(0, dtype))
            steps.append(value.clip(lower_bound=pl.lit(0, dtype)).alias(name))
        if mod.multiply is not None:
            scale *= FACTOR_SCALE
        deals = deals.with_columns(steps)
    return deals, scale


def _int_dtype(comp: RateComponent, ctx: Context) -> pl.DataType:
    """Int64 when no intermediate amount can overflow it (bounded from the plan and the
    inputs' largest values), else Int128: the same exact integers either way."""
    deals = ctx.inputs.deals
    maxima = deals.select(pl.col(c).abs().max() for c in _MONEY_COLUMNS).row(0)
    largest = {c: int(m or 0) for c, m in zip(_MONEY_COLUMNS, maxima, strict=True)}
    rate = 0
    for tier in comp.tiers:
        if tier.rate == LEVEL_RATE:
            rate = max(rate, _largest_rate(ctx.inputs.level_rates))
        else:
            rate = max(rate, abs(scaled(Decimal(tier.rate), RATE_SCALE)))
    if comp.payee_adjustment:
        rate += _largest_rate(ctx.inputs.adjustments)
    bound, scale = largest.get("amount_fen", 0) * rate, RATE_SCALE
    for mod in comp.modifiers:
        if mod.multiply is not None:
            # where the condition fails the amount is multiplied by FACTOR_SCALE (× 1)
            bound *= max(scaled(mod.multiply, FACTOR_SCALE), FACTOR_SCALE)
            scale *= FACTOR_SCALE
        else:
            assert mod.add is not None
            column = DEAL_FIELDS[mod.of].column if mod.of else "amount_fen"
            step = abs(scaled(mod.add, RATE_SCALE)) * (scale // RATE_SCALE)
            bound += largest.get(column, 0) * step
    return I64 if 4 * max(bound, scale) < 2**62 else I128


def _largest_rate(frame: pl.DataFrame) -> int:
    largest = frame["rate"].abs().max() if frame.height else None
    return scaled(Decimal(str(largest)), RATE_SCALE) if largest is not None else 0


def _mask(comp: RateComponent) -> pl.Expr:
    bits = [pl.col(f"_m{i}").cast(I64) * (1 << i) for i in range(len(comp.modifiers))]
    return pl.sum_horizontal(bits) if bits else pl.lit(0, I64)
