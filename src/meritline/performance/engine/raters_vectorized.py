"""Multi-rater reviews over frames: input checks and the vectorized aggregation.

Same rules as ``raters`` (read its docstring), in Int128 scaled integers: scores ×100,
group means ×10**4, weights ×100. The answers frame has the columns of
:data:`ANSWERS_SCHEMA`; results have the columns of :data:`RATINGS_SCHEMA`.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from meritline.performance.engine.errors import InputError, Issue
from meritline.performance.engine.numbers import (
    SCORE_DTYPE,
    SCORE_PLACES,
    as_decimal,
    div_round_expr,
    i128,
    places,
    scaled,
)
from meritline.performance.engine.raters import (
    ANONYMOUS,
    GROUPS,
    Answer,
    RaterGroup,
    RaterRules,
    Rating,
    Reason,
    aggregate,
)

ANSWERS_SCHEMA: dict[str, pl.DataType] = {
    "ratee_id": pl.Int64(),
    "rater_id": pl.Int64(),
    "group": pl.String(),
    "item": pl.String(),
    "score": SCORE_DTYPE,
}
EXCLUDED_DTYPE = pl.List(
    pl.Struct({"group": pl.String(), "reason": pl.String(), "answered": pl.Int64()})
)
RATINGS_SCHEMA: dict[str, pl.DataType] = {
    "ratee_id": pl.Int64(),
    "item": pl.String(),
    "value": SCORE_DTYPE,
    "groups": pl.List(pl.String()),
    "excluded": EXCLUDED_DTYPE,
}
MAX_ISSUES = 100
_ORDER = {g.value: i for i, g in enumerate(GROUPS)}


def answers_frame(answers: Sequence[Answer]) -> pl.DataFrame:
    """Answers as a frame; refuses a score with more than 2 decimal places."""
    issues = [
        Issue(f"answers[{i}].score", "too_many_places", "a rating has at most 2 decimal places")
        for i, a in enumerate(answers)
        if places(a.score) > SCORE_PLACES
    ]
    if issues:
        raise InputError(issues[:MAX_ISSUES])
    return pl.DataFrame(
        {
            "ratee_id": [a.ratee_id for a in answers],
            "rater_id": [a.rater_id for a in answers],
            "group": [a.group.value for a in answers],
            "item": [a.item for a in answers],
            "score": [a.score for a in answers],
        },
        schema=ANSWERS_SCHEMA,
    )


def check_answers(frame: pl.DataFrame, rules: RaterRules) -> list[Issue]:
    """Every bad answer with its row (``answers[17].score``), at most 100 of them."""
    lo, hi = rules.scale_min, rules.scale_max
    df = frame.select(ANSWERS_SCHEMA.keys()).with_row_index("row")
    g, score = pl.col("group"), pl.col("score")
    same = pl.col("rater_id") == pl.col("ratee_id")
    checks: list[tuple[pl.Expr, str, str, str]] = [
        (
            ~g.is_in(list(_ORDER)) | g.is_null(),
            "group",
            "unknown_group",
            f"unknown rater group; known groups: {', '.join(_ORDER)}",
        ),
        (
            score.is_null() | (score < lo) | (score > hi),
            "score",
            "off_scale",
            f"a rating must be between {lo} and {hi}",
        ),
        (
            (g == RaterGroup.SELF.value) & ~same,
            "rater_id",
            "self_mismatch",
            "a self-review is written by the ratee",
        ),
        (
            (g != RaterGroup.SELF.value) & same,
            "rater_id",
            "self_as_peer",
            "a person cannot rate themself except in the self group",
        ),
        (
            pl.int_range(pl.len()).over("ratee_id", "rater_id", "item") > 0,
            "",
            "duplicate_answer",
            "the same rater answered this item for this ratee twice",
        ),
    ]
    issues: list[Issue] = []
    for condition, field_, code, message in checks:
        rows = df.filter(condition.fill_null(True)).head(MAX_ISSUES)
        for row in rows.iter_rows(named=True):
            where = f"answers[{row['row']}]" + (f".{field_}" if field_ else "")
            params = {"value": str(row[field_])} if field_ else {}
            issues.append(Issue(where, code, message, params))
    issues.sort(key=lambda issue: int(issue.location.split("[")[1].split("]")[0]))
    return issues[:MAX_ISSUES]


def aggregate_checked(answers: Sequence[Answer], rules: RaterRules) -> list[Rating]:
    """Check the answers (raising :class:`InputError`) and aggregate them by reference."""
    issues = check_answers(answers_frame(answers), rules)
    if issues:
        raise InputError(issues)
    return aggregate(answers, rules)


def ratings_frame(ratings: Sequence[Rating]) -> pl.DataFrame:
    """Reference ratings in the shape of :func:`aggregate_frame`'s result."""
    return pl.DataFrame(
        {
            "ratee_id": [r.ratee_id for r in ratings],
            "item": [r.item for r in ratings],
            "value": [r.value for r in ratings],
            "groups": [[u.group.value for u in r.used] for r in ratings],
            "excluded": [
                [
                    {"group": e.group.value, "reason": e.reason.value, "answered": e.answered}
                    for e in r.excluded
                ]
                for r in ratings
            ],
        },
        schema=RATINGS_SCHEMA,
    )


