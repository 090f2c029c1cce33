"""Cross-platform comparison for managers (ANA-1): each platform's latest scored cycle
side by side (appraised, mean final score, grades, each KPI's mean score and
attainment) and the trend of its mean final score over its last cycles.

Computed over the appraisals the user may see (a sales manager their subtree, an HRBP
their region, HR, finance and auditors everyone).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from meritline.analytics.engine import PlatformSummary, ScoredAppraisal, summarise_platform, trend
from meritline.core.access import scope_for
from meritline.core.errors import PermissionDeniedError
from meritline.core.periods import Period
from meritline.org.models import Platform
from meritline.performance import access
from meritline.performance import selectors as perf
from meritline.performance.models import KpiTemplateVersion

TREND_CYCLES = 6


@dataclass(frozen=True)
class PlatformColumn:
    platform: Platform | None
    label: str
    summary: PlatformSummary
    kpi_names: dict[str, str]
    trend: list[tuple[str, Decimal | None, int]]


@dataclass
class Comparison:
    columns: list[PlatformColumn] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


def may_compare(user: Any) -> bool:
    """Managers, HR business partners, HR admins, finance and auditors."""
    return scope_for(user).all_rows or access.leads_people(user)


def _kpis(stored: dict[str, Any]) -> dict[str, tuple[Decimal, Decimal | None]]:
    out = {}
    for kpi_id, row in (stored or {}).items():
        attainment = row.get("attainment")
        out[kpi_id] = (
            Decimal(row.get("score") or "0"),
            Decimal(attainment) if attainment is not None else None,
        )
    return out


def platform_comparison(*, user: Any) -> Comparison:
    if not may_compare(user):
        raise PermissionDeniedError(_("Only managers, HR and finance compare platforms."))
    scored = perf.appraisal_list(user=user).filter(final_score__isnull=False).order_by()
    light = list(
        scored.values_list(
            "cycle_id", "cycle__platform_id", "cycle__period", "cycle__as_of", "final_score"
        )
    )
    latest: dict[int | None, tuple[Any, int]] = {}
    history: dict[int | None, list[ScoredAppraisal]] = defaultdict(list)
    for cycle_id, platform_id, period, as_of, final in light:
        if platform_id not in latest or (as_of, cycle_id) > latest[platform_id]:
            latest[platform_id] = (as_of, cycle_id)
        history[platform_id].append(
            ScoredAppraisal(platform_id, period, Period.parse(period).start, final, "")
        )
    current = [cycle_id for _as_of, cycle_id in latest.values()]
    rows: dict[int | None, list[ScoredAppraisal]] = defaultdict(list)
    names: dict[int | None, dict[str, str]] = {}
    periods: dict[int | None, str] = {}
    in_current = scored.filter(cycle_id__in=current)
    versions = set(in_current.values_list("cycle__platform_id", "template_version_id").distinct())
    items = dict(
        KpiTemplateVersion.objects.filter(pk__in={v for _p, v in versions}).values_list(
            "pk", "items"
        )
    )
    for platform_id, version_id in sorted(versions, key=lambda pv: (pv[0] or 0, pv[1])):
        for item in items[version_id]:
            names.setdefault(platform_id, {}).setdefault(item["id"], item.get("name") or item["id"])
    for platform_id, period, final, grade, calibrated, kpis in in_current.values_list(
        "cycle__platform_id", "cycle__period", "final_score", "grade", "calibrated_grade", "kpis"
    ):
        periods[platform_id] = period
        rows[platform_id].append(
            ScoredAppraisal(
                platform_id,
                period,
                Period.parse(period).start,
                final,
                calibrated or grade,
                _kpis(kpis),
            )
        )
    platforms = Platform.objects.in_bulk([p for p in rows if p is not None])
    comparison = Comparison()
    for platform_id in sorted(rows, key=lambda p: (p is None, platforms[p].name if p else "")):
        platform = platforms.get(platform_id) if platform_id else None
        points = trend(history[platform_id])[-TREND_CYCLES:]
        comparison.columns.append(
            PlatformColumn(
                platform=platform,
                label=platform.name if platform else str(_("Company-wide")),
                summary=summarise_platform(platform_id, periods[platform_id], rows[platform_id]),
                kpi_names=names.get(platform_id, {}),
                trend=points,
            )
        )
    seen: dict[str, Any] = {}
    for column in comparison.columns:
        for period, _mean, _n in column.trend:
            seen.setdefault(period, Period.parse(period).start)
    comparison.periods = sorted(seen, key=lambda p: (seen[p], p))
    return comparison
