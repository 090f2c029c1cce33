"""Plumbing shared by the incentive services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.periods import Period, PeriodError
from meritline.incentives import access
from meritline.incentives.errors import ErrorCode


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


def require(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def require_manager(actor: Any) -> None:
    require(
        access.manages_incentives(actor),
        _("Only finance or an HR admin may change incentive plans and runs."),
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


def parse_rate(value: Any, *, low: Decimal, high: Decimal, field: str = "rate") -> Decimal:
    """A Decimal rate within [low, high] with at most six decimal places."""
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        rate = Decimal("NaN")
    exponent = rate.as_tuple().exponent if rate.is_finite() else 0
    if (
        not rate.is_finite()
        or not isinstance(exponent, int)
        or exponent < -6
        or not low <= rate <= high
    ):
        raise DomainError(
            ErrorCode.BAD_RATE,
            _(
                "Write the rate as a decimal between %(low)s and %(high)s with at most six "
                "places, e.g. 0.015 for 1.5 %%."
            )
            % {"low": low, "high": high},
            field=field,
        )
    return rate
