"""Scoring a whole cycle: frames in, frames out, by reference or vectorized.

Inputs (plain frames built by the Django service; KPI values come from the metrics
engine as numerator/denominator, never recomputed here):

- ``employees`` (:data:`EMPLOYEES_SCHEMA`): each employee's template, team score
  (null: none) and additive points (collaboration + breakthrough awards, ≥ 0);
- ``values`` (:data:`VALUES_SCHEMA`): one row per (employee, KPI) with ``num``/``den``
  and the employee's own ``target`` (null: the template's). A rating KPI's value is
  always the employee's aggregated rating on the item with the KPI's id;
- ``answers`` (``raters_vectorized.ANSWERS_SCHEMA``): review answers, if any.

Both modes return the same :class:`CycleResult` to the last digit; the reference is
the oracle, the vectorized one is for 20,000 people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import polars as pl

from meritline.performance.engine.errors import InputError, Issue
from meritline.performance.engine.grades import GradeTable
from meritline.performance.engine.numbers import ATT_DTYPE, SCORE_DTYPE, TARGET_DTYPE
from meritline.performance.engine.raters import RaterRules, aggregate, answers_from_rows
from meritline.performance.engine.raters_vectorized import (
    ANSWERS_SCHEMA,
    RATINGS_SCHEMA,
    check_answers,
    ratings_frame,
)
from meritline.performance.engine.scoring import (
    BlendRules,
    KpiValue,
    blend,
    composite,
    score_person,
)
from meritline.performance.engine.template import KpiKind, Template

EMPLOYEES_SCHEMA: dict[str, pl.DataType] = {
    "employee_id": pl.Int64(),
    "template_id": pl.String(),
    "team_score": SCORE_DTYPE,
    "points": SCORE_DTYPE,
}
VALUES_SCHEMA: dict[str, pl.DataType] = {
    "employee_id": pl.Int64(),
    "kpi_id": pl.String(),
    "num": pl.Int64(),
    "den": pl.Int64(),
    "target": TARGET_DTYPE,
}
KPIS_SCHEMA: dict[str, pl.DataType] = {
    "employee_id": pl.Int64(),
    "kpi_id": pl.String(),
    "attainment": ATT_DTYPE,
    "score": SCORE_DTYPE,
    "status": pl.String(),
}
RESULTS_SCHEMA: dict[str, pl.DataType] = {
    "employee_id": pl.Int64(),
    "template_id": pl.String(),
    "individual": SCORE_DTYPE,
    "team_score": SCORE_DTYPE,
    "blended": SCORE_DTYPE,
    "points": SCORE_DTYPE,
    "final": SCORE_DTYPE,
    "grade": pl.String(),
    "coefficient": pl.Decimal(38, 4),
}
MAX_ISSUES = 100
Mode = Literal["reference", "vectorized"]


@dataclass(frozen=True)
class CycleRules:
    """Everything a cycle is scored with, frozen at cycle start."""

    templates: Mapping[str, Template]
    blend: BlendRules
    grades: GradeTable
    raters: RaterRules | None = None


@dataclass(frozen=True)
class CycleResult:
    """Per-KPI rows, per-employee results, and the aggregated ratings."""

    kpis: pl.DataFrame
    employees: pl.DataFrame
    ratings: pl.DataFrame


def score_cycle(
    rules: CycleRules,
    *,
    employees: pl.DataFrame,
    values: pl.DataFrame,
    answers: pl.DataFrame | None = None,
    mode: Mode = "vectorized",
) -> CycleResult:
    """Score every employee of a cycle; :class:`InputError` lists bad rows first."""
    employees = (
        employees.select(EMPLOYEES_SCHEMA.keys())
        .cast(EMPLOYEES_SCHEMA)  # type: ignore[arg-type]
        .with_columns(pl.col("points").fill_null(pl.lit(Decimal(0), dtype=SCORE_DTYPE)))
    )
    values = values.select(VALUES_SCHEMA.keys()).cast(VALUES_SCHEMA)  # type: ignore[arg-type]
    if answers is None:
        answers = pl.DataFrame(schema=ANSWERS_SCHEMA)
    answers = answers.select(ANSWERS_SCHEMA.keys()).cast(ANSWERS_SCHEMA)  # type: ignore[arg-type]
    issues = check_cycle(rules, employees, values)
    if rules.raters is not None:
        issues += check_answers(answers, rules.raters)
    elif answers.height:
        issues.append(Issue("answers", "no_rater_rules", "answers given without rater rules"))
    if issues:
        raise InputError(issues[:MAX_ISSUES])
    if mode == "vectorized":
        from meritline.performance.engine.cycle_vectorized import score_vectorized

        return score_vectorized(rules, employees, values, answers)
    return _score_reference(rules, employees, values, answers)


def check_cycle(rules: CycleRules, employees: pl.DataFrame, values: pl.DataFrame) -> list[Issue]:
    """Bad employee and value rows, with their row numbers (at most 100)."""
    items = pl.DataFrame(
        {
            "template_id": [t for t, tpl in rules.templates.items() for _ in tpl.items],
            "kpi_id": [i.id for tpl in rules.templates.values() for i in tpl.items],
        },
        schema={"template_id": pl.String(), "kpi_id": pl.String()},
    )
    known = list(rules.templates)
    emp = employees.with_row_index("row")
    val = (
        values.with_row_index("row")
        .join(
            employees.select("employee_id", "template_id").unique("employee_id", keep="first"),
            on="employee_id",
            how="left",
        )
        .join(
            items.with_columns(pl.lit(True).alias("known")),
            on=["template_id", "kpi_id"],
            how="left",
        )
    )
    checks: list[tuple[pl.DataFrame, pl.Expr, str, str, str]] = [
        (emp, ~pl.col("template_id").is_in(known), "employees", "template_id", "unknown_template"),
        (
            emp,
            pl.int_range(pl.len()).over("employee_id") > 0,
            "employees",
            "employee_id",
            "duplicate_employee",
        ),
        (emp, pl.col("points") < 0, "employees", "points", "negative_points"),
        (emp, pl.col("team_score") < 0, "employees", "team_score", "negative_score"),
        (val, pl.col("template_id").is_null(), "values", "employee_id", "unknown_employee"),
        (
            val,
            pl.col("template_id").is_not_null() & pl.col("known").is_null(),
            "values",
            "kpi_id",
            "unknown_kpi",
        ),
        (
            val,
            pl.int_range(pl.len()).over("employee_id", "kpi_id") > 0,
            "values",
            "kpi_id",
            "duplicate_value",
        ),
        (val, pl.col("target") < 0, "values", "target", "negative_target"),
    ]
    issues: list[Issue] = []
    for frame, condition, table, column, code in checks:
        for row in frame.filter(condition.fill_null(False)).head(MAX_ISSUES).iter_rows(named=True):
            issues.append(
                Issue(
                    f"{table}[{row['row']}].{column}",
                    code,
                    _MESSAGES[code],
                    {"value": str(row[column])},
                )
            )
    return issues


_MESSAGES = {
    "unknown_template": "no such template in this cycle",
    "duplicate_employee": "the employee appears twice",
    "negative_points": "points must not be negative",
    "negative_score": "a team score must not be negative",
    "unknown_employee": "a value for an employee who is not in the cycle",
    "unknown_kpi": "the employee's template has no such KPI",
    "duplicate_value": "a second value for the same employee and KPI",
    "negative_target": "a target must not be negative",
}


def _score_reference(
    rules: CycleRules, employees: pl.DataFrame, values: pl.DataFrame, answers: pl.DataFrame
) -> CycleResult:
    ratings = (
        aggregate(answers_from_rows(answers.iter_rows(named=True)), rules.raters)
        if rules.raters is not None
        else []
    )
    rated = {(r.ratee_id, r.item): r.value for r in ratings}
    given: dict[int, dict[str, dict[str, object]]] = {}
    for row in values.iter_rows(named=True):
        given.setdefault(row["employee_id"], {})[row["kpi_id"]] = row
    kpi_rows: list[dict[str, object]] = []
    result_rows: list[dict[str, object]] = []
    for emp in employees.sort("employee_id").iter_rows(named=True):
        template = rules.templates[emp["template_id"]]
        mine = given.get(emp["employee_id"], {})
        kpi_values: dict[str, KpiValue | None] = {}
        targets: dict[str, Decimal] = {}
        for item in template.items:
            row = mine.get(item.id, {})
            if isinstance(row.get("target"), Decimal):
                targets[item.id] = row["target"]  # type: ignore[assignment]
            if item.kind is KpiKind.RATING:
                rating = rated.get((emp["employee_id"], item.id))
                kpi_values[item.id] = None if rating is None else KpiValue.of(rating)
            elif row.get("num") is not None and row.get("den") is not None:
                kpi_values[item.id] = KpiValue(int(row["num"]), int(row["den"]))  # type: ignore[call-overload]
        scores = score_person(template, kpi_values, targets)
        for s in scores:
            kpi_rows.append(
                {
                    "employee_id": emp["employee_id"],
                    "kpi_id": s.kpi_id,
                    "attainment": s.attainment,
                    "score": s.score,
                    "status": s.status.value,
                }
            )
        final = blend(composite(template, scores), emp["team_score"], emp["points"], rules.blend)
        band = rules.grades.band(final.final)
        result_rows.append(
            {
                "employee_id": emp["employee_id"],
                "template_id": emp["template_id"],
                "individual": final.individual,
                "team_score": final.team,
                "blended": final.blended,
                "points": final.points,
                "final": final.final,
                "grade": band.grade,
                "coefficient": band.coefficient,
            }
        )
    return CycleResult(
        kpis=pl.DataFrame(kpi_rows, schema=KPIS_SCHEMA, orient="row")
        if kpi_rows
        else pl.DataFrame(schema=KPIS_SCHEMA),
        employees=pl.DataFrame(result_rows, schema=RESULTS_SCHEMA, orient="row")
        if result_rows
        else pl.DataFrame(schema=RESULTS_SCHEMA),
        ratings=ratings_frame(ratings) if ratings else pl.DataFrame(schema=RATINGS_SCHEMA),
    )
