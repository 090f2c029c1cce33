"""Scoring a cycle: fetch → compute → persist (PRF-2, PRF-4).

Fetch: every metric KPI's value for the cycle's period from the metrics engine (one
``compute`` over all sales records, never a metric re-implemented here), manual values
from the appraisals, the employees' own targets, and the additive points of their team
awards. Compute: the engine's ``score_cycle`` twice — first for the individual scores,
then with each employee's team score (the mean of the individual scores of their team in
the cycle, rounded half-up to 2 places) blended in by the cycle's team weight. Rating
KPIs take the aggregated multi-rater rating of the item (PRF-5): the cycle's submitted
review answers go to the engine, which weights the groups by the cycle's rater rules,
redistributes the weight of groups without (enough) answers and normalises rater
leniency when the cycle says so. Persist: every appraisal's KPI rows, scores, grade and
coefficient in one bulk update.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.metrics import METRICS, MetricsError, compute
from meritline.performance.engine import (
    ANSWERS_SCHEMA,
    EMPLOYEES_SCHEMA,
    VALUES_SCHEMA,
    BlendRules,
    CycleResult,
    CycleRules,
    InputError,
    KpiKind,
    KpiValue,
    RaterRules,
    Template,
    parse_grades,
    parse_template,
    score_cycle,
)
from meritline.performance.errors import ErrorCode
from meritline.performance.models import (
    Appraisal,
    Cycle,
    CycleStatus,
    Target,
    TargetLevel,
    TeamAward,
)
from meritline.performance.services.common import issues_text, now, parse_period, require_hr
from meritline.performance.services.cycles import OPEN_FOR_SCORING, require_status
from meritline.performance.services.reviews_data import review_answers
from meritline.sales import frames as sales_frames

CENT = Decimal("0.01")


def cycle_rules(cycle: Cycle, templates: dict[str, Template]) -> CycleRules:
    """The engine's rules of a cycle, as fixed when it opened."""
    raters = None
    if cycle.rater_rules:
        raters = RaterRules.parse({**cycle.rater_rules, "normalise": cycle.normalise})
    return CycleRules(
        templates=templates,
        blend=BlendRules.parse({"team_weight": cycle.team_weight, "max_points": cycle.max_points}),
        grades=parse_grades(cycle.grades),
        raters=raters,
    )


def kpi_values(appraisals: list[Appraisal], templates: dict[str, Template], period: str) -> Any:
    """The values frame of the engine: metric KPIs from the metrics engine over the
    period, manual KPIs as entered, each with the employee's own target if set."""
    window = parse_period(period)
    names = sorted(
        {
            item.metric
            for template in templates.values()
            for item in template.items
            if item.kind is KpiKind.METRIC and item.metric
        }
    )
    ids = [a.employee_id for a in appraisals]
    computed: dict[int, dict[str, Any]] = {}
    if names:
        try:
            frame = compute(
                names,
                sales_frames.frames_unscoped(),
                [(window.start, window.end)],
                groups=ids,
                segment=sales_frames.segment(),
            )
        except MetricsError as exc:
            raise DomainError(
                ErrorCode.BAD_INPUTS,
                _("The KPIs cannot be computed: %(error)s") % {"error": str(exc)},
            ) from None
        computed = {row["employee_id"]: row for row in frame.iter_rows(named=True)}
    targets = {
        (employee_id, metric): value
        for employee_id, metric, value in Target.objects.filter(
            level=TargetLevel.EMPLOYEE, period=period, employee_id__in=ids
        ).values_list("employee_id", "metric", "value")
    }
    rows: list[dict[str, Any]] = []
    for appraisal in appraisals:
        template = templates[appraisal.template["id"]]
        mine = computed.get(appraisal.employee_id, {})
        for item in template.items:
            value = kpi_value(item.kind, item.metric, item.id, mine, appraisal.manual)
            target = targets.get((appraisal.employee_id, item.metric or item.id))
            if value is None and target is None:
                continue
            rows.append(
                {
                    "employee_id": appraisal.employee_id,
                    "kpi_id": item.id,
                    "num": value.num if value else None,
                    "den": value.den if value else None,
                    "target": target,
                }
            )
    return pl.DataFrame(rows, schema=VALUES_SCHEMA, orient="row")


def kpi_value(
    kind: KpiKind, metric: str | None, kpi_id: str, row: dict[str, Any], manual: dict[str, Any]
) -> KpiValue | None:
    """A metric KPI's value from the metrics engine's ``row``, a manual KPI's as entered
    (a rating KPI has none here: it comes from the reviews)."""
    if kind is KpiKind.METRIC and metric:
        if METRICS[metric].unit.is_ratio:
            num, den = row.get(f"{metric}__num"), row.get(f"{metric}__den")
            return None if num is None or den is None else KpiValue(int(num), int(den))
        value = row.get(metric)
        return None if value is None else KpiValue(int(value), 1)
    if kind is KpiKind.MANUAL and kpi_id in manual:
        return KpiValue.of(Decimal(manual[kpi_id]["value"]))
    return None


