"""Effective-dated sales configuration: platform stages (PRF-1), the big-client threshold
(PAY-5), lead qualification standards (LED-2) and SLA rules (LED-4).

Every kind keeps its history: a new value starts after the latest one; nothing is
back-dated inside the history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.core.money import format_fen
from meritline.org.models import Platform
from meritline.org.models import PlatformStage as Stage
from meritline.sales import access, qualification
from meritline.sales.errors import ErrorCode
from meritline.sales.models import (
    CHAIN,
    PlatformStage,
    QualificationStandard,
    SegmentThreshold,
    SlaRule,
    Step,
)
from meritline.sales.services.common import require, today

SLA_STEPS = tuple(s for s in CHAIN if s != Step.SETTLED)


def _require_configure(actor: Any) -> None:
    require(access.configures_sales(actor), _("Only an HR admin may change the sales rules."))


def _after_latest(latest: date | None, valid_from: date, code: str, message: str) -> None:
    if latest is not None and valid_from <= latest:
        raise DomainError(code, message % {"latest": latest.isoformat()}, field="valid_from")


@transaction.atomic
def platform_stage_set(
    *, actor: Any, platform: Platform, stage: str, valid_from: date, note: str = ""
) -> PlatformStage:
    """Put ``platform`` in ``stage`` from ``valid_from``. The change must start after the
    latest one in its history and not before the launch; ``Platform.stage`` (the cached
    current stage) follows when the change is already in force."""
    _require_configure(actor)
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if stage not in Stage.values:
        raise DomainError(ErrorCode.BAD_CHOICE, _("Choose a maturity stage."), field="stage")
    if valid_from < platform.launched_on:
        raise DomainError(
            ErrorCode.STAGE_BEFORE_LAUNCH,
            _("%(platform)s launched on %(launched)s; its stage cannot change before that.")
            % {"platform": platform.name, "launched": platform.launched_on.isoformat()},
            field="valid_from",
        )
    latest = PlatformStage.objects.filter(platform=platform).order_by("-valid_from").first()
    _after_latest(
        latest.valid_from if latest else None,
        valid_from,
        ErrorCode.STAGE_BACKDATED,
        _("The stage history already has a change on %(latest)s; a new one must start later."),
    )
    if latest is not None and latest.stage == stage:
        raise DomainError(
            ErrorCode.STAGE_UNCHANGED,
            _("%(platform)s is already %(stage)s from %(since)s.")
            % {
                "platform": platform.name,
                "stage": Stage(stage).label,
                "since": latest.valid_from.isoformat(),
            },
            field="stage",
        )
    row = PlatformStage.objects.create(
        platform=platform, stage=stage, valid_from=valid_from, note=note.strip()[:255]
    )
    before = platform.stage
    if valid_from <= today():
        platform.stage = stage
        platform.save(update_fields=["stage"])
    audit.record(
        actor=actor,
        action="sales.platform.stage_set",
        target=platform,
        before={"stage": before},
        after={**audit.snapshot(row), "current_stage": platform.stage},
    )
    return row


@transaction.atomic
def platform_stage_refresh(*, on: date | None = None) -> int:
    """Bring every platform's cached ``stage`` to the stage in force ``on`` (today): a
    system job for changes that were scheduled ahead. Returns how many changed."""
    day = on or today()
    changed = 0
    in_force: dict[int, str] = {}
    for platform_id, stage in PlatformStage.objects.filter(valid_from__lte=day).values_list(
        "platform_id", "stage"
    ):  # ordered by valid_from: the last one wins
        in_force[platform_id] = stage
    for platform in Platform.objects.select_for_update().filter(pk__in=list(in_force)):
        if platform.stage != in_force[platform.pk]:
            before = platform.stage
            platform.stage = in_force[platform.pk]
            platform.save(update_fields=["stage"])
            audit.record(
                actor=None,
                action="sales.platform.stage_refresh",
                target=platform,
                before={"stage": before},
                after={"stage": platform.stage, "on": day.isoformat()},
            )
            changed += 1
    return changed


@transaction.atomic
def segment_threshold_set(
    *, actor: Any, valid_from: date, big_client_min_fen: int, note: str = ""
) -> SegmentThreshold:
    """From ``valid_from`` a deal of at least ``big_client_min_fen`` is a big-client deal."""
    _require_configure(actor)
    if isinstance(big_client_min_fen, bool) or big_client_min_fen <= 0:
        raise DomainError(
            ErrorCode.NOT_POSITIVE,
            _("The big-client threshold must be more than zero."),
            field="big_client_min_fen",
        )
    latest = SegmentThreshold.objects.select_for_update().order_by("-valid_from").first()
    _after_latest(
        latest.valid_from if latest else None,
        valid_from,
        ErrorCode.THRESHOLD_BACKDATED,
        _("A threshold already starts on %(latest)s; a new one must start later."),
    )
    row = SegmentThreshold.objects.create(
        valid_from=valid_from, big_client_min_fen=big_client_min_fen, note=note.strip()[:255]
    )
    audit.record(
        actor=actor,
        action="sales.threshold.set",
        target=row,
        before={"big_client_min_fen": latest.big_client_min_fen} if latest else None,
        after={**audit.snapshot(row), "shown": format_fen(big_client_min_fen)},
    )
    return row


@transaction.atomic
def qualification_standard_set(
    *, actor: Any, valid_from: date, name: str, criteria: Any, note: str = ""
) -> QualificationStandard:
    """From ``valid_from`` leads are qualified against ``criteria`` (see
    ``sales.qualification``)."""
    _require_configure(actor)
    if not name.strip():
        raise DomainError(ErrorCode.REQUIRED, _("Give the standard a name."), field="name")
    try:
        checked = qualification.check(criteria)
    except qualification.CriteriaError as exc:
        raise DomainError(ErrorCode.BAD_CRITERIA, exc.message, field="criteria") from exc
    latest = QualificationStandard.objects.select_for_update().order_by("-valid_from").first()
    _after_latest(
        latest.valid_from if latest else None,
        valid_from,
        ErrorCode.STANDARD_BACKDATED,
        _("A standard already starts on %(latest)s; a new one must start later."),
    )
    row = QualificationStandard.objects.create(
        valid_from=valid_from,
        name=name.strip()[:100],
        criteria=checked,
        note=note.strip()[:255],
    )
    audit.record(
        actor=actor, action="sales.qualification.set", target=row, after=audit.snapshot(row)
    )
    return row


@transaction.atomic
def sla_rule_set(*, actor: Any, step: str, max_hours: int, valid_from: date) -> SlaRule:
    """From ``valid_from`` a lead may wait at ``step`` at most ``max_hours`` (0: no limit)."""
    _require_configure(actor)
    if step not in SLA_STEPS:
        raise DomainError(
            ErrorCode.BAD_CHOICE, _("Choose a step that a lead waits at."), field="step"
        )
    if isinstance(max_hours, bool) or max_hours < 0:
        raise DomainError(ErrorCode.NOT_POSITIVE, _("Hours cannot be negative."), field="max_hours")
    latest = SlaRule.objects.select_for_update().filter(step=step).order_by("-valid_from").first()
    _after_latest(
        latest.valid_from if latest else None,
        valid_from,
        ErrorCode.SLA_BACKDATED,
        _("A rule for this step already starts on %(latest)s; a new one must start later."),
    )
    row = SlaRule.objects.create(step=step, max_hours=max_hours, valid_from=valid_from)
    audit.record(
        actor=actor,
        action="sales.sla_rule.set",
        target=row,
        before={"max_hours": latest.max_hours} if latest else None,
        after=audit.snapshot(row),
    )
    return row