def _normalised(x: pl.Expr, rules: RaterRules) -> pl.Expr:
    if not rules.normalise:
        return x
    rater, item = ("rater_id", "item"), ("item",)
    n = pl.len().over(rater).cast(pl.Int128)
    s = x.sum().over(rater)
    e = (n * x - s).abs().sum().over(rater)
    big_n = pl.len().over(item).cast(pl.Int128)
    t = x.sum().over(item)
    f = (big_n * x - t).abs().sum().over(item)
    mapped = div_round_expr(t * big_n * e + f * n * (n * x - s), big_n * big_n * e)
    lo, hi = scaled(rules.scale_min, SCORE_PLACES), scaled(rules.scale_max, SCORE_PLACES)
    clamped = mapped.clip(i128(lo), i128(hi))
    keep: pl.Expr = pl.when((n >= 2) & (e > 0)).then(clamped).otherwise(x)
    return keep


def aggregate_frame(frame: pl.DataFrame, rules: RaterRules) -> pl.DataFrame:
    """The vectorized twin of :func:`raters.aggregate` over checked answers."""
    weights = {g.value: scaled(rules.weight(g), 2) for g in GROUPS if rules.weight(g) > 0}
    x = pl.col("score").cast(SCORE_DTYPE).to_physical().cast(pl.Int128)
    scored = frame.lazy().select("ratee_id", "item", "group", _normalised(x, rules).alias("x"))
    stats = scored.group_by("ratee_id", "item", "group").agg(
        pl.len().alias("answered"), pl.col("x").sum().alias("total")
    )
    cells = scored.select("ratee_id", "item").unique()
    groups = pl.LazyFrame(
        {
            "group": list(weights),
            "w": list(weights.values()),
            "order": [_ORDER[g] for g in weights],
        },
        schema={"group": pl.String(), "w": pl.Int128(), "order": pl.Int64()},
    )
    anonymous = [g.value for g in ANONYMOUS]
    answered = pl.col("answered").fill_null(0)
    grid = (
        cells.join(groups, how="cross")
        .join(stats, on=["ratee_id", "item", "group"], how="left")
        .with_columns(
            answered.cast(pl.Int64).alias("answered"),
            pl.when(answered == 0)
            .then(pl.lit(Reason.NO_ANSWERS.value))
            .when(pl.col("group").is_in(anonymous) & (answered < rules.anonymity_min))
            .then(pl.lit(Reason.BELOW_ANONYMITY_THRESHOLD.value))
            .otherwise(None)
            .alias("reason"),
        )
        .with_columns(
            div_round_expr(pl.col("total") * 100, pl.col("answered")).alias("mean"),
        )
        .sort("ratee_id", "item", "order")
    )
    counted = pl.col("reason").is_null()
    top = (pl.col("w") * pl.col("mean")).filter(counted).sum()
    bottom = pl.col("w").filter(counted).sum() * 100
    return (
        grid.group_by("ratee_id", "item", maintain_order=True)
        .agg(
            pl.when(bottom > 0).then(div_round_expr(top, bottom)).otherwise(None).alias("value"),
            pl.col("group").filter(counted).alias("groups"),
            pl.struct("group", "reason", "answered").filter(~counted).alias("excluded"),
        )
        .with_columns(as_decimal(pl.col("value"), SCORE_PLACES))
        .select(RATINGS_SCHEMA.keys())
        .collect()
        .cast(RATINGS_SCHEMA)  # type: ignore[arg-type]
    )


def rating_values(ratings: pl.DataFrame) -> pl.DataFrame:
    """``(employee_id, kpi_id, num, den)`` rows for rating KPIs from aggregated ratings."""
    return ratings.select(
        pl.col("ratee_id").alias("employee_id"),
        pl.col("item").alias("kpi_id"),
        pl.col("value").to_physical().cast(pl.Int64).alias("num"),
        pl.when(pl.col("value").is_null())
        .then(None)
        .otherwise(pl.lit(10**SCORE_PLACES))
        .cast(pl.Int64)
        .alias("den"),
    )


__all__ = [
    "ANSWERS_SCHEMA",
    "RATINGS_SCHEMA",
    "aggregate_checked",
    "aggregate_frame",
    "answers_frame",
    "check_answers",
    "rating_values",
    "ratings_frame",
]
