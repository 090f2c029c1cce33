"""Excel workbooks (.xlsx): the first worksheet, read in streaming mode."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
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


def _sheet_rows(raw: bytes, *, data_only: bool) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean "unreadable"
        raise _corrupt() from exc
    try:
        if not workbook.worksheets:
            raise _corrupt()
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except FileRefused:
        raise
    except Exception as exc:
        raise _corrupt() from exc
    finally:
        workbook.close()


def read(raw: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """The rows of the first worksheet; row numbers are the sheet's own. A formula cell
    reads as the result Excel saved with it; one saved without a result (a file written
    by a program and never opened in Excel) reads as blank and is listed in
    ``Table.formulas``, so that an import can say so instead of seeing an empty cell."""
    rows: list[tuple[int, list[Any]]] = []
    formulas: dict[tuple[int, int], str] = {}
    for number, values in _sheet_rows(raw, data_only=False):
        cells = list(values)
        for index, value in enumerate(cells):
            if isinstance(value, str) and value.startswith("="):
                formulas[(number, index)] = value
        rows.append((number, cells))
    if formulas:
        results = {
            (number, index): values[index]
            for number, values in _sheet_rows(raw, data_only=True)
            for index in range(len(values))
            if (number, index) in formulas
        }
        by_number = dict(rows)
        for number, index in list(formulas):
            result = results.get((number, index))
            by_number[number][index] = result
            if result is not None:  # a saved result, or text that starts with "="
                del formulas[(number, index)]
    collector = RowCollector(max_rows)
    for number, cells in rows:
        collector.add(number, [cell_text(v) for v in cells])
    return replace(collector.table(), formulas=formulas)
