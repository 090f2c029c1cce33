"""The people of a simulation: the people file, and employee numbers as engine ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from meritline.incentives.simulate_files import Sheet


@dataclass(frozen=True)
class Person:
    number: str
    name: str = ""
    level_rate: Decimal | None = None
    rate_adjustment: Decimal | None = None
    team_lead: str = ""


@dataclass
class Book:
    """People by employee number, and employee numbers ↔ the engine's integer ids."""

    people: dict[str, Person]
    strict: bool
    ids: dict[str, int] = field(default_factory=dict)

    def id(self, number: str) -> int:
        if number not in self.ids:
            self.ids[number] = len(self.ids) + 1
        return self.ids[number]

    def unknown(self, numbers: Iterable[str]) -> list[str]:
        return [n for n in numbers if n and self.strict and n not in self.people]


def read_people(sheet: Sheet | None) -> dict[str, Person]:
    """The people file by employee number; a number twice, or an unknown team lead, is
    reported on the sheet."""
    found: dict[str, Person] = {}
    if sheet is None:
        return found
    first: dict[str, int] = {}
    for row in sheet.rows:
        v = row.values
        number = v.get("employee_no", "")
        if not number:
            continue
        if number in first:
            sheet.problem(
                row.number,
                _("employee number %(number)s already appears in row %(first)d.")
                % {"number": number, "first": first[number]},
            )
            continue
        first[number] = row.number
        found[number] = Person(
            number,
            v.get("name", ""),
            v.get("level_rate"),
            v.get("rate_adjustment"),
            v.get("team_lead", ""),
        )
    for number, person in found.items():
        if person.team_lead and person.team_lead not in found:
            sheet.problem(first[number], unknown(person.team_lead))
    return found


def unknown(number: str) -> str:
    """The message for an employee number missing from the people file."""
    return _("employee number %(number)s is not in the people file.") % {"number": number}
