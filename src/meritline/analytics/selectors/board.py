"""What the rep dashboard shows (PRF-7), as plain data: computed by ``dashboard``, kept
between views by ``analytics.snapshots``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from meritline.analytics.selectors.standing import Rank
from meritline.org.models import Employee
from meritline.performance.models import Appraisal
from meritline.sales.models import Step

# Leads past reception: the open deals the commission estimate counts.
OPEN_DEAL_STEPS = (Step.RECEIVED, Step.INTENT)


@dataclass(frozen=True)
class KpiRow:
    kpi_id: str
    name: str
    unit: str
    weight: Decimal
    value: str
    target: str
    attainment: Decimal | None
    score: Decimal
    status: str
    live: bool


@dataclass(frozen=True)
class StepCount:
    step: str
    label: str
    count: int


@dataclass(frozen=True)
class Commission:
    deals: int
    amount_fen: int
    earned_fen: int | None
    text: str


@dataclass
class Dashboard:
    employee: Employee
    appraisal: Appraisal | None
    kpis: list[KpiRow] = field(default_factory=list)
    composite: Decimal | None = None
    final: Decimal | None = None
    team: Rank | None = None
    platform: Rank | None = None
    team_text: str = ""
    platform_text: str = ""
    pipeline: list[StepCount] = field(default_factory=list)
    commission: Commission | None = None
