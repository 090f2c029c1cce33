"""Plumbing shared by the performance services: permissions, periods, numbers, and the
engine's issues worded for people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.periods import Period, PeriodError
from meritline.performance import access
from meritline.performance.engine import Issue
from meritline.performance.errors import ErrorCode


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


def require(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def require_hr(actor: Any) -> None:
    require(
        access.manages_performance(actor),
        _("Only an HR admin may change KPI templates and appraisal cycles."),
    )


def parse_period(text: str) -> Period:
    try:
        return Period.parse(str(text).strip())
    except PeriodError:
        raise DomainError(
            ErrorCode.BAD_PERIOD,
            _("“%(period)s” is not a period; write 2026-10, 2026-Q4, 2026-H2 or 2026.")
            % {"period": text},
            field="period",
        ) from None


def parse_decimal(value: Any, *, field: str, places: int) -> Decimal:
    """A finite Decimal with at most ``places`` decimal places, else a DomainError."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    exponent = number.as_tuple().exponent if number.is_finite() else 0
    if not number.is_finite() or not isinstance(exponent, int) or exponent < -places:
        raise DomainError(
            ErrorCode.INVALID,
            _("“%(value)s” is not a number with at most %(places)d decimal places.")
            % {"value": value, "places": places},
            field=field,
        )
    return number


def required_text(value: str, *, field: str, limit: int, code: str = ErrorCode.REQUIRED) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(code, _("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError(
            ErrorCode.INVALID,
            _("At most %(limit)d characters, please.") % {"limit": limit},
            field=field,
        )
    return text


def issue_text(issue: Issue) -> str:
    """One engine issue in the user's language, with where it is."""
    params = {**issue.params, "where": issue.location}
    known = {
        "weights_sum": _("The weights add up to %(sum)s %%; they must add up to exactly 100 %%."),
        "negative_target": _("%(where)s: a target must not be negative (%(target)s)."),
        "duplicate_id": _("%(where)s: the KPI id %(id)s is used twice."),
        "metric_required": _("%(where)s: a metric KPI names the metric it is computed from."),
        "unknown_metric": _("%(where)s: unknown metric %(metric)s."),
        "unit_mismatch": _("%(where)s: the unit does not match the metric or the KPI kind."),
        "reason_required": _("%(where)s: a calibration needs a reason."),
        "unknown_grade": _("%(where)s: unknown grade %(grade)s."),
    }
    template = known.get(issue.code)
    if template is not None:
        try:
            return template % params
        except (KeyError, TypeError, ValueError):
            pass
    return _("%(where)s: %(message)s") % {"where": issue.location, "message": issue.message}


def issues_text(issues: Sequence[Issue], limit: int = 10) -> str:
    """The first ``limit`` issues as one sentence-separated text."""
    return " ".join(issue_text(issue) for issue in issues[:limit])
