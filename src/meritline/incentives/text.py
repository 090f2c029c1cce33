"""Result lines in words, in the user's language: the engine's explanations, and those of
the adjustment lines the services add (late changes, disputes)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from meritline.core.money import format_fen
from meritline.incentives.engine import Explanation, render
from meritline.incentives.engine.explain import TEMPLATES

LATE_CHANGE = "late_change"
DISPUTE = "dispute"


def engine_language(language: str | None = None) -> str:
    code = (language or translation.get_language() or "zh-hans").lower()
    return "en" if code.startswith("en") else "zh-Hans"


def explanation_text(code: str, params: dict[str, Any], language: str | None = None) -> str:
    """The sentence for a stored explanation code and its params."""
    if code in TEMPLATES:
        return render(Explanation(code, params), engine_language(language))
    with translation.override(language or translation.get_language()):
        if code == LATE_CHANGE:
            return _(
                "Deal %(deal)s changed after %(period)s was closed: it now earns %(due)s, "
                "%(paid)s was paid → %(amount)s"
            ) % {
                "deal": params.get("deal", ""),
                "period": params.get("period", ""),
                "due": format_fen(params.get("due_fen", 0)),
                "paid": format_fen(params.get("paid_fen", 0)),
                "amount": format_fen(params.get("amount_fen", 0)),
            }
        if code == DISPUTE:
            return _(
                "Adjusted after the dispute of %(line)s (%(period)s): %(decision)s → %(amount)s"
            ) % {
                "line": params.get("line", ""),
                "period": params.get("period", ""),
                "decision": params.get("decision", ""),
                "amount": format_fen(params.get("amount_fen", 0)),
            }
    return code


def line_text(line: Any, language: str | None = None) -> str:
    """A stored result line in words."""
    return explanation_text(line.explanation_code, line.explanation_params, language)
