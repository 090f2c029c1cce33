"""`meritline import KIND FILE --platform CODE` — import sales records with a progress bar.

KIND is deals, collections, refunds, leads or customers. The file's columns are matched
as on the import page (the mapping saved for the platform, then the usual header texts);
``--map field=表头`` overrides one field. The report lists every bad row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import User
from meritline.sales.importers.run import percent
from meritline.sales.models import ImportKind, JobStatus
from meritline.sales.services.common import ALL_OR_NOTHING, VALID_ROWS
from meritline.sales.services.imports import _mapping as resolve_mapping
from meritline.sales.services.imports import import_job_create, import_job_run, spec_of

SHOWN_ERRORS = 200


def _pair(text: str) -> tuple[str, str]:
    field, sep, header = text.partition("=")
    if not sep or not field.strip():
        raise CommandError(_("Write a mapping as field=header, not “%s”.") % text)
    return field.strip(), header.strip()


class Command(BaseCommand):
    help = "Import deals, collections, refunds, leads or customers from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", help="a .csv (UTF-8 or GB18030) or .xlsx file")
        parser.add_argument("--platform", required=True, help="the sales platform's code")
        parser.add_argument(
            "--source", default="", help="the source system of the ids (default: the platform)"
        )
        parser.add_argument(
            "--valid-rows",
            action="store_true",
            help="write the good rows even when other rows have errors",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--map",
            action="append",
            type=_pair,
            default=[],
            metavar="FIELD=HEADER",
            help="read FIELD from the column titled HEADER (repeatable)",
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="the login to import as (default: the first active superuser)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["username"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("There is no file %s.") % path)
        kind = options["kind"]
        try:
            with transaction.atomic():
                job, table = import_job_create(
                    actor=actor,
                    kind=kind,
                    platform=options["platform"],
                    file_name=path.name,
                    data=path.read_bytes(),
                    source=options["source"],
                    mode=VALID_ROWS if options["valid_rows"] else ALL_OR_NOTHING,
                    dry_run=options["dry_run"],
                    keep_file=False,
                )
                mapping = {**job.columns, **dict(options["map"])}
                job.columns = resolve_mapping(spec_of(kind), job.header, mapping)
                job.status = JobStatus.QUEUED
                job.save(update_fields=["columns", "status"])
        except (DomainError, PermissionDeniedError) as exc:
            raise CommandError(exc.message) from exc
        with tqdm(total=100, unit="%", disable=options["verbosity"] == 0) as bar:

            def progress(phase: str, done: int, total: int) -> None:
                bar.set_description(phase)
                bar.update(percent(phase, done, total) - bar.n)

            job = import_job_run(job.pk, table=table, progress=progress)
        self._report(job)

    def _report(self, job: Any) -> None:
        if job.status == JobStatus.FAILED:
            raise CommandError(job.failure)
        out = self.stdout
        for error in job.errors[:SHOWN_ERRORS]:
            out.write(
                _("  Row %(row)d %(column)s: %(message)s")
                % {
                    "row": error["row"],
                    "column": f"[{error['column']}]" if error["column"] else "",
                    "message": error["message"],
                }
            )
        if job.error_rows > SHOWN_ERRORS:
            out.write(_("  … and more; see the import page for every row."))
        out.write(
            _(
                "%(total)d rows: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(errors)d with errors; checksum %(checksum)s."
            )
            % {
                "total": job.total,
                "created": job.created,
                "updated": job.updated,
                "unchanged": job.unchanged,
                "errors": job.error_rows,
                "checksum": job.checksum,
            }
        )
        if not job.written:
            out.write(_("Nothing was written."))
            if job.error_rows:
                raise CommandError(_("The file has bad rows; correct them or use --valid-rows."))

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        actor = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError(
                _("No active login “%s”.") % username
                if username
                else _("There is no active superuser; name the login with --as.")
            )
        return actor
