"""Commission terms: level rates (per job level or per employee) and per-employee rate
adjustments, effective-dated; a new row starts after the latest of its holder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import CommissionTerms, TermsKind
from meritline.incentives.services.common import parse_rate, require_manager
from meritline.org.models import Employee, JobLevel


@transaction.atomic
def commission_terms_set(
    *,
    actor: Any,
    kind: str,
    valid_from: date,
    rate: Decimal | str,
    employee: Employee | None = None,
    level: JobLevel | None = None,
    reason: str = "",
) -> CommissionTerms:
    """From ``valid_from``, ``employee`` (or everyone at ``level``) has this level rate, or
    this rate adjustment (an employee's, with a reason; ``0`` ends it)."""
    require_manager(actor)
    if kind not in TermsKind.values:
        raise DomainError(ErrorCode.INVALID, _("Choose a kind of terms."), field="kind")
    if (employee is None) == (level is None) or (kind == TermsKind.ADJUSTMENT and level):
        raise DomainError(
            ErrorCode.TERMS_HOLDER,
            _("Give either an employee or a job level (adjustments are an employee's)."),
            field="employee",
        )
    if kind == TermsKind.LEVEL_RATE:
        value = parse_rate(rate, low=Decimal(0), high=Decimal(1))
    else:
        value = parse_rate(rate, low=Decimal(-1), high=Decimal(1))
    reason = reason.strip()
    if kind == TermsKind.ADJUSTMENT and not reason:
        raise DomainError(
            ErrorCode.REASON_REQUIRED, _("Say why the rate is adjusted."), field="reason"
        )
    holder = {"employee": employee} if employee is not None else {"level": level}
    (Employee if employee is not None else JobLevel).objects.select_for_update().filter(
        pk=(employee or level).pk  # type: ignore[union-attr]
    ).first()
    latest = CommissionTerms.objects.filter(kind=kind, **holder).order_by("-valid_from").first()
    if latest is not None and valid_from <= latest.valid_from:
        raise DomainError(
            ErrorCode.TERMS_BACKDATED,
            _("These terms already change on %(day)s; new terms must start later.")
            % {"day": latest.valid_from.isoformat()},
            field="valid_from",
        )
    row = CommissionTerms.objects.create(
        kind=kind,
        valid_from=valid_from,
        rate=value,
        reason=reason[:255],
        created_by=actor,
        **holder,
    )
    audit.record(
        actor=actor,
        action="incentives.terms.set",
        target=row,
        before={"rate": str(latest.rate), "valid_from": latest.valid_from.isoformat()}
        if latest
        else None,
        after=audit.snapshot(row, ["kind", "employee", "level", "valid_from", "rate", "reason"]),
    )
    return row
