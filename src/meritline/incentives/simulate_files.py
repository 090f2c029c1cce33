"""The files of ``meritline incentives simulate``: their columns and how their cells are read.

Deals and leads use the sales importers' columns (``sales.importers.records``) with the
same header aliases and cell parsers, plus the few facts an import derives from the
database and a file has to state (collected and refunded amounts, customer kind, the
lead's source). The people file is particular to the simulation. No database access.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meritline.org.importers import FileRefused, read_table
from meritline.org.importers.base import ErrorCode as FileErrorCode
from meritline.org.importers.employee_columns import COLUMNS as EMPLOYEE_COLUMNS
from meritline.sales.importers.columns import (
    CellError,
    Column,
    parse_bool,
    parse_day,
    parse_money,
    resolve,
)
from meritline.sales.importers.records import CUSTOMERS, DEALS, LEADS

MAX_ROWS = 1_000_000
_RATE = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(%?)$")


def parse_rate(text: str) -> Decimal:
    """ "1.5%", "0.015", "-0.5%" → Decimal("0.015") …; at most six decimal places."""
    match = _RATE.match(text.strip().replace("％", "%").replace("−", "-"))
    try:
        if match is None:
            raise InvalidOperation
        number, percent = match.groups()
        rate = Decimal(number) / 100 if percent else Decimal(number)
        if rate.as_tuple().exponent < -6 or abs(rate) > 1:  # type: ignore[operator]
            raise InvalidOperation
    except InvalidOperation as exc:
        raise CellError(
            FileErrorCode.BAD_MONEY,
            _("“%(value)s” is not a rate; write it as 1.5%% or 0.015.") % {"value": text},
        ) from exc
    return rate.normalize() if rate else Decimal(0)


def _employee_column(key: str, required: bool) -> Column:
    spec = next(c for c in EMPLOYEE_COLUMNS if c.key == key)
    return Column(key, spec.label, (spec.header_zh, *spec.aliases), required=required)


_CUSTOMER_KIND = replace(
    CUSTOMERS.column("kind"),  # type: ignore[arg-type]
    field="customer_kind",
    aliases=("客户类型", "客户类别", "customer kind"),
)

DEAL_COLUMNS: tuple[Column, ...] = (
    *DEALS.columns,
    Column(
        "collected",
        gettext_lazy("Collected (yuan)"),
        ("已回款", "已回款金额", "回款金额", "collected"),
        parse=parse_money,
    ),
    Column(
        "refunded",
        gettext_lazy("Refunded (yuan)"),
        ("已退款", "已退款金额", "退款金额", "refunded"),
        parse=parse_money,
    ),
    _CUSTOMER_KIND,
    replace(
        LEADS.column("source_kind"),  # type: ignore[arg-type]
        field="lead_source_kind",
        aliases=("线索来源", "来源", "lead source"),
        required=False,
    ),
    replace(
        LEADS.column("source_employee"),  # type: ignore[arg-type]
        field="lead_source",
        aliases=("来源人工号", "市场人员工号", "lead source no"),
    ),
    Column(
        "is_repurchase",
        gettext_lazy("Repurchase"),
        ("复购", "是否复购", "repurchase"),
        parse=parse_bool,
    ),
    Column(
        "is_new_customer",
        gettext_lazy("New customer"),
        ("新客户", "是否新客户", "new customer"),
        parse=parse_bool,
    ),
)

LEAD_COLUMNS: tuple[Column, ...] = (
    *LEADS.columns,
    _CUSTOMER_KIND,
    Column(
        "qualified", gettext_lazy("Qualified"), ("是否合格", "合格", "qualified"), parse=parse_bool
    ),
    Column(
        "qualified_on",
        gettext_lazy("Qualified on"),
        ("合格日期", "认定合格日期", "qualified on"),
        parse=parse_day,
    ),
)

PEOPLE_COLUMNS: tuple[Column, ...] = (
    _employee_column("employee_no", required=True),
    _employee_column("name", required=False),
    Column(
        "level_rate",
        gettext_lazy("Level commission rate"),
        ("职级提成率", "提成率", "level rate"),
        parse=parse_rate,
    ),
    Column(
        "rate_adjustment",
        gettext_lazy("Rate adjustment"),
        ("提成率调整", "提成调整", "rate adjustment"),
        parse=parse_rate,
    ),
    Column(
        "team_lead",
        gettext_lazy("Team lead's employee number"),
        ("团队负责人工号", "团队负责人", "组长工号", "上级工号", "team lead"),
    ),
)


@dataclass(frozen=True)
class Row:
    """One data row: its number as the sheet shows it, and its parsed cells by field."""

    number: int
    values: dict[str, Any]


@dataclass
class Sheet:
    """A read file: its rows, the header text of each field found, and its problems."""

    name: str
    rows: list[Row]
    headers: dict[str, str]
    problems: list[str]

    def problem(self, row: int, message: str) -> None:
        self.problems.append(
            _("%(file)s row %(row)d: %(message)s")
            % {"file": self.name, "row": row, "message": message}
        )

    def cell_problem(self, row: int, field: str, message: str) -> None:
        self.problems.append(
            _("%(file)s row %(row)d [%(column)s]: %(message)s")
            % {"file": self.name, "row": row, "column": self.headers[field], "message": message}
        )


def read_sheet(path: Path, columns: Sequence[Column]) -> Sheet:
    """Read ``path`` (.csv in UTF-8 or GB18030, or .xlsx), match its header to ``columns``
    and parse every cell; bad cells become ``problems`` (row, column, reason)."""
    try:
        table = read_table(path.name, path.read_bytes(), max_rows=MAX_ROWS)
        found = resolve(columns, table.header)
    except FileRefused as exc:
        return Sheet(path.name, [], {}, [f"{path.name}: {exc.message}"])
    except OSError as exc:
        message = _("cannot be read (%(reason)s).") % {"reason": exc.strerror or exc}
        return Sheet(path.name, [], {}, [f"{path.name}: {message}"])
    plan = [(c, found.indexes[c.field]) for c in columns if c.field in found.indexes]
    sheet = Sheet(path.name, [], {c.field: table.header[i] for c, i in plan}, [])
    for source in table.rows:
        values: dict[str, Any] = {}
        for column, index in plan:
            cell = source.get(index)
            if not cell:
                if (source.number, index) in table.formulas:
                    sheet.cell_problem(
                        source.number, column.field, _("The formula has no saved result.")
                    )
                elif column.required:
                    sheet.cell_problem(
                        source.number,
                        column.field,
                        _("%(column)s is required.") % {"column": sheet.headers[column.field]},
                    )
                continue
            try:
                values[column.field] = column.parse(cell)
            except CellError as exc:
                sheet.cell_problem(source.number, column.field, exc.message)
        sheet.rows.append(Row(source.number, values))
    return sheet
