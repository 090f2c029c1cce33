"""Cycles created on schedule (PRF-3): every platform gets the cycle its cadence calls
for — monthly rolling for new platforms, quarterly (or half-yearly, once chosen) for
mature ones — as soon as the period starts. Running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.core.periods import Period
from meritline.org.models import Platform
from meritline.org.models import PlatformStage as Stage
from meritline.performance.errors import ErrorCode
from meritline.performance.models import Cadence, Cycle
from meritline.performance.services.common import require_hr
from meritline.performance.services.cycles import (
    ALLOWED_CADENCES,
    DEFAULT_CADENCE,
    PERIOD_KIND,
    open_cycle,
)
from meritline.sales.selectors import platform_stage_on


@dataclass
class DueResult:
    """What a run of the schedule did: cycles opened, platforms whose cycle already
    existed, and platforms skipped with the reason."""

    opened: list[Cycle] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def platform_cadence(platform: Platform, day: date) -> str:
    """The platform's cadence on ``day``: that of its latest cycle while its stage allows
    it (a mature platform that chose half-yearly stays half-yearly), else its stage's
    default (a platform that matured moves from monthly to quarterly)."""
    stage = Stage(platform_stage_on(platform, day))
    latest = (
        Cycle.objects.filter(platform=platform, as_of__lte=day).order_by("-as_of", "-pk").first()
    )
    if latest is not None and latest.cadence in ALLOWED_CADENCES[stage]:
        return latest.cadence
    return DEFAULT_CADENCE[stage]


def due_period(platform: Platform, day: date) -> tuple[str, Period]:
    cadence = platform_cadence(platform, day)
    return cadence, Period.containing(day, PERIOD_KIND[Cadence(cadence)])


def _rules_from(platform: Platform) -> dict[str, Any]:
    """The rules of the platform's latest cycle (the defaults for its first)."""
    latest = Cycle.objects.filter(platform=platform).order_by("-as_of", "-pk").first()
    if latest is None:
        return {
            "team_weight": "0",
            "max_points": "10",
            "normalise": False,
            "grades": None,
            "guideline": None,
            "rater_rules": None,
        }
    return {
        "team_weight": latest.team_weight,
        "max_points": latest.max_points,
        "normalise": latest.normalise,
        "grades": latest.grades,
        "guideline": latest.guideline,
        "rater_rules": latest.rater_rules,
    }


def cycles_open_due(*, as_of: date, actor: Any = None) -> DueResult:
    """Open every platform's cycle for the period containing ``as_of`` (by its cadence)
    that does not exist yet, with the rules of the platform's previous cycle. ``actor``
    None is the scheduler (the system); a person must be an HR admin. Platforms without
    anybody a template applies to are skipped with the reason; one platform's failure
    does not stop the others."""
    if actor is not None:
        require_hr(actor)
    result = DueResult()
    for platform in Platform.objects.order_by("code"):
        if platform.launched_on > as_of:
            continue
        cadence, period = due_period(platform, as_of)
        if Cycle.objects.filter(platform=platform, period=str(period)).exists():
            result.existing.append(f"{platform.name} {period}")
            continue
        try:
            with transaction.atomic():
                cycle = open_cycle(
                    actor=actor,
                    period=str(period),
                    platform=platform,
                    cadence=cadence,
                    **_rules_from(platform),
                )
        except IntegrityError:  # another run opened it a moment ago
            result.existing.append(f"{platform.name} {period}")
            continue
        except DomainError as exc:
            if exc.code == ErrorCode.CYCLE_EXISTS:
                result.existing.append(f"{platform.name} {period}")
                continue
            # anything else wrong with one platform (no one in scope, an ambiguous
            # template, rules or a cadence it no longer allows) must not stop the others
            result.skipped.append((f"{platform.name} {period}", str(exc)))
            continue
        result.opened.append(cycle)
    return result


def due_summary(result: DueResult) -> str:
    """One line for people (the command and the task's log)."""
    return _("%(opened)d cycles opened, %(existing)d already open, %(skipped)d skipped.") % {
        "opened": len(result.opened),
        "existing": len(result.existing),
        "skipped": len(result.skipped),
    }
