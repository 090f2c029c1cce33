"""The columns of the employee import: labels, header matching and the template (SPEC PLT-7)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meritline.org.importers.base import ErrorCode, FileRefused


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    header_zh: str
    aliases: tuple[str, ...]
    hint: Promise
    required: bool = True  # the column must be in the header
    value_required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "employee_no",
        gettext_lazy("Employee number"),
        "工号",
        ("员工编号", "员工工号", "employee number", "employee no"),
        gettext_lazy("Matches existing employees; at most 32 characters."),
        value_required=True,
    ),
    Column("name", gettext_lazy("Name"), "姓名", ("名字",), gettext_lazy("Full name."), True, True),
    Column("gender", gettext_lazy("Gender"), "性别", (), gettext_lazy("男, 女, M or F.")),
    Column(
        "email",
        gettext_lazy("E-mail"),
        "邮箱",
        ("电子邮箱", "电子邮件", "e-mail", "mail"),
        gettext_lazy("May be empty."),
    ),
    Column(
        "phone",
        gettext_lazy("Mobile phone"),
        "手机号",
        ("手机", "手机号码", "电话", "mobile"),
        gettext_lazy("May be empty."),
    ),
    Column(
        "entity",
        gettext_lazy("Legal entity"),
        "法人实体",
        ("所属公司", "公司", "用工主体", "legal entity", "employer"),
        gettext_lazy("Code or full name of the employing entity."),
        value_required=True,
    ),
    Column(
        "hire_date",
        gettext_lazy("Hire date"),
        "入职日期",
        ("hire date",),
        gettext_lazy("YYYY-MM-DD, or an Excel date."),
        value_required=True,
    ),
    Column(
        "department",
        gettext_lazy("Department code"),
        "部门编码",
        ("部门", "部门代码", "department code"),
        gettext_lazy("Code of an existing department."),
        value_required=True,
    ),
    Column(
        "position",
        gettext_lazy("Position code"),
        "岗位编码",
        ("岗位", "岗位代码", "职位", "position code"),
        gettext_lazy("Code of an existing position."),
        value_required=True,
    ),
    Column(
        "level",
        gettext_lazy("Level code"),
        "职级编码",
        ("职级", "level code"),
        gettext_lazy("Optional; empty means the position's level."),
        required=False,
    ),
    Column(
        "manager",
        gettext_lazy("Manager's employee number"),
        "上级工号",
        ("上级", "直属上级", "汇报对象", "manager no", "manager employee no"),
        gettext_lazy("Optional; may be an employee further down in the same file."),
        required=False,
    ),
    Column(
        "platform",
        gettext_lazy("Platform code"),
        "平台编码",
        ("平台", "销售平台", "platform code"),
        gettext_lazy("Optional; the sales platform."),
        required=False,
    ),
    Column(
        "id_number",
        gettext_lazy("ID number"),
        "身份证号",
        ("身份证号码", "证件号码", "id number", "id no"),
        gettext_lazy("Optional; 18 characters. Empty keeps the stored number."),
        required=False,
    ),
    Column(
        "base_salary",
        gettext_lazy("Monthly base salary (yuan)"),
        "基本工资",
        ("月基本工资", "基本月薪", "base salary", "salary"),
        gettext_lazy("Optional; pay roles only. Empty keeps the salary."),
        required=False,
    ),
)
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
MAX_LENGTHS = {"employee_no": 32, "name": 100, "email": 254}


def column_label(key: str) -> str:
    column = BY_KEY.get(key)
    return str(column.label) if column else ""


def _normalise_header(text: str) -> str:
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    return re.sub(r"[\s_\-.*:：]", "", text).casefold()


_HEADER_KEYS: dict[str, str] = {
    _normalise_header(name): column.key
    for column in COLUMNS
    for name in (column.key, column.header_zh, *column.aliases)
}


def _display(column: Column) -> str:
    return f"{column.header_zh} ({column.key})"


def resolve_header(header: Sequence[str]) -> dict[str, int]:
    """Column key → index. Refuses the file when columns are missing, unknown or repeated."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, text in enumerate(header):
        key = _HEADER_KEYS.get(_normalise_header(text))
        if key is None:
            unknown.append(f"“{text}”" if text else _("column %d without a name") % (index + 1))
        elif key in found:
            repeated.append(f"“{text}”")
        else:
            found[key] = index
    missing = [_display(c) for c in COLUMNS if c.required and c.key not in found]
    if missing or unknown or repeated:
        parts = [_("The columns do not match the import template.")]
        if missing:
            parts.append(_("Missing columns: %s.") % ", ".join(missing))
        if unknown:
            parts.append(_("Unknown columns: %s.") % ", ".join(unknown))
        if repeated:
            parts.append(_("Columns given twice: %s.") % ", ".join(repeated))
        raise FileRefused(ErrorCode.BAD_COLUMNS, " ".join(parts))
    return found


SAMPLE_ROWS = (
    "XH90001,林晓,女,linxiao@example.com,13800000001,SH,2026-12-01,S-GOV,MGR,,,GOV,,16000",
    "XH90002,何磊,男,helei@example.com,13800000002,SH,2026-12-01,S-GOV,REP,S1,XH90001,GOV,,8000.50",
)


def template_rows(language_is_chinese: bool = True) -> tuple[list[str], list[list[str]]]:
    """The header and sample rows of the downloadable template."""
    header = [c.header_zh if language_is_chinese else c.key for c in COLUMNS]
    rows = [line.split(",") for line in SAMPLE_ROWS]
    return header, rows
