"""Excel workbooks (.xlsx): the first worksheet, read in streaming mode."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from meritline.org.importers.base import MAX_ROWS, ErrorCode, FileRefused, RowCollector, Table


def cell_text(value: Any) -> str:
    """A cell as the text a user typed: whole numbers without ".0", Excel dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _corrupt() -> FileRefused:
    return FileRefused(
        ErrorCode.CORRUPT_XLSX,
        _("The file is not a readable Excel workbook (.xlsx); open it in Excel and save it again."),
    )


def read(raw: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """The rows of the first worksheet; row numbers are the sheet's own."""
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean "unreadable"
        raise _corrupt() from exc
    collector = RowCollector(max_rows)
    try:
        if not workbook.worksheets:
            raise _corrupt()
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            collector.add(number, [cell_text(v) for v in values])
    except FileRefused:
        raise
    except Exception as exc:
        raise _corrupt() from exc
    finally:
        workbook.close()
    return collector.table()
