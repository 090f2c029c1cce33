"""`meritline performance open-due [--as-of 2026-10-01]` — open the appraisal cycles each
platform's cadence calls for (PRF-3); running it twice opens nothing the second time."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.performance.services.schedule import cycles_open_due, due_summary


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("“%(day)s” is not a date like 2026-10-01.") % {"day": text}) from None


class Command(BaseCommand):
    help = "Performance management: `open-due` opens the cycles each platform's cadence calls for."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        due = commands.add_parser(
            "open-due", help="open the cycles due on a day (default: today), idempotently"
        )
        due.add_argument("--as-of", default="", help="the day, e.g. 2026-10-01")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["as_of"]) if options.get("as_of") else timezone.localdate()
        result = cycles_open_due(as_of=day)
        for cycle in result.opened:
            self.stdout.write(_("opened %(cycle)s") % {"cycle": cycle.label})
        for where, why in result.skipped:
            self.stdout.write(_("skipped %(where)s: %(why)s") % {"where": where, "why": why})
        self.stdout.write(due_summary(result))
