"""Check-ins: a KR's new current value with a comment and a confidence; the history is
kept (one row each, with the KR's and the objective's score after it) and audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.performance.okr import access, scoring
from meritline.performance.okr.errors import ErrorCode
from meritline.performance.okr.models import (
    CheckIn,
    CheckInSource,
    Confidence,
    KeyResult,
    Measure,
    Objective,
    score_of,
)
from meritline.performance.okr.services.common import number, require, require_open, text


def check_value(measure: str, value: Decimal) -> Decimal:
    """A value fit for the measure: money whole fen and not negative, a milestone 0 or 1."""
    value = number(value, field="value")
    if measure == Measure.CURRENCY:
        if value < 0:
            raise DomainError(
                ErrorCode.NEGATIVE_MONEY, _("An amount cannot be negative."), field="value"
            )
        if value != value.to_integral_value():
            raise DomainError(
                ErrorCode.NOT_WHOLE_FEN, _("Amounts have at most two decimals."), field="value"
            )
    if measure == Measure.MILESTONE and value not in (Decimal(0), Decimal(1)):
        raise DomainError(
            ErrorCode.BAD_MILESTONE, _("A milestone is either done or not done."), field="value"
        )
    return value


def record_value(
    *,
    actor: Any,
    kr: KeyResult,
    value: Decimal,
    confidence: str,
    comment: str,
    source: str,
) -> CheckIn:
    """Store ``value`` on the locked ``kr`` and its check-in row (inside a transaction)."""
    previous = kr.current_value
    kr.current_value = value
    kr.save(update_fields=["current_value"])
    siblings = list(KeyResult.objects.filter(objective_id=kr.objective_id))
    objective_score = scoring.objective_score([(k.weight, k.score()) for k in siblings])
    author = actor if getattr(actor, "pk", None) else None
    employee = getattr(author, "employee", None) if author is not None else None
    check_in = CheckIn.objects.create(
        key_result=kr,
        previous_value=previous,
        value=value,
        score=score_of(kr.measure, kr.start_value, kr.target_value, value),
        objective_score=objective_score,
        confidence=confidence,
        comment=comment,
        source=source,
        author=author,
        author_name=employee.name if employee is not None else getattr(author, "username", ""),
    )
    audit.record(
        actor=actor,
        action="okr.check_in",
        target=kr,
        before={"current_value": str(previous)},
        after={
            "current_value": str(value),
            "confidence": confidence,
            "comment": comment,
            "source": source,
            "check_in": check_in.pk,
        },
    )
    return check_in


@transaction.atomic
def check_in_create(
    *,
    actor: Any,
    key_result: KeyResult,
    value: Decimal,
    confidence: str,
    comment: str = "",
) -> CheckIn:
    """Record a new current value of a typed KR (not one computed from sales data)."""
    kr = KeyResult.objects.select_for_update().get(pk=key_result.pk)
    objective = Objective.objects.select_related("period").get(pk=kr.objective_id)
    require_open(objective.period)
    require(
        access.may_write(actor, objective),
        _("Only the owner of the objective and their managers may check in."),
    )
    if kr.metric:
        raise DomainError(
            ErrorCode.METRIC_LINKED,
            _("This key result is computed from the sales data; refresh it instead."),
        )
    if confidence not in Confidence.values:
        raise DomainError(ErrorCode.REQUIRED, _("Say how confident you are."), field="confidence")
    return record_value(
        actor=actor,
        kr=kr,
        value=check_value(kr.measure, value),
        confidence=confidence,
        comment=text(comment, field="comment", limit=2000, required=False),
        source=CheckInSource.MANUAL,
    )
