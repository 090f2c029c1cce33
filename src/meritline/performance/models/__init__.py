"""The performance app's models, one module per topic."""

from meritline.performance.models.cycles import Appraisal, Cadence, Cycle, CycleStatus
from meritline.performance.models.targets import (
    AwardKind,
    Target,
    TargetLevel,
    TeamAward,
    owner_key,
    team_key,
)
from meritline.performance.models.templates import KpiTemplate, KpiTemplateVersion

__all__ = [
    "Appraisal",
    "AwardKind",
    "Cadence",
    "Cycle",
    "CycleStatus",
    "KpiTemplate",
    "KpiTemplateVersion",
    "Target",
    "TargetLevel",
    "TeamAward",
    "owner_key",
    "team_key",
]
