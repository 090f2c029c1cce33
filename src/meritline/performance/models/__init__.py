"""The performance app's models, one module per topic."""

from meritline.performance.models.cycles import Appraisal, Cadence, Cycle, CycleStatus
from meritline.performance.models.reviews import (
    ReviewAnswer,
    ReviewAssignment,
    ReviewGroup,
    ReviewWindow,
)
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
    "ReviewAnswer",
    "ReviewAssignment",
    "ReviewGroup",
    "ReviewWindow",
    "Target",
    "TargetLevel",
    "TeamAward",
    "owner_key",
    "team_key",
]
