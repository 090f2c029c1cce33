"""What every import adapter produces: a table of strings with the row numbers users see."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, BinaryIO, NamedTuple

from django.utils.translation import gettext as _

MAX_ROWS = 20_000


class ErrorCode(StrEnum):
    """Stable codes of import problems (file-level first, then row-level)."""

    TOO_LARGE = "too_large"
    BAD_EXTENSION = "bad_extension"
    LEGACY_XLS = "legacy_xls"
    EMPTY = "empty"
    NO_ROWS = "no_rows"
    CORRUPT_XLSX = "corrupt_xlsx"
    ENCODING = "encoding"
    UNREADABLE_CSV = "unreadable_csv"
    TOO_MANY_ROWS = "too_many_rows"
    BAD_COLUMNS = "bad_columns"
    CHECKSUM_MISMATCH = "checksum_mismatch"

    REQUIRED = "required"
    TOO_LONG = "too_long"
    BAD_GENDER = "bad_gender"
    BAD_DATE = "bad_date"
    BAD_MONEY = "bad_money"
    NEGATIVE_SALARY = "negative_salary"
    BAD_EMAIL = "bad_email"
    BAD_PHONE = "bad_phone"
    UNKNOWN_ENTITY = "unknown_entity"
    UNKNOWN_DEPARTMENT = "unknown_department"
    UNKNOWN_POSITION = "unknown_position"
    UNKNOWN_LEVEL = "unknown_level"
    UNKNOWN_PLATFORM = "unknown_platform"
    UNKNOWN_MANAGER = "unknown_manager"
    MANAGER_LEFT = "manager_left"
    MANAGER_SELF = "manager_self"
    MANAGER_CYCLE = "manager_cycle"
    MANAGER_ROW_FAILED = "manager_row_failed"
    DUPLICATE_EMPLOYEE_NO = "duplicate_employee_no"
    DUPLICATE_ID_NUMBER = "duplicate_id_number"
    BAD_ID_NUMBER = "bad_id_number"
    EMPLOYEE_LEFT = "employee_left"
    OUT_OF_SCOPE = "out_of_scope"
    NO_PAY_RIGHTS = "no_pay_rights"
    HIRE_AFTER_ASSIGNMENT = "hire_after_assignment"
    BEFORE_HIRE = "before_hire"
    ASSIGNMENT_OVERLAP = "assignment_overlap"
    SALARY_DUPLICATE = "salary_duplicate"


@dataclass(frozen=True)
class RowError:
    """One problem of one row: ``row`` as the user sees it, ``key`` the row's identifier."""

    row: int
    code: str
    message: str
    column: str = ""
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "key": self.key,
            "code": self.code,
            "message": self.message,
        }


class FileRefused(Exception):
    """The whole file is refused before any row is looked at."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SourceRow(NamedTuple):
    """One non-blank data row; ``number`` is the row number in the spreadsheet (header = 1).
    A named tuple: a file may hold a million of them."""

    number: int
    cells: tuple[str, ...]

    def get(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass(frozen=True)
class Table:
    """``formulas``: cells (row number, column index) holding a formula with no saved
    result, which read as blank."""

    header: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    formulas: Mapping[tuple[int, int], str] = field(default_factory=dict)


class RowCollector:
    """Collects header and rows, skipping blank rows and stopping past ``max_rows``."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.header: tuple[str, ...] | None = None
        self.rows: list[SourceRow] = []

    def add(self, number: int, cells: list[str]) -> None:
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            return
        if self.header is None:
            self.header = tuple(cells)
            return
        if len(self.rows) >= self.max_rows:
            raise FileRefused(
                ErrorCode.TOO_MANY_ROWS,
                _("The file has more than %(max)s data rows; split it into smaller files.")
                % {"max": f"{self.max_rows:,}"},
            )
        self.rows.append(SourceRow(number, tuple(cells)))

    def table(self) -> Table:
        if self.header is None:
            raise FileRefused(ErrorCode.EMPTY, _("The file is empty."))
        if not self.rows:
            raise FileRefused(ErrorCode.NO_ROWS, _("The file has a header row but no data rows."))
        return Table(self.header, tuple(self.rows))


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def upload_size(data: Any) -> int | None:
    """The size of an upload without reading it (bytes, Django files, real files)."""
    if isinstance(data, bytes | bytearray):
        return len(data)
    size = getattr(data, "size", None)
    if isinstance(size, int):
        return size
    fileno = getattr(data, "fileno", None)
    if fileno is not None:
        try:
            return os.fstat(fileno()).st_size
        except (OSError, ValueError):
            return None
    return None


def read_upload(data: bytes | BinaryIO | Any, *, limit: int) -> bytes:
    """The bytes of an upload, refusing it unread when it is over ``limit`` bytes."""
    too_large = FileRefused(
        ErrorCode.TOO_LARGE,
        _("The file is larger than the limit of %(limit)s; split it into smaller files.")
        % {"limit": human_size(limit)},
    )
    size = upload_size(data)
    if size is not None and size > limit:
        raise too_large
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
    elif hasattr(data, "chunks"):
        if hasattr(data, "seek"):
            data.seek(0)
        raw = b"".join(data.chunks())
    else:
        raw = data.read(limit + 1)
    if len(raw) > limit:
        raise too_large
    if not raw.strip():
        raise FileRefused(ErrorCode.EMPTY, _("The file is empty."))
    return raw


def checksum(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
