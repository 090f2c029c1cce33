"""How a file's columns become the fields of a sales record: each kind of record lists
its ``Column``s (field, label, the header texts recognised without a mapping, and the
parser of one cell), and ``resolve`` matches a file's header row to them — through the
mapping the user saved for the platform first, then by the usual header texts."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from meritline.org.importers.base import ErrorCode as FileErrorCode
from meritline.org.importers.base import FileRefused
from meritline.org.importers.values import CellError, parse_amount, parse_date, refuse_excel_error
from meritline.sales.errors import ErrorCode as SalesErrorCode

__all__ = [
    "CellError",
    "Column",
    "ColumnMap",
    "RowRefused",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_day",
    "parse_list",
    "parse_money",
    "parse_splits",
    "resolve",
]

_TIME = re.compile(r"^(.+?)[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_LIST_SEPARATORS = re.compile(r"[;；,，、|]")
_TRUE = {"1", "y", "yes", "true", "是", "对", "取消", "√"}
_FALSE = {"0", "n", "no", "false", "否", "不", ""}


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
parse_money = parse_amount


def parse_day(text: str) -> date:
    """A date as ``parse_date`` reads it, ISO dates on a fast path."""
    if _ISO_DAY.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return parse_date(text)


def parse_datetime(text: str) -> datetime:
    """A date with an optional time ("2026-03-01 14:30"), in the company's time zone."""
    refuse_excel_error(text)
    value = text.strip()
    moment = time(0, 0)
    match = _TIME.match(value)
    if match:
        value, hours, minutes, seconds = match.groups()
        try:
            moment = time(int(hours), int(minutes), int(seconds or 0))
        except ValueError as exc:
            raise CellError(
                FileErrorCode.BAD_DATE,
                _("“%(value)s” is not a date and time; write it as YYYY-MM-DD HH:MM.")
                % {"value": text},
            ) from exc
    return timezone.make_aware(datetime.combine(parse_date(value), moment))


def parse_bool(text: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(
        SalesErrorCode.BAD_CHOICE,  # type: ignore[arg-type]
        _("Write 是 or 否 (yes or no), not “%(value)s”.") % {"value": text},
    )


def parse_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip())


def parse_splits(text: str) -> tuple[tuple[str, Decimal], ...]:
    """ "E001:60%;E002:40%" or "E001:0.6；E002:0.4" → ((employee number, share), …)."""
    splits = []
    for part in re.split(r"[;；]", text):
        if not part.strip():
            continue
        number, sep, share_text = part.replace("：", ":").partition(":")
        share_text = share_text.strip()
        try:
            if not sep or not number.strip():
                raise InvalidOperation
            if share_text.endswith("%"):
                share = Decimal(share_text[:-1].strip()) / 100
            else:
                share = Decimal(share_text)
        except InvalidOperation as exc:
            raise CellError(
                SalesErrorCode.BAD_SHARE,  # type: ignore[arg-type]
                _(
                    "“%(value)s” is not a list of shares; write employee number and share "
                    "pairs such as E001:60%%;E002:40%%."
                )
                % {"value": text},
            ) from exc
        splits.append((number.strip(), share))
    return tuple(splits)


class RowRefused(Exception):
    """A row whose cells parse but cannot make a record (``field`` names the column)."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def text(value: str) -> str:
    return value


@dataclass(frozen=True)
class Column:
    """One field of a record kind. ``issue_fields`` are the field names the service uses
    for this input in its row issues (so a refusal points at the file's column)."""

    field: str
    label: str | Promise
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[str], Any] = text
    issue_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnMap:
    """Where each field is in the file: field → column index, and the header texts."""

    indexes: dict[str, int]
    header: tuple[str, ...]

    def header_of(self, field: str) -> str:
        index = self.indexes.get(field)
        return self.header[index] if index is not None else ""

    def as_mapping(self) -> dict[str, str]:
        return {field: self.header[i] for field, i in self.indexes.items()}


def fold(header_text: str) -> str:
    return re.sub(r"[\s_\-（）()*]+", "", header_text).casefold()


def suggest(columns: Sequence[Column], header: Sequence[str]) -> dict[str, str]:
    """The header text that each field would be read from without a saved mapping."""
    folded = {fold(h): h for h in reversed(header) if h}
    found: dict[str, str] = {}
    for column in columns:
        for alias in (column.field, *column.aliases):
            if fold(alias) in folded:
                found[column.field] = folded[fold(alias)]
                break
    return found


def resolve(
    columns: Sequence[Column],
    header: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    *,
    optional_defaults: Sequence[str] = (),
) -> ColumnMap:
    """Match ``header`` to ``columns``: a field named in ``mapping`` is read from that
    header text (an empty value means "not in this file"), other fields by their usual
    header texts. Refuses the file, naming every required field it cannot find
    (``optional_defaults`` are required fields the import fills in when absent)."""
    mapping = dict(mapping or {})
    chosen = suggest(columns, header)
    for field, header_text in mapping.items():
        if header_text:
            chosen[field] = header_text
        else:
            chosen.pop(field, None)
    position = {h: i for i, h in reversed(list(enumerate(header)))}
    indexes: dict[str, int] = {}
    missing_headers = []
    for column in columns:
        header_text = chosen.get(column.field)
        if header_text is None:
            continue
        if header_text not in position:
            missing_headers.append(header_text)
            continue
        indexes[column.field] = position[header_text]
    if missing_headers:
        raise FileRefused(
            FileErrorCode.BAD_COLUMNS,
            _("The saved mapping names columns this file does not have: %(columns)s.")
            % {"columns": "、".join(missing_headers)},
        )
    missing = [
        str(c.label)
        for c in columns
        if c.required and c.field not in indexes and c.field not in optional_defaults
    ]
    if missing:
        raise FileRefused(
            FileErrorCode.BAD_COLUMNS,
            _("The file has no column for %(fields)s; map them to columns of the file.")
            % {"fields": "、".join(missing)},
        )
    return ColumnMap(indexes, tuple(header))
