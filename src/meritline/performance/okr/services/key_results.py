"""Key results of an objective, saved as a set: measures, start and target, weights
adding up to 100 %, optionally a metric of the metrics engine instead of typed values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.metrics import METRICS, Unit
from meritline.performance.okr import access, scoring
from meritline.performance.okr.errors import ErrorCode
from meritline.performance.okr.models import KeyResult, Measure, Objective
from meritline.performance.okr.services.common import require, require_open, text

FIELDS = ("title", "measure", "start_value", "target_value", "current_value", "weight", "metric")
# Which measure a metric's unit is shown as (ratios as percentages).
METRIC_MEASURE = {
    Unit.FEN: Measure.CURRENCY,
    Unit.COUNT: Measure.NUMBER,
    Unit.RATIO: Measure.PERCENT,
    Unit.DAYS: Measure.NUMBER,
}


@dataclass(frozen=True)
class KeyResultInput:
    """One KR as entered; values in the stored unit (currency in fen, percent in points)."""

    title: str
    measure: str
    weight: Decimal
    start: Decimal = Decimal(0)
    target: Decimal = Decimal(1)
    metric: str = ""
    id: int | None = None


def linkable_metrics() -> list[str]:
    """Metrics a KR may follow: those computable without big-client thresholds."""
    return [name for name, m in METRICS.items() if not m.needs_segment]


def _error(code: str, position: int, title: str, message: str, field: str) -> DomainError:
    return DomainError(
        code,
        _("Key result %(n)d “%(title)s”: %(problem)s")
        % {"n": position, "title": title, "problem": message},
        field=field,
    )


def _checked(row: KeyResultInput, position: int) -> KeyResultInput:
    title = text(row.title, field="title", limit=200)
    if row.measure not in Measure.values:
        raise _error(ErrorCode.INVALID, position, title, _("choose how it is measured."), "measure")
    start, target = row.start, row.target
    if row.measure == Measure.MILESTONE:
        start, target = Decimal(0), Decimal(1)
    if start == target:
        raise _error(
            ErrorCode.TARGET_EQUALS_START,
            position,
            title,
            _("the target equals the start (%(value)s), so there is nothing to achieve.")
            % {"value": start.normalize()},
            "target",
        )
    if row.measure == Measure.CURRENCY:
        if start < 0 or target < 0:
            raise _error(
                ErrorCode.NEGATIVE_MONEY,
                position,
                title,
                _("an amount cannot be negative."),
                "target",
            )
        if start != start.to_integral_value() or target != target.to_integral_value():
            raise _error(
                ErrorCode.NOT_WHOLE_FEN,
                position,
                title,
                _("amounts have at most two decimals."),
                "target",
            )
    if not Decimal(0) < row.weight <= Decimal(100):
        raise _error(
            ErrorCode.INVALID,
            position,
            title,
            _("a weight lies above 0 and up to 100 %."),
            "weight",
        )
    if row.metric:
        metric = METRICS.get(row.metric)
        if metric is None or row.metric not in linkable_metrics():
            raise _error(
                ErrorCode.UNKNOWN_METRIC,
                position,
                title,
                _("that metric cannot be followed."),
                "metric",
            )
        if METRIC_MEASURE[metric.unit] != row.measure:
            raise _error(
                ErrorCode.METRIC_MEASURE,
                position,
                title,
                _("the metric %(metric)s is measured as %(measure)s.")
                % {"metric": row.metric, "measure": METRIC_MEASURE[metric.unit].label},
                "measure",
            )
    return KeyResultInput(
        title=title,
        measure=row.measure,
        weight=row.weight,
        start=start,
        target=target,
        metric=row.metric,
        id=row.id,
    )


@transaction.atomic
def key_results_save(
    *, actor: Any, objective: Objective, rows: Sequence[KeyResultInput]
) -> list[KeyResult]:
    """Replace the objective's KRs by ``rows`` (kept ones by id); weights must total 100 %.

    A KR that has check-ins keeps its history: it may be changed but not removed.
    """
    locked = Objective.objects.select_for_update().select_related("period").get(pk=objective.pk)
    require_open(locked.period)
    require(access.may_write(actor, locked), _("You may not change this objective."))
    if not rows:
        raise DomainError(
            ErrorCode.NO_KEY_RESULTS, _("An objective needs at least one key result.")
        )
    checked = [_checked(row, n) for n, row in enumerate(rows, start=1)]
    weights = [row.weight for row in checked]
    if not scoring.weights_ok(weights):
        raise DomainError(
            ErrorCode.WEIGHTS_SUM,
            _("The weights add up to %(sum)s %%; they must add up to exactly 100 %%.")
            % {"sum": format(scoring.weights_total(weights).normalize(), "f")},
            field="weight",
        )
    existing = {kr.pk: kr for kr in KeyResult.objects.select_for_update().filter(objective=locked)}
    unknown = [row.id for row in checked if row.id is not None and row.id not in existing]
    if unknown:
        raise DomainError(ErrorCode.INVALID, _("A key result is not one of this objective's."))
    keep = {row.id for row in checked if row.id is not None}
    removed = [kr for pk, kr in existing.items() if pk not in keep]
    blocked = [kr.title for kr in removed if kr.check_ins.exists()]
    if blocked:
        raise DomainError(
            ErrorCode.HAS_CHECK_INS,
            _("“%(title)s” has check-ins; its history is kept, so it cannot be removed.")
            % {"title": blocked[0]},
        )
    before = [audit.snapshot(kr, FIELDS) | {"id": kr.pk} for kr in existing.values()]
    for kr in removed:
        kr.delete()
    saved: list[KeyResult] = []
    for order, row in enumerate(checked):
        kr = existing.get(row.id) if row.id is not None else None
        if kr is None:
            kr = KeyResult(objective=locked, current_value=row.start)
        if row.measure == Measure.MILESTONE and kr.current_value not in (0, 1):
            kr.current_value = Decimal(0)
        kr.title, kr.measure, kr.weight, kr.metric = row.title, row.measure, row.weight, row.metric
        kr.start_value, kr.target_value, kr.order = row.start, row.target, order
        kr.save()
        saved.append(kr)
    audit.record(
        actor=actor,
        action="okr.key_results_save",
        target=locked,
        before={"key_results": before},
        after={"key_results": [audit.snapshot(kr, FIELDS) | {"id": kr.pk} for kr in saved]},
    )
    return saved
