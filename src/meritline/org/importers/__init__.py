"""Import adapters (one module per file format) and the employee column spec (SPEC PLT-7).

``read_table(file_name, raw)`` turns an uploaded file into a ``Table`` of strings with
the row numbers the user sees; ``employees`` validates those rows against plain data.
No module here queries the database.
"""

from __future__ import annotations

from pathlib import PurePath

from django.utils.translation import gettext as _

from meritline.org.importers import csv_source, xlsx_source
from meritline.org.importers.base import (
    MAX_ROWS,
    ErrorCode,
    FileRefused,
    SourceRow,
    Table,
    checksum,
    read_upload,
)

READERS = {".csv": csv_source.read, ".xlsx": xlsx_source.read}

__all__ = [
    "MAX_ROWS",
    "ErrorCode",
    "FileRefused",
    "SourceRow",
    "Table",
    "checksum",
    "extension",
    "read_table",
    "read_upload",
]


def extension(file_name: str) -> str:
    """ ".csv" or ".xlsx"; refuses other file types with a message saying what to do."""
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix in READERS:
        return suffix
    if suffix in (".xls", ".et", ".numbers", ".ods"):
        raise FileRefused(
            ErrorCode.LEGACY_XLS,
            _("“%s” files cannot be read; save the sheet as .xlsx or as CSV UTF-8.") % suffix,
        )
    raise FileRefused(ErrorCode.BAD_EXTENSION, _("Only .csv and .xlsx files can be imported."))


def read_table(file_name: str, raw: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    return READERS[extension(file_name)](raw, max_rows=max_rows)
