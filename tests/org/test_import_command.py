"""`meritline import_employees FILE [--valid-rows] [--dry-run] [--as USERNAME]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from meritline.org.models import Employee, ImportRun
from tests.org.fixtures.files import csv_bytes, db_state, new_row, xlsx_bytes


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_employees", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(xlsx_bytes([new_row("XH20001"), new_row("XH20002", manager="XH20001")]))
    return path


@pytest.fixture
def mixed_file(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes([new_row("XH20001"), new_row("XH20002", department="NOPE")]))
    return path


def test_imports_a_file_and_prints_the_report(world, good_file):
    out = run(str(good_file), "--as", "wangfang", "--effective-date", "2026-04-01")
    assert "Rows: 2 · created: 2 · updated: 0 · unchanged: 0 · with errors: 0" in out
    assert "SHA-256: " in out and "Written." in out
    assert Employee.objects.filter(employee_no__startswith="XH2000").count() == 2
    again = run(str(good_file), "--as", "wangfang")
    assert "unchanged: 2" in again


def test_dry_run_writes_nothing(world, good_file):
    before = db_state()
    out = run(str(good_file), "--as", "wangfang", "--dry-run")
    assert "created: 2" in out and "Dry run: nothing was written." in out
    assert db_state() == before


def test_bad_rows_fail_the_command_unless_valid_rows_are_wanted(world, mixed_file):
    before = db_state()
    with pytest.raises(CommandError, match="Nothing could be imported: 1 of 2 rows have errors"):
        run(str(mixed_file), "--as", "wangfang")
    assert db_state() == before
    out = run(str(mixed_file), "--as", "wangfang", "--valid-rows")
    assert "Row 3 [Department code] XH20002: No department has the code “NOPE”." in out
    assert Employee.objects.filter(employee_no="XH20001").exists()


def test_refused_file_fails_the_command_and_is_recorded(world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(b"foo,bar\n1,2\n")
    with pytest.raises(CommandError, match="The columns do not match"):
        run(str(path), "--as", "wangfang")
    assert ImportRun.objects.get().errors[0]["code"] == "bad_columns"


def test_actor_must_be_allowed_to_import(world, good_file):
    with pytest.raises(CommandError, match="You may not import employees"):
        run(str(good_file), "--as", "chenjing")
    with pytest.raises(CommandError, match="No active login"):
        run(str(good_file), "--as", "nobody")
    with pytest.raises(CommandError, match="--as USERNAME"):
        run(str(good_file))
    with pytest.raises(CommandError, match="No such file"):
        run(str(good_file.with_name("missing.csv")), "--as", "wangfang")