def award_points(cycle: Cycle, appraisals: list[Appraisal]) -> dict[int, Decimal]:
    """Appraisal id → points granted to it, and to its team, in this cycle."""
    own = dict(
        TeamAward.objects.filter(cycle=cycle, appraisal__isnull=False)
        .values("appraisal_id")
        .annotate(total=Sum("points"))
        .values_list("appraisal_id", "total")
    )
    team = dict(
        TeamAward.objects.filter(cycle=cycle, department__isnull=False)
        .values("department_id")
        .annotate(total=Sum("points"))
        .values_list("department_id", "total")
    )
    zero = Decimal(0)
    return {a.pk: own.get(a.pk, zero) + team.get(a.department_id, zero) for a in appraisals}


def _score(
    rules: CycleRules,
    appraisals: list[Appraisal],
    values: pl.DataFrame,
    points: dict[int, Decimal],
    team_scores: dict[int, Decimal] | None,
    answers: pl.DataFrame,
) -> CycleResult:
    employees = pl.DataFrame(
        [
            {
                "employee_id": a.employee_id,
                "template_id": a.template["id"],
                "team_score": team_scores.get(a.department_id) if team_scores else None,
                "points": points[a.pk],
            }
            for a in appraisals
        ],
        schema=EMPLOYEES_SCHEMA,
        orient="row",
    )
    try:
        return score_cycle(rules, employees=employees, values=values, answers=answers)
    except InputError as exc:
        raise DomainError(ErrorCode.BAD_INPUTS, issues_text(exc.issues)) from None


def team_means(appraisals: list[Appraisal], individual: dict[int, Decimal]) -> dict[int, Decimal]:
    """Department id → the mean individual score of its appraisals, half-up to 2 places."""
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for a in appraisals:
        scores[a.department_id].append(individual[a.employee_id])
    return {
        team: (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)
        for team, values in scores.items()
    }


@transaction.atomic
def cycle_score(*, actor: Any, cycle: Cycle) -> Cycle:
    """Score every appraisal of an open (or already scored, not yet calibrated) cycle
    and store KPI rows, individual, team and final scores, grades and coefficients."""
    require_hr(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require_status(cycle, OPEN_FOR_SCORING)
    appraisals = list(cycle.appraisals.order_by("employee_id"))
    templates = {a.template["id"]: parse_template(a.template) for a in appraisals}
    rules = cycle_rules(cycle, templates)
    values = kpi_values(appraisals, templates, cycle.period)
    points = award_points(cycle, appraisals)
    answers = (
        review_answers(cycle) if rules.raters is not None else pl.DataFrame(schema=ANSWERS_SCHEMA)
    )
    first = _score(rules, appraisals, values, points, None, answers)
    individual = dict(first.employees.select("employee_id", "individual").iter_rows())
    result = _score(rules, appraisals, values, points, team_means(appraisals, individual), answers)
    _persist(appraisals, values, result)
    cycle.status = CycleStatus.SCORING
    cycle.scored_at = now()
    cycle.save(update_fields=["status", "scored_at"])
    grades: dict[str, int] = defaultdict(int)
    for a in appraisals:
        grades[a.grade] += 1
    audit.record(
        actor=actor,
        action="performance.cycle.score",
        target=cycle,
        after={"appraisals": len(appraisals), "grades": dict(sorted(grades.items()))},
    )
    return cycle


def _persist(appraisals: list[Appraisal], values: pl.DataFrame, result: CycleResult) -> None:
    given = {(r["employee_id"], r["kpi_id"]): r for r in values.iter_rows(named=True)}
    rated = {
        (r["ratee_id"], r["item"]): r["value"]
        for r in result.ratings.iter_rows(named=True)
        if r["value"] is not None
    }
    kpis: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in result.kpis.iter_rows(named=True):
        value = dict(given.get((row["employee_id"], row["kpi_id"]), {}))
        rating = rated.get((row["employee_id"], row["kpi_id"]))
        if rating is not None:
            value.update(num=int(rating * 100), den=100)
        kpis[row["employee_id"]][row["kpi_id"]] = {
            "num": value.get("num"),
            "den": value.get("den"),
            "target": _text(value.get("target")),
            "attainment": _text(row["attainment"]),
            "score": _text(row["score"]),
            "status": row["status"],
        }
    by_employee = {r["employee_id"]: r for r in result.employees.iter_rows(named=True)}
    for a in appraisals:
        row = by_employee[a.employee_id]
        a.kpis = kpis[a.employee_id]
        a.individual_score = row["individual"]
        a.team_score = row["team_score"]
        a.points = row["points"]
        a.final_score = row["final"]
        a.grade = row["grade"]
        a.coefficient = row["coefficient"]
    Appraisal.objects.bulk_update(
        appraisals,
        [
            "kpis",
            "individual_score",
            "team_score",
            "points",
            "final_score",
            "grade",
            "coefficient",
        ],
        batch_size=2000,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
