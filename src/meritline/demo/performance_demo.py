"""The demo company's performance set-up: the seed KPI templates (PRF-2) and the
re-weighted key-accounts template with its history (PRF-6)."""

from __future__ import annotations

from meritline.core.models import User
from meritline.performance.models import (
    Appraisal,
    Cycle,
    KpiTemplate,
    KpiTemplateVersion,
    Target,
    TeamAward,
)
from meritline.performance.services.seed import seed_templates

# Children before parents.
_WIPE_ORDER = (TeamAward, Target, Appraisal, Cycle, KpiTemplateVersion, KpiTemplate)


def generate(*, admin: User) -> dict[str, int]:
    return {"kpi_templates": len(seed_templates(admin))}


def wipe() -> dict[str, int]:
    """Delete all performance data (before the people and posts go)."""
    counts = {"kpi_templates": KpiTemplate.objects.count()}
    for model in _WIPE_ORDER:
        model._default_manager.all().delete()
    return counts
