"""The audit log is append-only (SPEC PLT-4), on every database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from meritline.core import audit
from meritline.core.models import AuditLog


@pytest.fixture
def entry(world):
    with transaction.atomic():
        return audit.record(
            actor=world.hr_admin,
            action="test.write",
            target=world.chenjing,
            before={"a": 1},
            after={"a": 2},
        )


def test_record_keeps_actor_target_before_and_after(entry, world):
    row = AuditLog.objects.get(pk=entry.pk)
    assert row.actor == world.hr_admin
    assert row.target_type == "org.employee"
    assert row.target_id == str(world.chenjing.pk)
    assert (row.before, row.after) == ({"a": 1}, {"a": 2})


def test_record_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="x")
    assert not AuditLog.objects.exists()


def test_orm_cannot_update_or_delete(entry):
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        entry.delete()
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_trigger_refuses_raw_update_and_delete(entry):
    statements = (
        "UPDATE core_auditlog SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditlog WHERE id = %s",
    )
    for sql in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).action == "test.write"


def test_snapshot_leaves_secrets_out(world):
    world.chenjing.id_number_encrypted = "secret"
    data = audit.snapshot(world.chenjing)
    assert "id_number_encrypted" not in data
    assert data["employee_no"] == "XH00004"
