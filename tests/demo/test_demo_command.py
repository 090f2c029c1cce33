"""``meritline demo`` on databases that hold something else: it refuses, unless forced."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from meritline.core.models import AuditLog
from meritline.demo.build import credit_code
from meritline.org.models import Employee, LegalEntity
from tests import factories as f


def test_reset_refuses_to_wipe_data_that_is_not_from_the_demo(db: None) -> None:
    f.EntityFactory(code="ACME", name="Acme Ltd")
    with pytest.raises(CommandError, match="ACME"):
        call_command("demo", "--reset", stdout=StringIO())
    assert list(LegalEntity.objects.values_list("code", flat=True)) == ["ACME"]
    assert not Employee.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="demo.").exists()


def test_build_refuses_a_database_with_other_org_data(db: None) -> None:
    f.EntityFactory(code="ACME", name="Acme Ltd")
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
    assert LegalEntity.objects.count() == 1


def test_if_absent_leaves_a_database_with_other_org_data_alone(db: None) -> None:
    f.EntityFactory(code="ACME", name="Acme Ltd")
    err = StringIO()
    call_command("demo", "--if-absent", stdout=StringIO(), stderr=err)
    assert err.getvalue().strip()
    assert LegalEntity.objects.count() == 1


def test_reset_with_force_replaces_other_data_with_the_demo(db: None) -> None:
    f.EntityFactory(code="ACME", name="Acme Ltd")
    out = StringIO()
    call_command("demo", "--reset", "--force", "--seed", "7", stdout=out)
    assert not LegalEntity.objects.filter(code="ACME").exists()
    assert LegalEntity.objects.filter(code="SH").exists()
    assert AuditLog.objects.get(action="demo.build").after["seed"] == 7
    assert "chenjing" in out.getvalue()


def test_if_absent_builds_into_an_empty_database_then_does_nothing(db: None) -> None:
    call_command("demo", "--if-absent", stdout=StringIO())
    count = Employee.objects.count()
    assert count > 250
    call_command("demo", "--if-absent", stdout=StringIO())
    assert Employee.objects.count() == count
    assert AuditLog.objects.filter(action="demo.build").count() == 1


def test_demo_logins_says_when_the_demo_is_missing(db: None) -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "wangfang" in out.getvalue()
    assert "meritline demo" in out.getvalue()


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("91350100M000100Y4", "91350100M000100Y43"),
        ("91110000600037341", "91110000600037341L"),
        ("91440300708461136", "91440300708461136T"),
    ],
)
def test_credit_codes_get_their_check_character(base: str, expected: str) -> None:
    assert credit_code(base) == expected


def test_reset_refuses_to_wipe_imported_sales_records_unless_forced(db: None) -> None:
    from meritline.sales.models import Customer, ImportJob
    from meritline.sales.services.customers import customer_upsert

    call_command("demo", "--if-absent", stdout=StringIO())
    from meritline.core.models import User

    admin = User.objects.get(username="wangfang")
    customer_upsert(
        actor=admin, external_id="T-1", name="天猫买家有限公司", platform="TMALL", source="TMALL"
    )
    with pytest.raises(CommandError, match=r"TMALL|客户|customers"):
        call_command("demo", "--reset", stdout=StringIO())
    assert Customer.objects.filter(source="TMALL").exists()
    ImportJob.objects.create(
        kind="customers",
        platform_id=Customer.objects.get(source="TMALL").platform_id,
        source="TMALL",
        file_name="x.csv",
        stored_name="",
        checksum="0" * 64,
        mode="valid_rows",
        created_by=admin,
    )
    call_command("demo", "--reset", "--force", stdout=StringIO())
    assert not Customer.objects.filter(source="TMALL").exists()
    assert not ImportJob.objects.exists()
