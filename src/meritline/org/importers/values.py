"""Reading one cell's text as a typed value; a ``CellError`` says what is wrong with it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from meritline.core.money import MoneyError, parse_yuan
from meritline.org.importers.base import ErrorCode

T = TypeVar("T")

EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_PHONE = re.compile(r"^\+?[\d\s()\-]{5,20}$")
GENDERS = {
    "男": "M",
    "m": "M",
    "male": "M",
    "女": "F",
    "f": "F",
    "female": "F",
}


class CellError(ValueError):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_date(text: str) -> date:
    """ "2026-03-01", "2026/3/1", "2026年3月1日", "20260301" or an Excel serial number."""
    value = text.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                break
    else:
        if _SERIAL.match(value):
            return EXCEL_EPOCH + timedelta(days=int(float(value)))
    raise CellError(
        ErrorCode.BAD_DATE,
        _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text},
    )


def parse_gender(text: str) -> str:
    """男/女/M/F (any case) → "M"/"F"; blank → "" (unspecified)."""
    value = text.strip()
    if not value:
        return ""
    gender = GENDERS.get(value.casefold())
    if gender is None:
        raise CellError(
            ErrorCode.BAD_GENDER,
            _("Gender must be 男, 女, M or F, not “%(value)s”.") % {"value": text},
        )
    return gender


EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!"}
_PLAIN_YUAN = re.compile(r"^(-?)(\d{1,15})(?:\.(\d{1,2}))?$")


def refuse_excel_error(text: str) -> None:
    """A cell showing an Excel error (#DIV/0! …) says so rather than "not a number"."""
    if text.strip().upper() in EXCEL_ERRORS:
        raise CellError(
            ErrorCode.BAD_MONEY,
            _("The cell shows the Excel error %(value)s; correct the formula in the sheet.")
            % {"value": text.strip()},
        )


def parse_amount(text: str) -> int:
    """Yuan ("1,200,000.50", "¥8000") as integer fen, sign kept; refuses more than two
    decimals. Plain numbers take a fast path (files of a million rows)."""
    plain = _PLAIN_YUAN.match(text)
    if plain:
        sign, whole, cents = plain.groups()
        fen = int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
        return -fen if sign else fen
    refuse_excel_error(text)
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        raise CellError(
            ErrorCode.BAD_MONEY,
            _("“%(value)s” is not an amount in yuan (for example 8000 or 8,000.50).")
            % {"value": text},
        ) from exc


def parse_salary(text: str) -> int:
    """Yuan as integer fen; refuses negative amounts and more than two decimals."""
    fen = parse_amount(text)
    if fen < 0:
        raise CellError(ErrorCode.NEGATIVE_SALARY, _("A salary cannot be negative."))
    return fen


def parse_email(text: str) -> str:
    value = text.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise CellError(
                ErrorCode.BAD_EMAIL,
                _("“%(value)s” is not a valid e-mail address.") % {"value": text},
            ) from exc
    return value


def parse_phone(text: str) -> str:
    value = text.strip()
    if value and not _PHONE.match(value):
        raise CellError(
            ErrorCode.BAD_PHONE,
            _("“%(value)s” is not a phone number (digits, spaces, + and -, at most 20).")
            % {"value": text},
        )
    return value


def check_length(text: str, label: str, limit: int) -> str:
    if len(text) > limit:
        raise CellError(
            ErrorCode.TOO_LONG,
            _("%(column)s is too long (at most %(max)d characters).")
            % {"column": label, "max": limit},
        )
    return text


class CodeMap(dict[str, T]):
    """Codes to values, matched exactly first and then ignoring case."""

    def __init__(self, items: dict[str, T]) -> None:
        super().__init__(items)
        self._folded: dict[str, T] = {}
        for key, value in items.items():
            self._folded.setdefault(key.casefold(), value)

    def find(self, code: str) -> T | None:
        if code in self:
            return self[code]
        return self._folded.get(code.casefold())
