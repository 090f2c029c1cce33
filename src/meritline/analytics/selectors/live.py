"""A person's live KPI values and scores for their current appraisal (PRF-7).

Fetch → compute: the appraisal's frozen template names its metric KPIs; their values
for the cycle's period come from the metrics engine over the person's own sales records
as the viewer may see them (``sales.frames.person_frames``, from the start of the
previous period so growth and retention have their base) — never a metric
re-implemented here. Manual KPIs use the values entered; rating KPIs the aggregated rating stored by
the last scoring. Targets are the person's own (else the template's); the score, the
composite and the final score (with the team score and the award points of the last
scoring) come from the performance engine, exactly as ``cycle_score`` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from meritline.core.periods import Period
from meritline.metrics import METRICS, compute
from meritline.metrics.sources import frames_for as metric_frames
from meritline.metrics.windows import previous_window
from meritline.performance.engine import (
    BlendRules,
    Final,
    KpiItem,
    KpiKind,
    KpiScore,
    KpiValue,
    Standing,
    Template,
    blend,
    composite,
    parse_template,
    score_person,
)
from meritline.performance.models import Appraisal, Target, TargetLevel
from meritline.performance.services.scoring import award_points, cycle_rules, kpi_value
from meritline.sales import frames as sales_frames


@dataclass(frozen=True)
class LiveKpi:
    item: KpiItem
    value: KpiValue | None
    target: Decimal | None
    score: KpiScore
    live: bool  # computed now from the sales records (else entered or last scored)


@dataclass(frozen=True)
class LiveScore:
    appraisal: Appraisal
    template: Template
    kpis: list[LiveKpi]
    final: Final
    rules: BlendRules
    standing: Standing


def stored_value(kpis: dict[str, Any], kpi_id: str) -> KpiValue | None:
    """A KPI value as the last scoring stored it (None when it had none)."""
    row = kpis.get(kpi_id) or {}
    num, den = row.get("num"), row.get("den")
    if num is None or den is None or int(den) <= 0:
        return None
    return KpiValue(int(num), int(den))


def metric_values(
    user: Any, employee_id: int, items: list[KpiItem], period: Period
) -> dict[str, KpiValue | None]:
    """KPI id → value of the metric KPIs for ``employee_id`` over ``period``."""
    names = sorted({item.metric for item in items if item.metric})
    if not names:
        return {}
    window = (period.start, period.end)
    frames_needed: set[str] = set()
    for name in names:
        frames_needed |= metric_frames(METRICS[name])
    frames = sales_frames.person_frames(
        user=user,
        employee_id=employee_id,
        names=sorted(frames_needed),
        since=previous_window(window)[0],
    )
    segment = sales_frames.segment() if any(METRICS[n].needs_segment for n in names) else None
    row = compute(names, frames, [window], groups=[employee_id], segment=segment).row(0, named=True)
    values = {item.id: kpi_value(item.kind, item.metric, item.id, row, {}) for item in items}
    # a ratio over nothing (0 / 0) is no value yet: the page shows values, not just scores
    return {kpi: v if v is None or v.den > 0 else None for kpi, v in values.items()}


def live_score(*, user: Any, appraisal: Appraisal) -> LiveScore:
    """The live KPIs and scores of ``appraisal`` as ``user`` may see them (the caller
    checked that the user may see this appraisal)."""
    cycle = appraisal.cycle
    template = parse_template(appraisal.template)
    period = Period.parse(cycle.period)
    metric_items = [i for i in template.items if i.kind is KpiKind.METRIC and i.metric]
    values = metric_values(user, appraisal.employee_id, metric_items, period)
    for item in template.items:
        if item.kind is KpiKind.MANUAL:
            values[item.id] = kpi_value(item.kind, None, item.id, {}, appraisal.manual)
        elif item.kind is KpiKind.RATING:
            values[item.id] = stored_value(appraisal.kpis, item.id)
    own = dict(
        Target.objects.filter(
            level=TargetLevel.EMPLOYEE,
            period=cycle.period,
            employee_id=appraisal.employee_id,
            metric__in=[item.metric or item.id for item in template.items],
        ).values_list("metric", "value")
    )
    # per item, as cycle_score does: two KPIs on one metric both take its target
    targets = {
        item.id: own[item.metric or item.id]
        for item in template.items
        if (item.metric or item.id) in own
    }
    scores = score_person(template, values, targets)
    rules = cycle_rules(cycle, {template.id: template}).blend
    points = award_points(cycle, [appraisal])[appraisal.pk]
    final = blend(composite(template, scores), appraisal.team_score, points, rules)
    kpis = [
        LiveKpi(
            item=item,
            value=values.get(item.id),
            target=targets.get(item.id, item.target),
            score=score,
            live=item.kind is KpiKind.METRIC,
        )
        for item, score in zip(template.items, scores, strict=True)
    ]
    standing = Standing(appraisal.employee_id, values, targets, appraisal.team_score, points)
    return LiveScore(appraisal, template, kpis, final, rules, standing)
