"""Chinese resident ID numbers (GB 11643): normalisation and checksum."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from meritline.core.errors import DomainError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalise(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate(value: str) -> None:
    """Raise a DomainError unless ``value`` is an 18-character ID with a valid birth date
    and check digit."""
    if not _PATTERN.match(value):
        raise DomainError(
            "id_number_format",
            _("An ID number has 17 digits followed by a digit or X."),
            field="id_number",
        )
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise DomainError(
            "id_number_birth",
            _("The birth date inside the ID number is not a real date."),
            field="id_number",
        ) from exc
    if check_digit(value[:17]) != value[17]:
        raise DomainError(
            "id_number_check", _("The ID number's check digit is wrong."), field="id_number"
        )
