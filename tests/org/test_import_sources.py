"""The import adapters and the column spec, as plain functions (no database)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from meritline.org import importers
from meritline.org.importers import csv_source, xlsx_source
from meritline.org.importers.base import FileRefused, read_upload
from meritline.org.importers.employees import COLUMNS, resolve_header, template_rows
from meritline.org.importers.values import (
    CellError,
    CodeMap,
    parse_date,
    parse_gender,
    parse_salary,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_csv_rows_keep_spreadsheet_numbers_and_skip_blank_lines():
    raw = '工号,姓名\r\nA1,张三\r\n,\r\n\r\n"A2","李\n四"\r\nA3,王五\r\n'.encode()
    table = csv_source.read(raw)
    assert table.header == ("工号", "姓名")
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ("A1", "张三")),
        (5, ("A2", "李\n四")),
        (6, ("A3", "王五")),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gb18030(encoding):
    table = csv_source.read("工号;姓名\nA1;张三\n".encode(encoding))
    assert table.header == ("工号", "姓名") and table.rows[0].cells == ("A1", "张三")


def test_csv_in_utf16_is_refused():
    with pytest.raises(FileRefused) as caught:
        csv_source.read("工号,姓名\nA1,张三\n".encode("utf-16"))
    assert caught.value.code == "encoding"


def test_xlsx_cells_become_the_text_a_user_typed():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "入职日期", "基本工资", "手机号"])
    sheet.append([1001, datetime(2026, 3, 2), 8000.5, 13800000001])
    sheet.append([None, None, None, None])
    sheet.append(["A2", date(2026, 3, 3), 8000.0, "138 0000 0002"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = xlsx_source.read(buffer.getvalue())
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ("1001", "2026-03-02", "8000.5", "13800000001")),
        (4, ("A2", "2026-03-03", "8000", "138 0000 0002")),
    ]


def test_row_limit_is_checked_while_reading():
    raw = ("a\n" + "x\n" * 11).encode()
    with pytest.raises(FileRefused) as caught:
        csv_source.read(raw, max_rows=10)
    assert caught.value.code == "too_many_rows"
    assert len(csv_source.read(raw, max_rows=11).rows) == 11


def test_upload_over_the_limit_is_refused_before_reading():
    class Unreadable(io.BytesIO):
        size = 101

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(FileRefused) as caught:
        read_upload(Unreadable(), limit=100)
    assert caught.value.code == "too_large"
    with pytest.raises(FileRefused):
        read_upload(io.BufferedReader(io.BytesIO(b"x" * 101)), limit=100)
    assert read_upload(b"x" * 100, limit=100) == b"x" * 100


@pytest.mark.parametrize(
    ("name", "code"),
    [("a.CSV", None), ("a.xlsx", None), ("a.xls", "legacy_xls"), ("a", "bad_extension")],
)
def test_file_types(name, code):
    if code is None:
        assert importers.extension(name) in (".csv", ".xlsx")
    else:
        with pytest.raises(FileRefused) as caught:
            importers.extension(name)
        assert caught.value.code == code


def test_headers_match_in_chinese_english_and_with_decorations():
    header = [c.header_zh for c in COLUMNS]
    header[0] = "Employee No."
    header[1] = " 姓名* "
    header[-1] = "基本工资（元）"
    columns = resolve_header(header)
    assert columns["employee_no"] == 0 and columns["name"] == 1
    assert columns["base_salary"] == len(COLUMNS) - 1


def test_wrong_headers_list_what_is_missing_and_unknown():
    with pytest.raises(FileRefused) as caught:
        resolve_header(["工号", "姓名", "", "备注"])
    message = caught.value.message
    assert "Missing columns: 性别 (gender), 邮箱 (email)," in message
    assert "Unknown columns: column 3 without a name, “备注”." in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", date(2026, 3, 2)),
        ("2026/3/2", date(2026, 3, 2)),
        ("2026.03.02", date(2026, 3, 2)),
        ("2026年3月2日", date(2026, 3, 2)),
        ("20260302", date(2026, 3, 2)),
        ("2026-03-02 00:00:00", date(2026, 3, 2)),
        ("46083", date(2026, 3, 2)),
    ],
)
def test_dates_in_the_forms_spreadsheets_write(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "02/03/2026", "next monday", "2026-03-02 09:30"])
def test_not_dates(text):
    with pytest.raises(CellError):
        parse_date(text)


def test_gender_and_salary_values():
    assert [parse_gender(v) for v in ("男", "女", "m", "F", "")] == ["M", "F", "M", "F", ""]
    assert parse_salary("¥8,000.50") == 800_050
    with pytest.raises(CellError):
        parse_salary("8000.505")


def test_codes_match_exactly_first_then_ignoring_case():
    codes = CodeMap({"S-E": 1, "s-e": 2, "REP": 3})
    assert (codes.find("S-E"), codes.find("s-e"), codes.find("rep"), codes.find("x")) == (
        1,
        2,
        3,
        None,
    )


def test_example_files_are_the_downloadable_template():
    header, rows = template_rows(language_is_chinese=True)
    text = (EXAMPLES / "employees.csv").read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [header, *rows]
    sheet = load_workbook(EXAMPLES / "employees.xlsx", read_only=True).worksheets[0]
    cells = [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]
    assert cells == [header, *rows]
    assert resolve_header(header) == {c.key: i for i, c in enumerate(COLUMNS)}
    english, _rows = template_rows(language_is_chinese=False)
    assert resolve_header(english) == {c.key: i for i, c in enumerate(COLUMNS)}
