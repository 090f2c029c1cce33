"""Certificates and training records of an employee (SPEC PLT-2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.org.models import Certificate, Employee, TrainingRecord
from meritline.org.selectors import today
from meritline.org.services.common import require_manage_employee, validated_save

MAX_SCORE = Decimal(100)


def _not_in_future(day: date, field: str, message: str) -> None:
    if day > today():
        raise DomainError("future_date", message, field=field)


def _required(value: str, field: str, message: str) -> str:
    text = value.strip()
    if not text:
        raise DomainError("required", message, field=field)
    return text


@transaction.atomic
def certificate_add(
    *,
    actor: Any,
    employee: Employee,
    name: str,
    issued_on: date,
    issuer: str = "",
    expires_on: date | None = None,
) -> Certificate:
    """Record a certificate. Issued on or before today; it expires no earlier than issued."""
    require_manage_employee(actor, employee)
    certificate = Certificate(
        employee=employee,
        name=_required(name, "name", _("Give the certificate's name.")),
        issuer=issuer.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    _not_in_future(issued_on, "issued_on", _("The issue date cannot be in the future."))
    if expires_on is not None and expires_on < issued_on:
        raise DomainError(
            "expires_before_issue",
            _("The certificate cannot expire before it was issued (%s).") % issued_on,
            field="expires_on",
        )
    validated_save(certificate)
    audit.record(
        actor=actor,
        action="org.certificate.add",
        target=certificate,
        after=audit.snapshot(certificate),
    )
    return certificate


@transaction.atomic
def certificate_remove(*, actor: Any, certificate: Certificate) -> None:
    """Delete a certificate (the audit row keeps what it said)."""
    require_manage_employee(actor, certificate.employee)
    audit.record(
        actor=actor,
        action="org.certificate.remove",
        target=certificate,
        before=audit.snapshot(certificate),
    )
    certificate.delete()


@transaction.atomic
def training_record_add(
    *,
    actor: Any,
    employee: Employee,
    course: str,
    completed_on: date,
    hours: Decimal,
    score: Decimal | None = None,
) -> TrainingRecord:
    """Record a completed course: completed on or before today, hours ≥ 0, score 0–100."""
    require_manage_employee(actor, employee)
    record = TrainingRecord(
        employee=employee,
        course=_required(course, "course", _("Give the course's name.")),
        completed_on=completed_on,
        hours=hours,
        score=score,
    )
    _not_in_future(completed_on, "completed_on", _("The completion date cannot be in the future."))
    if not hours.is_finite() or hours < 0:
        raise DomainError("negative_hours", _("Hours cannot be negative."), field="hours")
    if score is not None and not (score.is_finite() and 0 <= score <= MAX_SCORE):
        raise DomainError("score_range", _("A score is between 0 and 100."), field="score")
    validated_save(record)
    audit.record(
        actor=actor,
        action="org.training.add",
        target=record,
        after=audit.snapshot(record),
    )
    return record


@transaction.atomic
def training_record_remove(*, actor: Any, record: TrainingRecord) -> None:
    """Delete a training record (the audit row keeps what it said)."""
    require_manage_employee(actor, record.employee)
    audit.record(
        actor=actor,
        action="org.training.remove",
        target=record,
        before=audit.snapshot(record),
    )
    record.delete()
