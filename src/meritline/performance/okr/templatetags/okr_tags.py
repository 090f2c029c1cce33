"""How OKR values and scores read on a page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from meritline.core.money import format_fen, to_yuan
from meritline.performance.okr import scoring
from meritline.performance.okr.models import Measure

register = template.Library()


def _plain(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text if text != "-0" else "0"


@register.simple_tag
def kr_value(measure: str, value: Any) -> str:
    """A KR value in words: ¥ for money (stored in fen), % for percentages."""
    if value is None:
        return ""
    number = Decimal(value)
    if measure == Measure.CURRENCY:
        return format_fen(int(number))
    if measure == Measure.PERCENT:
        return f"{_plain(number)} %"
    if measure == Measure.MILESTONE:
        return _("Done") if number >= 1 else _("Not done")
    return _plain(number)


@register.simple_tag
def input_value(measure: str, value: Any) -> str:
    """A KR value as the check-in form expects it (money in yuan)."""
    number = Decimal(value)
    if measure == Measure.CURRENCY:
        return format(to_yuan(int(number)), "f")
    return _plain(number)


@register.filter
def score(value: Any) -> str:
    """A 0–1 score to two places: 0.7 → "0.70"."""
    if value is None:
        return "–"
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


@register.filter
def percent_width(value: Any) -> int:
    """A 0–1 score as a progress-bar width (0–100)."""
    return int((Decimal(value or 0) * 100).quantize(Decimal(1)))


@register.filter
def band(value: Any) -> str:
    """The colour of a score: green on track (≥ 0.7), yellow progressing, red behind."""
    return {
        scoring.Band.ON_TRACK: "success",
        scoring.Band.PROGRESSING: "warning",
        scoring.Band.BEHIND: "danger",
    }[scoring.band(Decimal(value or 0))]
