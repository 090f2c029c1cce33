"""Errors of the incentive engine: codes and English text, never Django.

The Django layer translates by ``code`` (each issue also carries the ``params`` it
needs); ``message`` is a specific English sentence for logs, the CLI and tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One problem, at a precise location ("components[2].tiers[1].from")."""

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


class PlanError(EngineError):
    """A plan document is not a valid plan."""


class InputError(EngineError):
    """The calculation inputs cannot be evaluated with this plan (missing terms, bad rows…)."""
