"""`meritline warm_dashboards [--employee ID …]` — compute ahead the rep dashboards whose
inputs changed (everyone with a login and an appraisal by default); the beat schedule
runs it each morning."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from meritline.analytics.services import warm_dashboards


class Command(BaseCommand):
    help = "Compute ahead the rep dashboards whose inputs changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--employee", type=int, action="append", help="only this employee id (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = warm_dashboards(employee_ids=options.get("employee"))
        self.stdout.write(
            _("%(count)d dashboards up to date in %(seconds).1f s")
            % {"count": count, "seconds": time.perf_counter() - started}
        )
