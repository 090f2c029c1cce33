"""The polars twin of ``RateStrategy.reference``: one lazy plan over the deals frame.

Rates are scaled integers (``RATE_SCALE``) in Int128 until the line's amount is rounded;
each modifier's condition is computed once as a boolean column, and the list of
modifiers applied to a line comes from a bit mask joined to a lookup of the possible
lists (building a list per row is the single most expensive thing polars could do here).
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
from meritline.incentives.engine.components.split import split_lines
from meritline.incentives.engine.errors import Issue
from meritline.incentives.engine.fields import DEAL_FIELDS
from meritline.incentives.engine.lines import LineKind, sort_lines
from meritline.incentives.engine.numbers import (
    FACTOR_SCALE,
    RATE_DTYPE,
    RATE_SCALE,
    div_round_expr,
    scaled,
)
from meritline.incentives.engine.schema import LEVEL_RATE, Bracket, RateComponent, Role, TierMode
from meritline.incentives.engine.validate import condition

I128 = pl.Int128()
I64 = pl.Int64()
MASK_LOOKUP_LIMIT = 12
_LINE_ORDER = ["payee_id", "source_id", "line_kind"]  # the canonical order (no target)
_MONEY_COLUMNS = (
    "amount_fen",
    "collected_fen",
    "refunded_fen",
)  # up to 2**12 possible modifier lists in the lookup frame


def rate_lines(comp: RateComponent, ctx: Context) -> pl.LazyFrame:
    """The component's lines (earned, and true-up for cumulative ``whole`` tiers), in
    canonical order (payee, deal, line kind)."""
    cumulative = comp.bracket is Bracket.CUMULATIVE
    when = condition(comp.when, "deals").expr()
    deals = (
        ctx.inputs.deals.lazy()
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
    needed = {"deal_id", "number", "signed_on", "amount_fen", "_payee"}
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
    ).rename({"_v": "total_fen"})
    frames = [_lines(deals, LineKind.EARNED, "_after" if cumulative else None, rates)]
    if "_vf" in values:
        lifted = deals.with_columns(
            _bracket(comp, pl.col("_total")).alias("tier_index"),
            (pl.col("_vf") - pl.col("total_fen")).alias("total_fen"),
        ).filter(pl.col("tier_index") != index)
        frames.append(_lines(lifted, LineKind.TRUE_UP, "_total", rates))
    lines = pl.concat(frames)
    if comp.payee is Role.CREDITED:
        single, shared = ctx.credit_parts
        lines = split_lines(lines, single, shared, ["deal_id", "line_kind"])
    else:
        lines = lines.with_columns(
            pl.col("_payee").alias("payee_id"),
            pl.col("total_fen").alias("amount_fen"),
            pl.lit(None, dtype=I64).alias("total_fen"),
        )
    lines = lines.with_columns(
        pl.col("amount_fen").alias("gross_fen"), pl.col("line_kind").cast(ctx.schema["line_kind"])
    ).drop("_payee", "deal_id")
    # sorted before the modifier lists are attached: moving a list column costs ten times
    # more than the rest of the line together
    ordered = sort_lines(gate_vectorized(comp.gate, lines, ctx).collect(), _LINE_ORDER)
    return _with_modifiers(comp, ordered.lazy())


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
    deals: pl.LazyFrame, kind: LineKind, cumulative: str | None, rates: list[pl.Expr]
) -> pl.LazyFrame:
    return deals.select(
        "deal_id",
        "_payee",
        "_mask",
        pl.lit(kind.value).alias("line_kind"),
        pl.lit("deal").alias("source"),
        pl.col("deal_id").alias("source_id"),
        pl.col("number").alias("source_label"),
        pl.col("amount_fen").alias("base_fen"),
        (pl.col(cumulative) if cumulative else pl.lit(None, dtype=I64)).alias("cumulative_fen"),
        pl.col("tier_index").cast(I64),
        rate_decimal(_pick(rates, pl.col("tier_index"))).alias("rate"),
        pl.col("total_fen").cast(I64),
    )


def _with_rates(
    comp: RateComponent, deals: pl.LazyFrame, ctx: Context, dtype: pl.DataType
) -> pl.LazyFrame:
    """``_r{i}``: each tier's rate for the deal's payee on its signing day (scaled, ≥ 0)."""
    if any(tier.rate == LEVEL_RATE for tier in comp.tiers):
        levels = ctx.inputs.level_rates.lazy().select(
            "employee_id",
            "valid_from",
            (pl.col("rate") * RATE_SCALE).cast(dtype).alias("_level"),
        )
        # both sides sorted by the date within each payee, as join_asof's ``by`` needs
        deals = deals.join_asof(
            levels.sort("employee_id", "valid_from"),
            left_on="signed_on",
            right_on="valid_from",
            by_left="_payee",
            by_right="employee_id",
            strategy="backward",
            check_sortedness=False,
        )
        deals = deals.collect().lazy()
        _check_levels(deals)
    adjustment: pl.Expr = pl.lit(0, dtype)
    if comp.payee_adjustment:
        adjustments = ctx.inputs.adjustments.lazy().select(
            pl.col("employee_id").alias("_payee"),
            (pl.col("rate") * RATE_SCALE).cast(dtype).alias("_adj"),
        )
        deals = deals.join(adjustments, on="_payee", how="left", maintain_order="left")
        adjustment = pl.col("_adj").fill_null(0)
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


def _with_modifiers(comp: RateComponent, lines: pl.LazyFrame) -> pl.LazyFrame:
    """``modifiers``: the ids of the modifiers whose condition held, in plan order."""
    count = len(comp.modifiers)
    empty = pl.lit([], dtype=pl.List(pl.String()))
    if count == 0:
        return lines.with_columns(empty.alias("modifiers")).drop("_mask")
    if count > MASK_LOOKUP_LIMIT:
        names = [
            pl.when(pl.col("_mask") & (1 << i) > 0).then(pl.lit(m.id))
            for i, m in enumerate(comp.modifiers)
        ]
        return lines.with_columns(pl.concat_list(names).list.drop_nulls().alias("modifiers")).drop(
            "_mask"
        )
    lookup = pl.LazyFrame(
        {
            "_mask": list(range(1 << count)),
            "modifiers": [
                [m.id for i, m in enumerate(comp.modifiers) if mask >> i & 1]
                for mask in range(1 << count)
            ],
        },
        schema={"_mask": I64, "modifiers": pl.List(pl.String())},
    )
    return lines.join(lookup, on="_mask", how="left", maintain_order="left").drop("_mask")


def rate_decimal(value: pl.Expr) -> pl.Expr:
    """A rate scaled by ``RATE_SCALE`` as an exact ``Decimal(38, 6)``."""
    unit = pl.lit(Decimal(1).scaleb(-6), dtype=RATE_DTYPE)
    return (value.cast(pl.Decimal(38, 0)) * unit).cast(RATE_DTYPE)
