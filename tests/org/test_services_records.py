"""Certificate and training-record services (SPEC PLT-2): who may write, what they refuse
(with the field), and that a refusal leaves the database and the audit log as they were."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.org.models import Certificate, TrainingRecord
from meritline.org.selectors import today
from meritline.org.services.records import (
    certificate_add,
    certificate_remove,
    training_record_add,
    training_record_remove,
)


def add_certificate(world, actor=None, employee=None, **overrides):
    kwargs = {
        "actor": actor or world.hr_admin,
        "employee": employee or world.chenjing,
        "name": "华为云认证解决方案架构师",
        "issuer": "华为",
        "issued_on": date(2025, 6, 1),
        "expires_on": date(2028, 6, 1),
    }
    kwargs.update(overrides)
    return certificate_add(**kwargs)


def add_training(world, actor=None, employee=None, **overrides):
    kwargs = {
        "actor": actor or world.hr_admin,
        "employee": employee or world.chenjing,
        "course": "顾问式销售",
        "completed_on": date(2025, 9, 12),
        "hours": Decimal("16"),
        "score": Decimal("92.5"),
    }
    kwargs.update(overrides)
    return training_record_add(**kwargs)


def unchanged(fn, **kwargs):
    """Call ``fn``, expect a DomainError, and check nothing was written; return the error."""
    before = (Certificate.objects.count(), TrainingRecord.objects.count(), AuditLog.objects.count())
    with pytest.raises(DomainError) as info:
        fn(**kwargs)
    after = (Certificate.objects.count(), TrainingRecord.objects.count(), AuditLog.objects.count())
    assert after == before
    return info.value


# Certificates -------------------------------------------------------------------------------
def test_hr_admin_adds_a_certificate_and_it_is_audited(world):
    certificate = add_certificate(world)
    assert certificate.employee == world.chenjing
    assert certificate.issuer == "华为"
    log = AuditLog.objects.get(action="org.certificate.add")
    assert log.actor == world.hr_admin
    assert log.after["name"] == "华为云认证解决方案架构师"
    assert log.after["employee"] == world.chenjing.pk


def test_hrbp_adds_a_certificate_inside_the_region_only(world):
    add_certificate(world, actor=world.hrbp)
    error = unchanged(add_certificate, world=world, actor=world.hrbp, employee=world.liuyang)
    assert isinstance(error, PermissionDeniedError)


@pytest.mark.parametrize("role", ["sales_manager", "employee", "finance", "auditor"])
def test_other_roles_may_not_add_certificates(world, role):
    error = unchanged(add_certificate, world=world, actor=world.user(role))
    assert isinstance(error, PermissionDeniedError)


def test_a_certificate_without_expiry_is_kept_open(world):
    assert add_certificate(world, expires_on=None).expires_on is None


def test_a_certificate_may_expire_on_the_day_it_is_issued(world):
    day = date(2025, 6, 1)
    assert add_certificate(world, issued_on=day, expires_on=day).expires_on == day


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"expires_on": date(2025, 5, 31)}, "expires_before_issue", "expires_on"),
        (
            {"issued_on": today() + timedelta(days=1), "expires_on": None},
            "future_date",
            "issued_on",
        ),
        ({"name": "   "}, "required", "name"),
        ({"issuer": "华" * 151}, "invalid", "issuer"),
    ],
)
def test_certificate_refusals_name_their_field(world, overrides, code, field):
    error = unchanged(add_certificate, world=world, **overrides)
    assert (error.code, error.field) == (code, field)


def test_removing_a_certificate_deletes_it_and_audits_what_it_said(world):
    certificate = add_certificate(world)
    pk = certificate.pk
    certificate_remove(actor=world.hrbp, certificate=certificate)
    assert not Certificate.objects.filter(pk=pk).exists()
    log = AuditLog.objects.get(action="org.certificate.remove")
    assert log.before["name"] == certificate.name
    assert log.target_id == str(pk)


def test_removal_outside_the_scope_is_refused(world):
    certificate = add_certificate(world, employee=world.liuyang)
    unchanged(certificate_remove, actor=world.hrbp, certificate=certificate)
    unchanged(certificate_remove, actor=world.auditor, certificate=certificate)
    assert Certificate.objects.filter(pk=certificate.pk).exists()


# Training records ---------------------------------------------------------------------------
def test_hr_admin_adds_a_training_record_and_it_is_audited(world):
    record = add_training(world)
    record.refresh_from_db()
    assert (record.hours, record.score) == (Decimal("16.0"), Decimal("92.5"))
    log = AuditLog.objects.get(action="org.training.add")
    assert log.after["course"] == "顾问式销售"


def test_a_training_record_may_have_no_score_and_zero_hours(world):
    record = add_training(world, score=None, hours=Decimal(0))
    assert record.score is None
    assert record.hours == 0


def test_training_completed_today_is_accepted(world):
    assert add_training(world, completed_on=today()).completed_on == today()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"hours": Decimal("-1")}, "negative_hours", "hours"),
        ({"hours": Decimal("NaN")}, "negative_hours", "hours"),
        ({"hours": Decimal("1000000")}, "invalid", "hours"),
        ({"score": Decimal("100.5")}, "score_range", "score"),
        ({"score": Decimal("-0.5")}, "score_range", "score"),
        ({"completed_on": today() + timedelta(days=1)}, "future_date", "completed_on"),
        ({"course": ""}, "required", "course"),
    ],
)
def test_training_refusals_name_their_field(world, overrides, code, field):
    error = unchanged(add_training, world=world, **overrides)
    assert (error.code, error.field) == (code, field)


def test_scores_of_0_and_100_are_accepted(world):
    assert add_training(world, score=Decimal(0)).score == 0
    assert add_training(world, score=Decimal(100)).score == 100


def test_other_roles_may_not_add_training(world):
    for role in ("sales_manager", "employee", "finance", "auditor"):
        error = unchanged(add_training, world=world, actor=world.user(role))
        assert isinstance(error, PermissionDeniedError)
    error = unchanged(add_training, world=world, actor=world.hrbp, employee=world.liuyang)
    assert isinstance(error, PermissionDeniedError)


def test_removing_a_training_record_is_audited(world):
    record = add_training(world)
    training_record_remove(actor=world.hr_admin, record=record)
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
    assert AuditLog.objects.get(action="org.training.remove").before["course"] == "顾问式销售"


def test_training_removal_outside_the_scope_is_refused(world):
    record = add_training(world, employee=world.liuyang)
    unchanged(training_record_remove, actor=world.hrbp, record=record)
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
