"""Plumbing shared by the OKR services: periods, permissions and numbers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.periods import Period, PeriodError, PeriodKind
from meritline.performance.okr.errors import ErrorCode
from meritline.performance.okr.models import OkrPeriod, PeriodStatus


def current_period_code() -> str:
    return str(Period.containing(timezone.localdate(), PeriodKind.QUARTER))


def parse_quarter(text: str) -> Period:
    try:
        period = Period.parse(str(text or "").strip())
    except PeriodError:
        period = None
    if period is None or period.kind is not PeriodKind.QUARTER:
        raise DomainError(
            ErrorCode.BAD_PERIOD,
            _("“%(period)s” is not a quarter; write it as 2026-Q4.") % {"period": text},
            field="period",
        )
    return period


def period_for(code: str) -> OkrPeriod:
    """The OKR period of a quarter, created (open) the first time it is used."""
    period = parse_quarter(code)
    row, _created = OkrPeriod.objects.get_or_create(
        code=str(period), defaults={"starts_on": period.start, "ends_on": period.end}
    )
    return row


def require_open(period: OkrPeriod) -> None:
    if period.status != PeriodStatus.OPEN:
        raise DomainError(
            ErrorCode.PERIOD_CLOSED,
            _("The OKR period %(period)s is closed: nothing in it can change any more.")
            % {"period": period.code},
        )


def require(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def text(value: Any, *, field: str, limit: int, required: bool = True) -> str:
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise DomainError(ErrorCode.REQUIRED, _("This field is required."), field=field)
    if len(cleaned) > limit:
        raise DomainError(
            ErrorCode.INVALID,
            _("At most %(limit)d characters, please.") % {"limit": limit},
            field=field,
        )
    return cleaned


def number(value: Any, *, field: str, places: int = 4) -> Decimal:
    """A finite Decimal with at most ``places`` decimals, else a DomainError on ``field``."""
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        result = Decimal("NaN")
    exponent = result.as_tuple().exponent if result.is_finite() else 0
    if (
        not result.is_finite()
        or not isinstance(exponent, int)
        or exponent < -places
        or abs(result) >= Decimal(10) ** 15
    ):
        raise DomainError(
            ErrorCode.INVALID,
            _("“%(value)s” is not a number with at most %(places)d decimal places.")
            % {"value": value, "places": places},
            field=field,
        )
    return result
