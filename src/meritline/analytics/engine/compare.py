"""Cross-platform comparison (ANA-1): each platform's cycle summed up side by side, and
its trend over the cycles before.

Rules (also in docs/dashboards.md):
- Only scored appraisals (with a final score) count.
- Means are exact means rounded half-up to 2 places; a KPI's mean score and mean
  attainment are over the appraisals that have that KPI with a value (attainment
  None — no value or no target — is left out of the attainment mean, its score of 0
  still counts in the score mean).
- Grades count the effective grade (after calibration).
- The trend of a platform is its mean final score per cycle, oldest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScoredAppraisal:
    platform_id: int | None
    period: str
    period_start: date
    final_score: Decimal
    grade: str
    # KPI id → (score, attainment or None)
    kpis: Mapping[str, tuple[Decimal, Decimal | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class KpiSummary:
    kpi_id: str
    count: int
    mean_score: Decimal
    mean_attainment: Decimal | None


@dataclass(frozen=True)
class PlatformSummary:
    platform_id: int | None
    period: str
    count: int
    mean_final: Decimal | None
    grades: dict[str, int]
    kpis: tuple[KpiSummary, ...]


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The exact mean rounded half-up to 2 places (None for nothing)."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def summarise_platform(
    platform_id: int | None, period: str, rows: Sequence[ScoredAppraisal]
) -> PlatformSummary:
    """The summary of one platform's cycle; KPIs in order of first appearance."""
    scores: dict[str, list[Decimal]] = defaultdict(list)
    attainments: dict[str, list[Decimal]] = defaultdict(list)
    grades: dict[str, int] = defaultdict(int)
    for row in rows:
        grades[row.grade] += 1
        for kpi_id, (score, attainment) in row.kpis.items():
            scores[kpi_id].append(score)
            if attainment is not None:
                attainments[kpi_id].append(attainment)
    kpis = tuple(
        KpiSummary(
            kpi_id,
            len(values),
            mean(values) or Decimal("0.00"),
            mean(attainments.get(kpi_id, [])),
        )
        for kpi_id, values in scores.items()
    )
    return PlatformSummary(
        platform_id,
        period,
        len(rows),
        mean([r.final_score for r in rows]),
        dict(sorted(grades.items())),
        kpis,
    )


def trend(rows: Sequence[ScoredAppraisal]) -> list[tuple[str, Decimal | None, int]]:
    """(period, mean final score, appraisals) per cycle of the rows, oldest first."""
    by_period: dict[tuple[date, str], list[Decimal]] = defaultdict(list)
    for row in rows:
        by_period[(row.period_start, row.period)].append(row.final_score)
    return [
        (period, mean(values), len(values))
        for (_start, period), values in sorted(by_period.items())
    ]
