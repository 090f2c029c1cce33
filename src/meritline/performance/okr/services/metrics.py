"""Key results that follow a metric of the metrics engine: their current value is
computed from the sales records (never typed) over the objective's quarter so far, for
the owner (a person objective) or everyone in the team now (a team objective).

Fetch → compute → persist: the frames are read once per objective, as the acting user
may see them (``person_frames`` for a person, ``frames_for`` otherwise, from the start of
the previous window), one ``compute`` call gives every linked KR's value, each change is
stored as a check-in from the sales data. A user who cannot see everyone whose sales
count is refused: a value from part of the records would be stored for all to read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.metrics import METRICS, Frames, MetricsError, Unit, compute
from meritline.metrics.sources import frames_for as metric_frames
from meritline.metrics.windows import previous_window
from meritline.org.models import Department, Employee
from meritline.org.selectors import assignments_on, visible_employee_q
from meritline.performance.okr import access, scoring
from meritline.performance.okr.errors import ErrorCode
from meritline.performance.okr.models import (
    CheckIn,
    CheckInSource,
    Confidence,
    KeyResult,
    Level,
    Objective,
    score_of,
)
from meritline.performance.okr.services.checkins import record_value
from meritline.performance.okr.services.common import require, require_open
from meritline.sales import frames as sales_frames

GROUP = "okr_group"
HUNDRED = Decimal(100)


def members_of(objective: Objective, day: date) -> set[int] | None:
    """Whose sales count: the owner, everyone in the team's subtree on ``day``, or
    everyone (None) for a company objective."""
    if objective.level == Level.COMPANY:
        return None
    if objective.level != Level.TEAM or objective.team_id is None:
        return {objective.owner_id}
    team = Department.objects.get(pk=objective.team_id)
    departments = Department.objects.filter(path__startswith=team.path).values("pk")
    return set(
        assignments_on(day).filter(department__in=departments).values_list("employee_id", flat=True)
    )


def _grouped(frames: Frames, members: set[int] | None) -> Frames:
    if members is None:
        column = pl.lit(1, dtype=pl.Int64)
    else:
        ids = sorted(members)
        chosen = pl.col("employee_id").is_in(ids)
        column = pl.when(chosen).then(pl.lit(1)).otherwise(None).cast(pl.Int64)
    parts: dict[str, pl.DataFrame | None] = {}
    for name in ("deals", "collections", "refunds", "leads", "customers"):
        frame = frames.get(name)
        if frame is not None and name in ("deals", "leads"):
            frame = frame.with_columns(column.alias(GROUP))
        parts[name] = frame
    return Frames(**parts)


def _needed(names: list[str]) -> list[str]:
    needed: set[str] = set().union(*(metric_frames(METRICS[name]) for name in names))
    if needed & {"collections", "refunds"}:
        needed.add("deals")
    return sorted(needed)


def _values(
    names: list[str], frames: Frames, members: set[int] | None, start: date, end: date
) -> dict[str, Decimal]:
    grouped = _grouped(frames, members)
    try:
        row = compute(names, grouped, [(start, end)], by=GROUP, groups=[1]).row(0, named=True)
    except MetricsError as exc:
        raise DomainError(
            ErrorCode.METRICS_FAILED,
            _("The sales figures cannot be computed: %(error)s") % {"error": str(exc)},
        ) from None
    values: dict[str, Decimal] = {}
    for name in names:
        raw = row.get(name)
        value = Decimal(0) if raw is None else Decimal(str(raw))
        if METRICS[name].unit is Unit.RATIO:
            value = (value * HUNDRED).quantize(Decimal("0.01"))
        values[name] = value
    return values


def metric_values(
    names: list[str], members: set[int] | None, start: date, end: date
) -> dict[str, Decimal]:
    """Each metric's value for ``members`` over [start, end] from every record — for
    system jobs only (the demo company), never for a user: fen and counts as they are,
    ratios as percentage points (0.3512 → 35.12), days as a number; nothing → 0."""
    if not names or end < start:
        return {name: Decimal(0) for name in names}
    return _values(names, sales_frames.frames_unscoped(_needed(names)), members, start, end)


def _require_sees(actor: Any, members: set[int] | None) -> None:
    """Refuse unless ``actor`` sees everyone in ``members`` (None: everyone at all)."""
    scope = scope_for(actor)
    if scope.all_rows:
        return
    visible = Employee.objects.filter(visible_employee_q(scope))
    if members is None or visible.filter(pk__in=members).count() < len(members):
        raise DomainError(
            ErrorCode.METRICS_FAILED,
            _(
                "You cannot see the sales of everyone this objective counts, so it cannot"
                " be updated from the sales data."
            ),
        )


def objective_metric_values(
    *, actor: Any, objective: Objective, names: list[str], start: date, end: date
) -> dict[str, Decimal]:
    """Each metric's value for the objective's people (``members_of`` on ``end``) over
    [start, end], from the records ``actor`` may see — refused unless they see all of
    those people. Values as in ``metric_values``."""
    if not names or end < start:
        return {name: Decimal(0) for name in names}
    members = members_of(objective, end)
    _require_sees(actor, members)
    needed = _needed(names)
    since = previous_window((start, end))[0]
    if objective.level == Level.PERSON:
        frames = sales_frames.person_frames(
            user=actor, employee_id=objective.owner_id, names=needed, since=since
        )
    else:
        frames = sales_frames.frames_for(user=actor, names=needed, since=since)
    return _values(names, frames, members, start, end)


def _confidence(kr: KeyResult, score: Decimal) -> str:
    last = CheckIn.objects.filter(key_result=kr, source=CheckInSource.MANUAL).first()
    if last is not None:
        return last.confidence
    band = scoring.band(score)
    return {
        scoring.Band.ON_TRACK: Confidence.HIGH,
        scoring.Band.PROGRESSING: Confidence.MEDIUM,
        scoring.Band.BEHIND: Confidence.LOW,
    }[band]


@transaction.atomic
def objective_refresh(*, actor: Any, objective: Objective) -> int:
    """Recompute the objective's metric KRs from the sales data; returns how many changed."""
    locked = Objective.objects.select_for_update().select_related("period").get(pk=objective.pk)
    require_open(locked.period)
    require(access.may_write(actor, locked), _("You may not change this objective."))
    linked = list(KeyResult.objects.select_for_update().filter(objective=locked).exclude(metric=""))
    if not linked:
        return 0
    end = min(timezone.localdate(), locked.period.ends_on)
    values = objective_metric_values(
        actor=actor,
        objective=locked,
        names=sorted({kr.metric for kr in linked}),
        start=locked.period.starts_on,
        end=end,
    )
    changed = 0
    for kr in linked:
        value = values[kr.metric]
        if value == kr.current_value:
            continue
        record_value(
            actor=actor,
            kr=kr,
            value=value,
            confidence=_confidence(
                kr, score_of(kr.measure, kr.start_value, kr.target_value, value)
            ),
            comment="",
            source=CheckInSource.METRIC,
        )
        changed += 1
    return changed
