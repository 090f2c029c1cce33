"""Export any list to CSV or XLSX (SPEC PLT-7)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = {"csv", "xlsx"}


def export_response(
    *, rows: Iterable[Sequence[Any]], headers: Sequence[str], filename: str, fmt: str
) -> HttpResponse:
    """An attachment with ``headers`` then ``rows``; ``fmt`` is "csv" (UTF-8 with BOM,
    opens in Excel) or "xlsx"."""
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([str(h) for h in headers])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    text = value if isinstance(value, int | float | str) else str(value)
    # Neutralise spreadsheet formulas (CSV injection).
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
