"""A performance report per employee (PRF-8): their scored appraisals over time, and in
the latest one each KPI against the peers' median with improvement suggestions from
the weakest KPIs (``analytics.engine.suggestions``).

Scoped like appraisals: oneself, a manager's subtree, an HRBP's region or department,
HR, finance and auditors everyone. Peers' scores are only used as a median over at
least 3 of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from meritline.analytics import text
from meritline.analytics.engine import KpiStanding, Weakness, weakest_kpis
from meritline.analytics.engine.suggestions import median
from meritline.core.errors import NotFoundError
from meritline.org.models import Employee
from meritline.performance import access
from meritline.performance import selectors as perf
from meritline.performance.engine import parse_template
from meritline.performance.models import Appraisal

MIN_PEERS = 3


@dataclass(frozen=True)
class ReportKpi:
    kpi_id: str
    name: str
    weight: Decimal
    value: str
    target: str
    score: Decimal
    peer_median: Decimal | None


@dataclass(frozen=True)
class Suggestion:
    weakness: Weakness
    name: str
    text: str


@dataclass
class Report:
    employee: Employee
    appraisal: Appraisal | None
    history: list[Appraisal] = field(default_factory=list)
    kpis: list[ReportKpi] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    peers: int = 0


def _score(kpis: dict[str, Any], kpi_id: str) -> Decimal:
    row = kpis.get(kpi_id) or {}
    return Decimal(row.get("score") or "0")


def employee_report(*, user: Any, employee_id: int) -> Report:
    """The report of ``employee_id``; NotFoundError outside the user's scope."""
    employee = Employee.objects.filter(access.visible_q(user, ""), pk=employee_id).first()
    if employee is None:
        raise NotFoundError(_("Employee not found."))
    rows = perf.appraisal_list(user=user).filter(employee_id=employee_id)
    scored = list(rows.filter(final_score__isnull=False).order_by("-cycle__as_of", "-cycle_id"))
    report = Report(employee=employee, appraisal=scored[0] if scored else None, history=scored)
    if report.appraisal is None:
        return report
    latest = report.appraisal
    template = parse_template(latest.template)
    peers = list(
        Appraisal.objects.filter(
            cycle_id=latest.cycle_id, final_score__isnull=False, template__id=template.id
        )
        .exclude(employee_id=employee_id)
        .values_list("kpis", flat=True)
    )
    report.peers = len(peers)
    peer_scores = {item.id: [_score(p or {}, item.id) for p in peers] for item in template.items}
    mine = []
    for item in template.items:
        stored = latest.kpis.get(item.id) or {}
        num, den = stored.get("num"), stored.get("den")
        value = Decimal(num) / Decimal(den) if num is not None and den else None
        target = Decimal(stored["target"]) if stored.get("target") else item.target
        scores = peer_scores[item.id]
        report.kpis.append(
            ReportKpi(
                kpi_id=item.id,
                name=item.name or item.id,
                weight=item.weight,
                value=text.value_text(value, item.unit.value),
                target=text.value_text(target, item.unit.value),
                score=_score(latest.kpis, item.id),
                peer_median=median(scores) if len(scores) >= MIN_PEERS else None,
            )
        )
        mine.append(
            KpiStanding(
                item.id, item.kind.value, item.metric, item.weight, _score(latest.kpis, item.id)
            )
        )
    names = {item.id: item.name or item.id for item in template.items}
    report.suggestions = [
        Suggestion(w, names[w.kpi_id], text.advice_text(w.advice))
        for w in weakest_kpis(mine, peer_scores, min_peers=MIN_PEERS)
    ]
    return report
