"""The vectorized cycle scorer: the reference rules in Int128 scaled integers.

Scales: attainment ×10**4 (percent), scores/points ×100, weights ×100, targets ×10**6.
Checked inputs only (``cycle.score_cycle`` checks them first).
"""

from __future__ import annotations

import polars as pl

from meritline.performance.engine.cycle import (
    KPIS_SCHEMA,
    RESULTS_SCHEMA,
    CycleResult,
    CycleRules,
)
from meritline.performance.engine.numbers import (
    ATT_MAX,
    ATT_PLACES,
    COEF_PLACES,
    SCORE_PLACES,
    TARGET_PLACES,
    as_decimal,
    div_round_expr,
    i128,
    scaled,
)
from meritline.performance.engine.raters_vectorized import (
    RATINGS_SCHEMA,
    aggregate_frame,
    rating_values,
)
from meritline.performance.engine.scoring import Status
from meritline.performance.engine.template import KpiKind

_HUNDRED_PCT = 100 * 10**ATT_PLACES
_ATT_MAX = scaled(ATT_MAX, ATT_PLACES)


def _items(rules: CycleRules) -> pl.DataFrame:
    rows = [
        {
            "template_id": tid,
            "kpi_id": item.id,
            "order": i,
            "w": scaled(item.weight, 2),
            "rating": item.kind is KpiKind.RATING,
            "lower": item.curve.lower_is_better,
            "default_target": None if item.target is None else scaled(item.target, TARGET_PLACES),
        }
        for tid, template in rules.templates.items()
        for i, item in enumerate(template.items)
    ]
    schema = {
        "template_id": pl.String(),
        "kpi_id": pl.String(),
        "order": pl.Int64(),
        "w": pl.Int128(),
        "rating": pl.Boolean(),
        "lower": pl.Boolean(),
        "default_target": pl.Int128(),
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _attainment() -> pl.Expr:
    num, den, t = pl.col("num").cast(pl.Int128), pl.col("den").cast(pl.Int128), pl.col("t")
    ratio = div_round_expr(num * i128(10**12), den * t).clip(i128(0), i128(_ATT_MAX))
    zero_higher = pl.when(num >= 0).then(i128(_HUNDRED_PCT)).otherwise(i128(0))
    zero_lower = pl.when(num <= 0).then(i128(_HUNDRED_PCT)).otherwise(i128(_ATT_MAX))
    zero = pl.when(pl.col("lower")).then(zero_lower).otherwise(zero_higher)
    result: pl.Expr = (
        pl.when(pl.col("status") != Status.OK.value)
        .then(None)
        .when(t == 0)
        .then(zero)
        .otherwise(ratio)
    )
    return result


def _score(rules: CycleRules) -> pl.Expr:
    att = pl.col("att")
    result: pl.Expr = i128(0)
    for tid, template in rules.templates.items():
        for item in template.items:
            mine = (pl.col("template_id") == tid) & (pl.col("kpi_id") == item.id)
            result = pl.when(mine).then(item.curve.expr(att)).otherwise(result)
    ok: pl.Expr = pl.when(att.is_null()).then(i128(0)).otherwise(result)
    return ok


def _grades(rules: CycleRules, final: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    bands = rules.grades.bands
    grade: pl.Expr = pl.lit(bands[-1].grade)
    coef: pl.Expr = i128(scaled(bands[-1].coefficient, COEF_PLACES))
    for band in reversed(bands[:-1]):
        reached = final >= i128(scaled(band.min_score, SCORE_PLACES))
        grade = pl.when(reached).then(pl.lit(band.grade)).otherwise(grade)
        coef = pl.when(reached).then(i128(scaled(band.coefficient, COEF_PLACES))).otherwise(coef)
    return grade, coef


def score_vectorized(
    rules: CycleRules, employees: pl.DataFrame, values: pl.DataFrame, answers: pl.DataFrame
) -> CycleResult:
    """Score a checked cycle with Polars (see ``cycle.score_cycle``)."""
    if rules.raters is not None and answers.height:
        ratings = aggregate_frame(answers, rules.raters)
    else:
        ratings = pl.DataFrame(schema=RATINGS_SCHEMA)
    rated = rating_values(ratings).lazy().rename({"num": "r_num", "den": "r_den"})
    physical = pl.col("target").to_physical().cast(pl.Int128)
    rows = (
        employees.lazy()
        .select("employee_id", "template_id")
        .join(_items(rules).lazy(), on="template_id", how="inner")
        .join(
            values.lazy().with_columns(physical.alias("target")),
            on=["employee_id", "kpi_id"],
            how="left",
        )
        .join(rated, on=["employee_id", "kpi_id"], how="left")
        .with_columns(
            pl.when(pl.col("rating")).then(pl.col("r_num")).otherwise(pl.col("num")).alias("num"),
            pl.when(pl.col("rating")).then(pl.col("r_den")).otherwise(pl.col("den")).alias("den"),
            pl.coalesce("target", "default_target").alias("t"),
        )
        .with_columns(
            pl.when(pl.col("t").is_null())
            .then(pl.lit(Status.MISSING_TARGET.value))
            .when(pl.col("num").is_null() | pl.col("den").is_null() | (pl.col("den") <= 0))
            .then(pl.lit(Status.MISSING_VALUE.value))
            .otherwise(pl.lit(Status.OK.value))
            .alias("status")
        )
        .with_columns(_attainment().alias("att"))
        .with_columns(_score(rules).alias("score"))
        .sort("employee_id", "order")
        .collect()
    )
    kpis = rows.select(
        "employee_id",
        "kpi_id",
        as_decimal(pl.col("att"), ATT_PLACES).alias("attainment"),
        as_decimal(pl.col("score"), SCORE_PLACES).alias("score"),
        "status",
    ).cast(KPIS_SCHEMA)  # type: ignore[arg-type]
    individual = rows.group_by("employee_id").agg(
        div_round_expr((pl.col("w") * pl.col("score")).sum(), 10**4).alias("individual")
    )
    tw = scaled(rules.blend.team_weight, 2)
    cap = scaled(rules.blend.max_points, SCORE_PLACES)
    team = pl.col("team_score").to_physical().cast(pl.Int128)
    ind = pl.col("individual")
    blended = (
        pl.when(team.is_null())
        .then(ind)
        .otherwise(div_round_expr(ind * i128(10**4 - tw) + team * i128(tw), 10**4))
    )
    points = pl.min_horizontal(pl.col("points").to_physical().cast(pl.Int128), i128(cap))
    result = (
        employees.lazy()
        .join(individual.lazy(), on="employee_id", how="left")
        .with_columns(blended.alias("blended"), points.alias("applied"))
        .with_columns((pl.col("blended") + pl.col("applied")).alias("final_i"))
    )
    grade, coef = _grades(rules, pl.col("final_i"))
    out = (
        result.with_columns(grade.alias("grade"), coef.alias("coef"))
        .select(
            "employee_id",
            "template_id",
            as_decimal(ind, SCORE_PLACES).alias("individual"),
            "team_score",
            as_decimal(pl.col("blended"), SCORE_PLACES).alias("blended"),
            as_decimal(pl.col("applied"), SCORE_PLACES).alias("points"),
            as_decimal(pl.col("final_i"), SCORE_PLACES).alias("final"),
            "grade",
            as_decimal(pl.col("coef"), COEF_PLACES).alias("coefficient"),
        )
        .sort("employee_id")
        .collect()
        .cast(RESULTS_SCHEMA)  # type: ignore[arg-type]
    )
    return CycleResult(kpis=kpis, employees=out, ratings=ratings)
