"""Importing employees: validation report, idempotent re-import, modes, scope (SPEC PLT-7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from meritline.core import crypto
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.org.models import (
    Assignment,
    Employee,
    EmployeeStatus,
    ImportRun,
    SalaryChange,
)
from meritline.org.services import imports
from meritline.org.services.imports import VALID_ROWS, employee_import
from tests import factories as f
from tests.org.fixtures.files import (
    EFFECTIVE,
    KEYS,
    csv_bytes,
    db_state,
    existing_row,
    new_row,
    valid_id_number,
    xlsx_bytes,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"


def run_import(actor: Any, data: Any, *, name: str = "staff.csv", **kwargs: Any):
    kwargs.setdefault("effective_date", EFFECTIVE)
    kwargs.setdefault("dry_run", False)
    with translation.override("en"):
        return employee_import(actor=actor, file_name=name, data=data, **kwargs)


def codes(report) -> set[str]:
    return {e.code for e in report.errors}


def team(world) -> list[dict[str, Any]]:
    """A manager new in the file listed after the two people who report to them."""
    return [
        new_row("XH20002", name="何磊", gender="男", manager="XH20001", id_number=""),
        new_row("XH20003", name="宋佳", manager="XH20001", base_salary="7500.50"),
        new_row(
            "XH20001",
            name="林晓",
            position="MGR",
            manager="XH00003",
            id_number=valid_id_number(),
            base_salary="15000",
        ),
    ]


# Creating, re-importing, correcting


def test_new_rows_create_employees_with_placement_salary_and_audit(world):
    audit_before = AuditLog.objects.count()
    report = run_import(world.hr_admin, csv_bytes(team(world)))
    assert (report.created, report.updated, report.unchanged, report.error_rows) == (3, 0, 0, 0)
    assert report.committed and len(report.checksum) == 64
    lin = Employee.objects.get(employee_no="XH20001")
    he = Employee.objects.get(employee_no="XH20002")
    assert he.gender == "M" and lin.gender == "F"
    assert crypto.decrypt(lin.id_number_encrypted) == valid_id_number()
    assignment = he.assignments.get()
    assert assignment.manager == lin and assignment.valid_from == date(2026, 3, 2)
    assert assignment.platform == world.platform and assignment.department == world.team_a
    song = Employee.objects.get(employee_no="XH20003")
    assert song.salary_changes.get().base_salary_fen == 750_050
    actions = list(AuditLog.objects.order_by("pk")[audit_before:].values_list("action", flat=True))
    assert actions.count("org.employee.create") == 3
    assert actions[-1] == "org.import.employees"
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.committed and run.created_count == 3 and run.checksum == report.checksum


def test_reimporting_the_same_file_changes_nothing(world):
    data = csv_bytes([*team(world), existing_row(world.chenjing), existing_row(world.sunlei)])
    first = run_import(world.hr_admin, data)
    assert (first.created, first.unchanged) == (3, 2)
    before = db_state()
    again = run_import(world.hr_admin, data)
    assert (again.created, again.updated, again.unchanged, again.error_rows) == (0, 0, 5, 0)
    assert again.checksum == first.checksum
    assert db_state() == before


def test_reimporting_the_same_xlsx_changes_nothing(world):
    data = xlsx_bytes(team(world))
    assert run_import(world.hr_admin, data, name="staff.xlsx").created == 3
    before = db_state()
    assert run_import(world.hr_admin, data, name="staff.xlsx").unchanged == 3
    assert db_state() == before


def test_reimporting_with_another_effective_date_changes_nothing(world):
    data = csv_bytes(team(world))
    run_import(world.hr_admin, data)
    before = db_state()
    for effective in (date(2026, 1, 1), date(2027, 1, 1)):
        report = run_import(world.hr_admin, data, effective_date=effective)
        assert report.unchanged == 3, report.errors
    assert db_state() == before


def test_a_new_salary_must_start_after_the_latest_one(world):
    report = run_import(
        world.hr_admin,
        csv_bytes([existing_row(world.chenjing, base_salary="9000")]),
        effective_date=date(2021, 3, 1),
    )
    assert codes(report) == {"salary_duplicate"}
    assert report.errors[0].message == (
        "A salary change already starts on 2021-03-01; choose a later effective date."
    )


def test_corrected_file_updates_only_the_changed_rows(world):
    rows = team(world)
    run_import(world.hr_admin, csv_bytes(rows))
    audit_before = AuditLog.objects.count()
    rows[0]["email"] = "helei@new.example.com"  # personal field
    rows[1]["department"] = "S-E"  # placement
    rows[2]["base_salary"] = "16000"  # salary
    report = run_import(world.hr_admin, csv_bytes(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0)
    he = Employee.objects.get(employee_no="XH20002")
    assert he.email == "helei@new.example.com"
    assert he.assignments.count() == 1
    song = Employee.objects.get(employee_no="XH20003")
    old, new = song.assignments.order_by("valid_from")
    assert old.valid_to == date(2026, 3, 31)
    assert (new.valid_from, new.department, new.reason) == (
        EFFECTIVE,
        world.sales_east,
        "Import update",
    )
    lin = Employee.objects.get(employee_no="XH20001")
    assert list(
        lin.salary_changes.order_by("valid_from").values_list("base_salary_fen", flat=True)
    ) == [
        1_500_000,
        1_600_000,
    ]
    actions = sorted(
        AuditLog.objects.order_by("pk")[audit_before:].values_list("action", flat=True)
    )
    assert actions == [
        "org.employee.assign",
        "org.employee.update",
        "org.import.employees",
        "org.salary.change",
    ]


def test_existing_employee_with_a_new_manager_from_the_file_is_reassigned(world):
    rows = [new_row("XH20001"), existing_row(world.sunlei, manager="XH20001")]
    report = run_import(world.hr_admin, csv_bytes(rows))
    assert (report.created, report.updated) == (1, 1)
    current = world.sunlei.assignments.get(valid_to=None)
    assert current.manager.employee_no == "XH20001" and current.valid_from == EFFECTIVE


def test_english_headers_and_a_file_without_optional_columns(world):
    columns = [k for k in KEYS if k not in ("level", "manager", "platform", "id_number")]
    columns.remove("base_salary")
    report = run_import(world.hr_admin, csv_bytes([new_row()], columns, english=True))
    assert report.created == 1, report.errors
    # Absent optional columns keep what is stored: chenjing keeps her manager.
    report = run_import(world.hr_admin, csv_bytes([existing_row(world.chenjing)], columns))
    assert report.unchanged == 1


def test_dry_run_reports_the_counts_and_writes_nothing(world):
    before = db_state()
    report = run_import(world.hr_admin, csv_bytes(team(world)), dry_run=True)
    assert (report.created, report.committed) == (3, False)
    assert db_state() == before
    assert ImportRun.objects.get(pk=report.run_id).committed is False


# Modes


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(world):
    before = db_state()
    rows = [*team(world), new_row("XH20009", department="NOPE")]
    report = run_import(world.hr_admin, csv_bytes(rows))
    assert not report.committed and report.error_rows == 1
    assert report.created == 3  # what would have been created
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (5, "department", "unknown_department")
    ]
    assert report.errors[0].message == "No department has the code “NOPE”."
    assert db_state() == before


def test_valid_rows_mode_keeps_the_good_rows_and_reports_the_bad(world):
    rows = [*team(world), new_row("XH20009", hire_date="2026-02-30")]
    report = run_import(world.hr_admin, csv_bytes(rows), mode=VALID_ROWS)
    assert report.committed and (report.created, report.error_rows) == (3, 1)
    assert Employee.objects.filter(employee_no__startswith="XH2000").count() == 3
    assert not Employee.objects.filter(employee_no="XH20009").exists()
    (error,) = report.errors
    assert (error.row, error.column, error.key) == (5, "hire_date", "XH20009")
    assert error.message == "“2026-02-30” is not a date; write it as YYYY-MM-DD."


def test_valid_rows_mode_leaves_out_reports_of_a_bad_new_manager(world):
    rows = team(world)
    rows[2]["email"] = "not-an-email"  # the manager XH20001
    report = run_import(world.hr_admin, csv_bytes(rows), mode=VALID_ROWS)
    assert report.created == 0 and report.error_rows == 3
    assert codes(report) == {"bad_email", "manager_row_failed"}
    assert not Employee.objects.filter(employee_no__startswith="XH2000").exists()


def test_a_service_error_while_writing_becomes_that_rows_error(world, monkeypatch):
    real = imports.employee_create

    def failing(**kwargs):
        if kwargs["employee_no"] == "XH20003":
            raise DomainError("boom", "The service refused this row.", field="email")
        return real(**kwargs)

    monkeypatch.setattr(imports, "employee_create", failing)
    before = db_state()
    report = run_import(world.hr_admin, csv_bytes(team(world)))
    assert not report.committed and db_state() == before
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "email", "The service refused this row.")
    ]
    report = run_import(world.hr_admin, csv_bytes(team(world)), mode=VALID_ROWS)
    assert report.committed and (report.created, report.error_rows) == (2, 1)
    assert set(
        Employee.objects.filter(employee_no__startswith="XH2000").values_list(
            "employee_no", flat=True
        )
    ) == {"XH20001", "XH20002"}


# Bad rows: each gets a specific message and nothing is written


@pytest.mark.parametrize(
    ("values", "column", "code", "message"),
    [
        ({"name": ""}, "name", "required", "Name is required."),
        ({"department": ""}, "department", "required", "Department code is required."),
        ({"gender": "x"}, "gender", "bad_gender", "Gender must be 男, 女, M or F, not “x”."),
        ({"hire_date": "03/02/2026"}, "hire_date", "bad_date", None),
        ({"base_salary": "8k"}, "base_salary", "bad_money", None),
        ({"base_salary": "8000.125"}, "base_salary", "bad_money", None),
        ({"base_salary": "-1"}, "base_salary", "negative_salary", "A salary cannot be negative."),
        ({"email": "a@"}, "email", "bad_email", "“a@” is not a valid e-mail address."),
        ({"phone": "call me"}, "phone", "bad_phone", None),
        ({"entity": "XX"}, "entity", "unknown_entity", None),
        ({"position": "CEO"}, "position", "unknown_position", "No position has the code “CEO”."),
        ({"level": "L99"}, "level", "unknown_level", "No job level has the code “L99”."),
        ({"platform": "MARS"}, "platform", "unknown_platform", None),
        ({"manager": "XH99999"}, "manager", "unknown_manager", None),
        ({"manager": "XH20002"}, "manager", "manager_self", None),
        ({"id_number": "110105199003071234"}, "id_number", "bad_id_number", None),
        ({"id_number": "11010519900230123X"}, "id_number", "bad_id_number", None),
        ({"employee_no": "X" * 33}, "employee_no", "too_long", None),
    ],
)
def test_bad_value_is_reported_with_row_column_and_reason(world, values, column, code, message):
    before = db_state()
    report = run_import(
        world.hr_admin, csv_bytes([new_row("XH20001"), new_row("XH20002", **values)])
    )
    assert report.error_rows == 1 and not report.committed
    (error,) = report.errors
    assert (error.row, error.column, error.code) == (3, column, code)
    if message:
        assert error.message == message
    assert db_state() == before


def test_duplicate_employee_number_in_the_file_is_reported_on_every_copy(world):
    before = db_state()
    rows = [new_row("XH20001"), new_row("XH20002"), new_row("XH20001", name="别人")]
    report = run_import(world.hr_admin, csv_bytes(rows), mode=VALID_ROWS)
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "duplicate_employee_no"),
        (4, "duplicate_employee_no"),
    ]
    assert report.errors[0].message == (
        "Employee number XH20001 appears more than once in the file (rows 2, 4)."
    )
    assert report.created == 1
    assert db_state()["employees"][:8] == before["employees"][:8]


def test_employee_number_of_a_former_employee_is_refused(world):
    Employee.objects.filter(pk=world.liuyang.pk).update(
        status=EmployeeStatus.LEFT, leave_date=date(2025, 12, 31)
    )
    before = db_state()
    report = run_import(world.hr_admin, csv_bytes([new_row(world.liuyang.employee_no)]))
    (error,) = report.errors
    assert error.code == "employee_left"
    assert error.message == (
        "Employee XH00006 left on 2025-12-31; former employees cannot be changed by import."
    )
    assert db_state() == before


def test_id_number_already_stored_for_someone_else_is_refused(world):
    number = valid_id_number()
    Employee.objects.filter(pk=world.chenjing.pk).update(
        id_number_index=crypto.blind_index(number), id_number_encrypted=crypto.encrypt(number)
    )
    rows = [new_row("XH20001", id_number=number), new_row("XH20002", id_number=number)]
    report = run_import(world.hr_admin, csv_bytes(rows))
    assert {(e.row, e.code) for e in report.errors} == {
        (2, "duplicate_id_number"),
        (3, "duplicate_id_number"),
    }
    messages = {e.message for e in report.errors}
    assert "This ID number already belongs to employee XH00004." in messages
    assert "The same ID number appears in rows 2, 3." in messages


def test_manager_cycle_between_new_rows_is_refused(world):
    before = db_state()
    rows = [new_row("XH20001", manager="XH20002"), new_row("XH20002", manager="XH20001")]
    report = run_import(world.hr_admin, csv_bytes(rows), mode=VALID_ROWS)
    assert [(e.row, e.code) for e in report.errors] == [(2, "manager_cycle"), (3, "manager_cycle")]
    assert "XH20001 → XH20002 → XH20001" in report.errors[0].message
    assert db_state() == before


def test_manager_cycle_through_stored_reporting_lines_is_refused(world):
    # 陈静 reports to 张伟; the file makes 陈静 张伟's manager.
    before = db_state()
    report = run_import(
        world.hr_admin, csv_bytes([existing_row(world.zhangwei, manager="XH00004")])
    )
    (error,) = report.errors
    assert error.code == "manager_cycle" and error.row == 2
    assert db_state() == before


def test_manager_who_has_left_is_refused(world):
    Employee.objects.filter(pk=world.zhangwei.pk).update(status=EmployeeStatus.LEFT)
    report = run_import(world.hr_admin, csv_bytes([new_row()]))
    assert codes(report) == {"manager_left"}


def test_new_placement_must_not_overlap_a_later_assignment(world):
    report = run_import(
        world.hr_admin,
        csv_bytes([existing_row(world.chenjing, department="S-E")]),
        effective_date=date(2021, 3, 1),
    )
    assert codes(report) == {"assignment_overlap"}


def test_hire_date_after_the_first_assignment_is_refused(world):
    report = run_import(
        world.hr_admin, csv_bytes([existing_row(world.chenjing, hire_date="2022-01-01")])
    )
    assert codes(report) == {"hire_after_assignment"}


def test_level_code_sets_the_level_and_an_empty_one_uses_the_positions(world):
    level = f.LevelFactory(code="S1", name="S1 代表")
    world.rep.level = level
    world.rep.save()
    senior = f.LevelFactory(code="S2", name="S2 资深代表")
    report = run_import(
        world.hr_admin,
        csv_bytes([new_row("XH20001"), new_row("XH20002", level="s2")]),
    )
    assert report.created == 2, report.errors
    assert Assignment.objects.get(employee__employee_no="XH20001").level == level
    assert Assignment.objects.get(employee__employee_no="XH20002").level == senior


def test_excel_dates_and_numbers_are_read_as_typed(world):
    rows = [
        new_row(
            "XH20001",
            hire_date=date(2026, 3, 2),
            phone=13800000001,
            base_salary=8000.5,
        ),
        new_row("XH20002", hire_date="46083"),  # an Excel serial number: 2026-03-02
    ]
    report = run_import(world.hr_admin, xlsx_bytes(rows), name="staff.xlsx")
    assert report.created == 2, report.errors
    employee = Employee.objects.get(employee_no="XH20001")
    assert employee.hire_date == date(2026, 3, 2) and employee.phone == "13800000001"
    assert employee.salary_changes.get().base_salary_fen == 800_050
    assert Employee.objects.get(employee_no="XH20002").hire_date == date(2026, 3, 2)


# Bad files: refused as a whole with a clear message, recorded as a run


def assert_refused(world, data, code, name="staff.csv", message=None):
    before = db_state()
    report = run_import(world.hr_admin, data, name=name)
    assert report.refused_code == code, report.refused
    if message:
        assert message in report.refused
    assert not report.committed and report.total_rows == 0
    assert db_state() == before
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.errors[0]["row"] == 0 and run.errors[0]["code"] == code
    return report


def test_missing_and_unknown_columns_refuse_the_file(world):
    columns = [k for k in KEYS if k not in ("name", "hire_date")]
    data = csv_bytes([new_row()], columns).replace("部门编码".encode(), "部门名称".encode())
    report = assert_refused(world, data, "bad_columns")
    assert (
        "Missing columns: 姓名 (name), 入职日期 (hire_date), 部门编码 (department)."
        in report.refused
    )
    assert "Unknown columns: “部门名称”." in report.refused


def test_a_column_given_twice_refuses_the_file(world):
    data = csv_bytes([new_row()], [*KEYS, "name"])
    assert_refused(world, data, "bad_columns", message="Columns given twice: “姓名”.")


def test_oversize_file_is_refused_without_being_read(world):
    class HugeUpload(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("the file must not be read")

        def chunks(self, *args, **kwargs):
            raise AssertionError("the file must not be read")

    upload = HugeUpload("staff.csv", b"x", content_type="text/csv")
    upload.size = 50 * 1024 * 1024
    report = assert_refused(world, upload, "too_large", message="20.0 MB")
    assert report.checksum == ""


def test_csv_saved_by_chinese_excel_in_gb18030_is_accepted(world):
    report = run_import(world.hr_admin, csv_bytes(team(world), encoding="gb18030"))
    assert report.created == 3, report.errors
    assert Employee.objects.get(employee_no="XH20002").name == "何磊"


def test_csv_in_another_encoding_is_refused(world):
    assert_refused(world, csv_bytes(team(world), encoding="utf-16"), "encoding")


def test_corrupt_xlsx_is_refused(world):
    data = xlsx_bytes(team(world))[:500]
    assert_refused(world, data, "corrupt_xlsx", name="staff.xlsx")
    assert_refused(world, csv_bytes(team(world)), "corrupt_xlsx", name="staff.xlsx")


def test_empty_file_and_header_only_file_are_refused(world):
    assert_refused(world, b"", "empty", message="The file is empty.")
    assert_refused(world, b"\n\n , ,\n", "empty")
    assert_refused(world, csv_bytes([]), "no_rows")


def test_unknown_file_types_are_refused(world):
    assert_refused(world, b"a,b", "bad_extension", name="staff.txt")
    assert_refused(world, b"a,b", "legacy_xls", name="staff.xls")


def test_more_than_20000_rows_are_refused(world):
    rows = [new_row(f"XH{n:06d}") for n in range(20_001)]
    assert_refused(world, csv_bytes(rows), "too_many_rows", message="20,000")


# Who may import what


def test_hrbp_imports_only_into_their_scope(world):
    rows = [
        new_row("XH20001", base_salary=""),  # 华东: in scope
        new_row("XH20002", department="S-S", base_salary=""),  # 华南: not
        existing_row(world.liuyang, name="刘洋洋", base_salary=""),  # 华南: not
    ]
    report = run_import(world.hrbp, csv_bytes(rows), mode=VALID_ROWS)
    assert report.created == 1
    assert [(e.row, e.code) for e in report.errors] == [(3, "out_of_scope")] + [
        (4, "out_of_scope")
    ] * 2
    assert report.errors[0].message == "The department “华南销售部” is outside your scope."
    assert report.errors[2].message == "This employee is outside your scope."
    assert Employee.objects.get(pk=world.liuyang.pk).name == "刘洋"


def test_hrbp_may_not_set_salaries(world):
    report = run_import(world.hrbp, csv_bytes([new_row()]))
    assert codes(report) == {"no_pay_rights"}
    assert not SalaryChange.objects.filter(employee__employee_no="XH20001").exists()


@pytest.mark.parametrize("role", ["employee", "sales_manager", "finance", "auditor"])
def test_other_roles_may_not_import(world, role):
    with pytest.raises(PermissionDeniedError):
        run_import(world.user(role), csv_bytes([new_row()]))
    assert not ImportRun.objects.exists()


def test_confirming_someone_elses_check_is_refused(world):
    data = csv_bytes(team(world))
    check = run_import(world.hr_admin, data, dry_run=True)
    run = ImportRun.objects.get(pk=check.run_id)
    with pytest.raises(PermissionDeniedError):
        run_import(world.hrbp, data, run=run)


def test_confirming_with_a_different_file_is_refused(world):
    check = run_import(world.hr_admin, csv_bytes(team(world)), dry_run=True)
    run = ImportRun.objects.get(pk=check.run_id)
    before = db_state()
    report = run_import(world.hr_admin, csv_bytes(team(world)[:1]), run=run)
    assert report.refused_code == "checksum_mismatch"
    assert db_state() == before


def test_confirming_a_check_updates_the_same_run(world):
    data = csv_bytes(team(world))
    check = run_import(world.hr_admin, data, dry_run=True)
    run = ImportRun.objects.get(pk=check.run_id)
    report = run_import(world.hr_admin, data, run=run)
    assert report.run_id == run.pk and report.created == 3
    run.refresh_from_db()
    assert run.committed and ImportRun.objects.count() == 1
    with pytest.raises(DomainError):
        run_import(world.hr_admin, data, run=run)


def test_the_example_file_imports_into_the_demo_companys_codes(world):
    f.DepartmentFactory(code="S-GOV", name="政企大客户部", entity=world.sh, parent=world.sales_east)
    f.LevelFactory(code="S1", name="S1 代表")
    example = EXAMPLES / "employees.xlsx"
    report = run_import(world.hr_admin, example.read_bytes(), name=example.name)
    assert report.created == 2, report.errors
    manager = Employee.objects.get(employee_no="XH90001")
    assert Assignment.objects.get(employee__employee_no="XH90002").manager == manager
