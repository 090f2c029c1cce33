"""Errors of the performance engine: codes, English text and params, never Django.

The Django layer translates by ``code`` with the ``params`` each issue carries;
``message`` is a specific English sentence for logs, the CLI and tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Issue:
    """One problem, at a precise location (``items[2].weight``, ``answers[17].score``)."""

    location: str
    code: str
    message: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class EngineError(ValueError):
    """Base of the engine's errors; ``issues`` lists every problem found, not only the first."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__("; ".join(str(issue) for issue in self.issues))

    @property
    def codes(self) -> list[str]:
        """The codes of the issues, in order (handy for tests and logs)."""
        return [issue.code for issue in self.issues]


class TemplateError(EngineError):
    """A KPI template is not valid (weights, targets, curves, kinds…)."""


class RulesError(EngineError):
    """A configuration table is not valid (grades, rater weights, blend, guideline)."""


class InputError(EngineError):
    """Inputs cannot be scored (a rating off the scale, a calibration without a reason…)."""


_CODES = {
    "extra_forbidden": "unknown_field",
    "missing": "missing",
    "literal_error": "bad_choice",
    "enum": "bad_choice",
    "union_tag_invalid": "unknown_kind",
    "union_tag_not_found": "missing_kind",
}
_TAGS = frozenset({"linear", "steps", "lower_is_better"})


def location(parts: Sequence[Any], prefix: str = "") -> str:
    """``("items", 2, "weight")`` → ``items[2].weight`` (discriminator tags dropped)."""
    out = prefix
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part) in _TAGS or str(part).startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def issues_from(exc: ValidationError, prefix: str = "") -> list[Issue]:
    """pydantic's errors as issues with dotted/indexed locations and stable codes."""
    found: list[Issue] = []
    for error in exc.errors():
        kind = str(error["type"])
        message = "unknown field" if kind == "extra_forbidden" else str(error["msg"])
        ctx = error.get("ctx") or {}
        params = {str(k): str(v) for k, v in ctx.items() if k != "error"}
        found.append(Issue(location(error["loc"], prefix), _CODES.get(kind, kind), message, params))
    return found
