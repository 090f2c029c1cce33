"""CSV files: UTF-8 (with or without BOM) or GB18030, which Chinese Excel writes."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from meritline.org.importers.base import MAX_ROWS, ErrorCode, FileRefused, RowCollector, Table

ENCODINGS = ("utf-8-sig", "gb18030")
DELIMITERS = (",", "\t", ";")


def decode(raw: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise FileRefused(
        ErrorCode.ENCODING,
        _(
            "The CSV file is neither UTF-8 nor GB18030 text; "
            "save it again as “CSV UTF-8” or as an Excel workbook."
        ),
    )


def _delimiter(text: str) -> str:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read(raw: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """The rows of a CSV file; row numbers count records as a spreadsheet shows them."""
    text = decode(raw)
    collector = RowCollector(max_rows)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            collector.add(number, cells)
    except csv.Error as exc:
        raise FileRefused(
            ErrorCode.UNREADABLE_CSV, _("The CSV file cannot be read: %s") % exc
        ) from exc
    return collector.table()
