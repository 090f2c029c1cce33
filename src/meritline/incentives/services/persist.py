"""Persist: a run's result lines, statement totals and carried state, in bulk.

Adjustment lines (late changes, disputes) are added beside the engine's; they count in
the payee's net and payable, and their effect on a deal's earnings is folded into the
carried deal state so later holds and clawbacks start from what was really paid.

A run may save millions of lines: they go from the engine's frames to the database in
chunks (``COPY … FROM STDIN`` on PostgreSQL), with no Python object per line. Each
line's explanation is ``engine.explain`` of that line; lines that differ only in the
values explain copies from the line (deal, amounts, rate, share…) share one, so
``explain`` runs once per such group and the copied values are filled in by polars
(see ``explanations``). Statements and carried state are sums over the frames.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import polars as pl
from django.db import connection

from meritline.incentives.engine import Result
from meritline.incentives.engine.schema import RateComponent
from meritline.incentives.models import (
    ADJUSTMENT_KIND,
    LineDispute,
    ResultLine,
    Run,
    StatementTotal,
)
from meritline.incentives.services.adjustments import AdjustmentLine
from meritline.incentives.services.carry import carry
from meritline.incentives.services.explanations import Explainer
from meritline.incentives.services.frames_write import write_frame
from meritline.sales.services.bulkdb import insert_rows

BATCH = 2000
WRITE_CHUNK = 200_000
_EARNED = ("earned", "true_up", "points", "points_bonus", "award")


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


def _line_columns(
    run: Run, result: Result, lines: pl.DataFrame, explainer: Explainer
) -> pl.DataFrame:
    labels = {
        (comp.id, index): tier.label or ""
        for comp in result.plan.components
        if isinstance(comp, RateComponent)
        for index, tier in enumerate(comp.tiers)
    }
    tier_label = pl.concat_str(
        [pl.col("component_id").cast(pl.String), pl.col("tier_index").cast(pl.String)],
        separator="#",
    ).replace_strict({f"{c}#{i}": label for (c, i), label in labels.items()}, default="")
    codes, params = explainer.explain(lines)
    modifiers = (
        pl.when(pl.col("modifiers").list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.concat_str(pl.lit('["'), pl.col("modifiers").list.join('", "'), pl.lit('"]')))
    )
    frame = lines.select(
        pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
        "payee_id",
        pl.col("component_id").cast(pl.String),
        pl.col("line_kind").cast(pl.String),
        pl.col("source").cast(pl.String),
        "source_id",
        pl.col("source_label").fill_null("").str.slice(0, 64),
        "base_fen",
        "rate",
        "tier_index",
        tier_label.fill_null("").str.slice(0, 64).alias("tier_label"),
        modifiers.alias("modifiers"),
        "share",
        "quantity",
        "cumulative_fen",
        "total_fen",
        "gate_met",
        pl.col("target_id").cast(pl.String).fill_null(""),
        "gross_fen",
        "amount_fen",
    ).with_columns(
        codes.alias("explanation_code"),
        params.alias("explanation_params"),
        pl.lit("").alias("adjustment_reason"),
        pl.lit("").alias("adjusts_period"),
    )
    return frame


def _engine_chunks(result: Result, payees: set[int] | None) -> Iterator[pl.DataFrame]:
    wanted = None if payees is None else pl.col("payee_id").is_in(sorted(payees))
    for part in result.parts:
        mine = part if wanted is None else part.filter(wanted)
        for start in range(0, mine.height, WRITE_CHUNK):
            yield mine.slice(start, WRITE_CHUNK)


def _delete_lines(run: Run) -> None:
    """Delete the run's lines: in one statement unless a dispute refers to one (then the
    ORM's delete, which refuses, as the dispute protects its line)."""
    if LineDispute.objects.filter(line__run=run).exists():
        run.lines.all().delete()
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(ResultLine._meta.db_table)} WHERE {quote(_RUN_COLUMN)} = %s",  # noqa: S608
            [run.pk],
        )


