"""`meritline import_employees FILE [--valid-rows] [--dry-run] [--as USERNAME]`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from meritline.core.errors import DomainError
from meritline.core.models import User
from meritline.org.importers.employees import column_label
from meritline.org.services.imports import (
    ALL_OR_NOTHING,
    VALID_ROWS,
    ImportReport,
    employee_import,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("“%s” is not a date; write it as YYYY-MM-DD.") % text) from exc


class Command(BaseCommand):
    help = "Import employees from a CSV or XLSX file and print the validation report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv (UTF-8 or GB18030) or .xlsx file")
        parser.add_argument(
            "--valid-rows",
            action="store_true",
            help="write the good rows even when other rows have errors",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="the login to import as (default: the first active superuser)",
        )
        parser.add_argument(
            "--effective-date",
            type=_date,
            help="when changed placements and salaries take effect (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["username"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %s") % path)
        bars: dict[str, tqdm[Any]] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                label = _("Checking") if stage == "check" else _("Writing")
                bar = bars[stage] = tqdm(total=total, desc=label, file=sys.stderr, disable=None)
            bar.update(done - bar.n)

        try:
            with path.open("rb") as handle:
                report = employee_import(
                    actor=actor,
                    file_name=path.name,
                    data=File(handle, name=path.name),
                    mode=VALID_ROWS if options["valid_rows"] else ALL_OR_NOTHING,
                    effective_date=options["effective_date"] or timezone.localdate(),
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        self._print(report)
        failure = self._failure(report)
        if failure:
            raise CommandError(failure)

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("No active login named “%s”.") % username)
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("Name the login to import as with --as USERNAME."))
        return user

    def _print(self, report: ImportReport) -> None:
        out = self.stdout
        out.write(_("File: %(name)s") % {"name": report.file_name})
        if report.checksum:
            out.write(_("SHA-256: %(checksum)s") % {"checksum": report.checksum})
        if report.refused:
            out.write(self.style.ERROR(_("Refused: %s") % report.refused))
            return
        out.write(
            _(
                "Rows: %(total)d · created: %(created)d · updated: %(updated)d · "
                "unchanged: %(unchanged)d · with errors: %(errors)d"
            )
            % {
                "total": report.total_rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "errors": report.error_rows,
            }
        )
        for error in report.errors:
            column = column_label(error.column)
            where = _("Row %(row)d") % {"row": error.row}
            if column:
                where += f" [{column}]"
            if error.key:
                where += f" {error.key}"
            out.write(self.style.WARNING(f"{where}: {error.message}"))
        if report.dry_run:
            out.write(_("Dry run: nothing was written."))
        elif report.committed:
            out.write(self.style.SUCCESS(_("Written. Import run #%d.") % (report.run_id or 0)))
        else:
            out.write(self.style.ERROR(_("Nothing was written.")))

    def _failure(self, report: ImportReport) -> str:
        if report.refused:
            return report.refused
        good = report.total_rows - report.error_rows
        would_write = report.mode == VALID_ROWS or not report.error_rows
        if report.error_rows and (good == 0 or not would_write):
            return _("Nothing could be imported: %(errors)d of %(total)d rows have errors.") % {
                "errors": report.error_rows,
                "total": report.total_rows,
            }
        if not report.dry_run and not report.committed:
            return _("Nothing was written.")
        return ""
