"""Which leads are overdue at their step (LED-4). Pure: plain data in, plain data out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Clock:
    """A lead waiting at ``step`` since ``since``; ``responsible_id`` must move it on."""

    lead_id: int
    step: str
    since: datetime
    responsible_id: int | None


@dataclass(frozen=True)
class Rule:
    """From ``valid_from`` a lead may wait at ``step`` at most ``max_hours`` (0: no limit)."""

    step: str
    max_hours: int
    valid_from: date


@dataclass(frozen=True)
class Overdue:
    lead_id: int
    step: str
    due_at: datetime
    responsible_id: int | None


def rule_for(rules: Iterable[Rule], step: str, day: date) -> Rule | None:
    """The rule for ``step`` in force on ``day``: the latest one starting on or before it."""
    best: Rule | None = None
    for rule in rules:
        if (
            rule.step == step
            and rule.valid_from <= day
            and (best is None or rule.valid_from > best.valid_from)
        ):
            best = rule
    return best


def overdue(clocks: Iterable[Clock], rules: Iterable[Rule], now: datetime) -> list[Overdue]:
    """Leads past their step's limit at ``now``, oldest due first.

    A lead's limit is the rule in force on the day it reached the step (the date of
    ``since`` in its own time zone), so a later change of the rule does not move
    deadlines already running. A step with no rule, or a rule of 0 hours, has no limit.
    """
    by_step: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_step[rule.step].append(rule)
    found: list[Overdue] = []
    for clock in clocks:
        rule = rule_for(by_step.get(clock.step, ()), clock.step, clock.since.date())
        if rule is None or rule.max_hours <= 0:
            continue
        due_at = clock.since + timedelta(hours=rule.max_hours)
        if due_at < now:
            found.append(Overdue(clock.lead_id, clock.step, due_at, clock.responsible_id))
    found.sort(key=lambda o: (o.due_at, o.lead_id))
    return found