def persist(
    run: Run, result: Result, payees: set[int] | None, adjustments: list[AdjustmentLine]
) -> tuple[int, int]:
    """Replace the run's lines, statements and carried state; (line count, payable)."""
    _delete_lines(run)
    run.statements.all().delete()
    run.carried.all().delete()
    explainer = Explainer(result)
    line_count = 0
    for chunk in _engine_chunks(result, payees):
        write_frame(ResultLine, _line_columns(run, result, chunk, explainer), _JSON_LINE_COLUMNS)
        line_count += chunk.height
    fields = [f for f in ResultLine._meta.concrete_fields if not f.primary_key]
    columns = [f.attname for f in fields]
    extra_rows = [adjustment_row(run, a) for a in adjustments]
    insert_rows(ResultLine, columns, [[getattr(r, c) for c in columns] for r in extra_rows])
    line_count += len(extra_rows)
    extra: dict[int, int] = defaultdict(int)
    for adj in adjustments:
        extra[adj.payee_id] += adj.amount_fen
    found = statement_rows(result, payees)
    rows = []
    for payee in sorted(set(found) | set(extra)):
        row = found.get(payee) or StatementTotal(payee_id=payee)
        row.run = run
        row.adjustment_fen = extra.get(payee, 0)
        totals(row.net_fen + row.adjustment_fen, row)
        rows.append(row)
    StatementTotal.objects.bulk_create(rows, batch_size=BATCH)
    carry(run, result, payees, adjustments, {r.payee_id: r.carried_out_fen for r in rows})
    return line_count, sum(r.payable_fen for r in rows)


_JSON_LINE_COLUMNS = ("modifiers", "explanation_params")
_RUN_COLUMN: str = ResultLine._meta.get_field("run").column  # type: ignore[union-attr]


def statement_rows(result: Result, payees: set[int] | None) -> dict[int, StatementTotal]:
    """``engine.statements`` as unsaved rows (``net_fen`` before adjustments), summed by
    polars over the lines' frame: per payee and component, and per kind of line."""
    kind = pl.col("line_kind").cast(pl.String)
    bucket = (
        pl.when(kind.is_in(_EARNED))
        .then(pl.lit("earned"))
        .when(kind == "award_clawback")
        .then(pl.lit("clawback"))
        .otherwise(kind)
    )
    lines = result.frame(
        ["payee_id", "component_id", "line_kind", "amount_fen", "gate_met", "quantity"]
    )
    points = kind.is_in(("points", "points_bonus")) & pl.col("gate_met").ne_missing(False)
    by_kind = lines.group_by("payee_id", bucket.alias("bucket")).agg(pl.col("amount_fen").sum())
    by_component = lines.group_by("payee_id", pl.col("component_id").cast(pl.String)).agg(
        pl.col("amount_fen").sum()
    )
    point_sums = (
        lines.filter(points).group_by("payee_id").agg(pl.col("quantity").fill_null(0).sum())
    )
    balances = result.inputs.balances
    carried = dict(
        zip(balances["employee_id"].to_list(), balances["carried_fen"].to_list(), strict=True)
    )
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for payee, name, amount in by_kind.iter_rows():
        sums[payee][name] += amount
    components: dict[int, dict[str, int]] = defaultdict(dict)
    order = {comp.id: i for i, comp in enumerate(result.plan.components)}
    for payee, component, amount in sorted(by_component.iter_rows(), key=lambda r: order[r[1]]):
        components[payee][component] = amount
    for payee, quantity in point_sums.iter_rows():
        sums[payee]["points"] += quantity
    out = {}
    for payee in sorted(set(sums) | set(carried) | set(components)):
        if payees is not None and payee not in payees:
            continue
        total = sums[payee]
        carried_in = carried.get(payee, 0)
        out[payee] = StatementTotal(
            payee_id=payee,
            earned_fen=total["earned"],
            cap_cut_fen=-total["cap_cut"],
            held_fen=-total["held"],
            released_fen=total["released"],
            clawed_back_fen=-total["clawback"],
            carried_in_fen=carried_in,
            points=total["points"],
            by_component=components.get(payee, {}),
            net_fen=sum(components.get(payee, {}).values()) + carried_in,
        )
    return out
