"""Import jobs (PLT-7): a file is uploaded and read (the whole file is refused with a
reason, or its header is matched to the fields of its kind), the user confirms the
column mapping — saved per platform if they wish — and the job runs in the background
(Celery), its progress in the cache for the page's progress bar, its report on the job.
The CLI runs the same job in the foreground."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.org.importers import (
    FileRefused,
    Table,
    checksum,
    extension,
    read_table,
    read_upload,
)
from meritline.org.models import Platform
from meritline.sales import access
from meritline.sales.errors import ErrorCode
from meritline.sales.importers.columns import resolve, suggest
from meritline.sales.importers.records import SPECS, RecordSpec, Target
from meritline.sales.importers.run import ImportReport, percent, run_import
from meritline.sales.models import ImportJob, ImportKind, ImportMapping, JobStatus
from meritline.sales.services.common import GC_PAUSE_FROM, MODES, now, paused_gc

log = logging.getLogger(__name__)

MAX_ROWS = 2_000_000
STORED_ERRORS = 10_000
PROGRESS_TTL = 24 * 3600
STORAGE_DIR = "imports/sales"
SAMPLE_ROWS = 3


def may_import(user: Any, kind: str) -> bool:
    if access.read_only(user):
        return False
    if kind == ImportKind.CUSTOMERS:
        return access.writes_customers(user)
    return access.writes_sales_records(user)


def importable_kinds(user: Any) -> list[str]:
    return [kind for kind in ImportKind.values if may_import(user, kind)]


def spec_of(kind: str) -> RecordSpec:
    spec = SPECS.get(kind)
    if spec is None:
        raise DomainError(ErrorCode.BAD_CHOICE, _("Choose what the file holds."), field="kind")
    return spec


def _refused(exc: FileRefused, field: str = "file") -> DomainError:
    return DomainError(str(exc.code), exc.message, field=field)


def _platform(code: str) -> Platform:
    platform = Platform.objects.filter(code=code.strip()).first()
    if platform is None:
        raise DomainError(
            ErrorCode.UNKNOWN_PLATFORM, _("Unknown sales platform “%s”.") % code, field="platform"
        )
    return platform


def _source(source: str, platform: Platform) -> str:
    value = (source or platform.code).strip()
    if len(value) > 32:
        raise DomainError(
            ErrorCode.TOO_LONG, _("The source system is longer than 32 characters."), field="source"
        )
    return value


def saved_mapping(platform: Platform, kind: str) -> dict[str, str]:
    found = ImportMapping.objects.filter(platform=platform, kind=kind).first()
    return dict(found.columns) if found is not None else {}


def _read(file_name: str, raw: bytes) -> Table:
    try:
        return read_table(file_name, raw, max_rows=MAX_ROWS)
    except FileRefused as exc:
        raise _refused(exc) from exc


def _mapping(spec: RecordSpec, header: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping a job will use: resolved against the header (refusing what cannot be)."""
    unknown = sorted(set(mapping) - {c.field for c in spec.columns})
    if unknown:
        raise DomainError(
            ErrorCode.INVALID, _("Unknown fields: %s.") % "、".join(unknown), field="columns"
        )
    try:
        return resolve(spec.columns, header, mapping, optional_defaults=spec.defaults).as_mapping()
    except FileRefused as exc:
        raise _refused(exc, "columns") from exc


@transaction.atomic
def import_job_create(
    *,
    actor: Any,
    kind: str,
    platform: str,
    file_name: str,
    data: Any,
    source: str = "",
    mode: str,
    dry_run: bool = False,
    keep_file: bool = True,
) -> tuple[ImportJob, Any]:
    """Read an uploaded file and record it as a job awaiting its column check; returns
    the job and the table read. A file that cannot be read is refused as a whole."""
    spec = spec_of(kind)
    if not may_import(actor, kind):
        raise PermissionDeniedError(_("You may not import these records."))
    if mode not in MODES:
        raise DomainError(ErrorCode.INVALID, _("Choose how to treat bad rows."), field="mode")
    target = _platform(platform)
    try:
        suffix = extension(file_name)
        raw = read_upload(data, limit=settings.MAX_UPLOAD_BYTES) if keep_file else data
    except FileRefused as exc:
        raise _refused(exc) from exc
    with paused_gc(GC_PAUSE_FROM if len(raw) > 1_000_000 else 0):
        table = _read(file_name, raw)
    header = list(table.header)
    suggested = {**suggest(spec.columns, header), **saved_mapping(target, kind)}
    columns = {field: text for field, text in suggested.items() if not text or text in table.header}
    stored_name = ""
    if keep_file:
        stored_name = default_storage.save(
            f"{STORAGE_DIR}/{uuid.uuid4().hex}{suffix}", ContentFile(raw)
        )
    job = ImportJob.objects.create(
        kind=kind,
        platform=target,
        source=_source(source, target),
        file_name=file_name[:255],
        stored_name=stored_name,
        checksum=checksum(raw),
        size=len(raw),
        header=header,
        samples=[
            list(row.cells[: len(header)]) + [""] * (len(header) - len(row.cells))
            for row in table.rows[:SAMPLE_ROWS]
        ],
        columns=columns,
        mode=mode,
        dry_run=dry_run,
        total=len(table.rows),
        created_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return job, table


@transaction.atomic
def import_job_start(
    *,
    actor: Any,
    job: ImportJob,
    columns: Mapping[str, str],
    mode: str | None = None,
    dry_run: bool | None = None,
    save_mapping: bool = False,
) -> ImportJob:
    """Confirm a job's column mapping and queue it (or queue a checked job again to
    write it). ``save_mapping`` keeps the mapping for the next file of this platform."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk or not may_import(actor, job.kind):
        raise PermissionDeniedError(_("You may not run this import."))
    if job.status not in (JobStatus.UPLOADED, JobStatus.DONE) or not job.stored_name:
        raise DomainError(
            ErrorCode.INVALID, _("This import has already been started."), field="columns"
        )
    if job.status == JobStatus.DONE and (job.written or not job.dry_run):
        raise DomainError(ErrorCode.INVALID, _("This file has already been imported."))
    if mode is not None:
        if mode not in MODES:
            raise DomainError(ErrorCode.INVALID, _("Choose how to treat bad rows."), field="mode")
        job.mode = mode
    spec = spec_of(job.kind)
    job.columns = _mapping(spec, job.header, columns)
    if dry_run is not None:
        job.dry_run = dry_run
    job.status = JobStatus.QUEUED
    job.errors, job.failure, job.written = [], "", False
    job.created = job.updated = job.unchanged = job.error_rows = 0
    job.save()
    if save_mapping:
        ImportMapping.objects.update_or_create(
            platform=job.platform,
            kind=job.kind,
            defaults={"columns": {f: h for f, h in columns.items()}, "updated_by": actor},
        )
        audit.record(
            actor=actor,
            action="sales.import.mapping_save",
            target_type="sales.importmapping",
            after={"platform": job.platform.code, "kind": job.kind, "columns": dict(columns)},
        )
    _set_progress(job.pk, "queued", 0)
    from meritline.sales.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def _progress_key(job_id: int) -> str:
    return f"sales:import:{job_id}:progress"


def _set_progress(job_id: int, phase: str, value: int) -> None:
    cache.set(_progress_key(job_id), {"phase": phase, "percent": value}, PROGRESS_TTL)


def job_progress(job: ImportJob) -> dict[str, Any]:
    """Where a job stands, for the page's progress bar."""
    if job.finished:
        return {"phase": job.status, "percent": 100, "finished": True}
    found = cache.get(_progress_key(job.pk)) or {"phase": job.status, "percent": 0}
    return {**found, "finished": False}


def import_job_run(
    job_id: int, *, raw: bytes | None = None, table: Table | None = None, progress: Any = None
) -> ImportJob:
    """Run a queued job (the Celery task's body; the CLI passes the file's bytes and the
    table it read when it created the job)."""
    job = ImportJob.objects.select_related("platform", "created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job
    job.status, job.started_at = JobStatus.RUNNING, now()
    job.save(update_fields=["status", "started_at"])
    last = [-1]

    def report(phase: str, done: int, total: int) -> None:
        value = percent(phase, done, total)
        if value != last[0]:
            last[0] = value
            _set_progress(job.pk, phase, value)
        if progress is not None:
            progress(phase, done, total)

    with translation.override(job.language), paused_gc(job.total or GC_PAUSE_FROM):
        _execute_into(job, raw, table, report)
    job.status = JobStatus.FAILED if job.failure else JobStatus.DONE
    job.finished_at = now()
    job.save()
    return job


def _execute_into(
    job: ImportJob, raw: bytes | None, table: Table | None, report: Callable[[str, int, int], None]
) -> None:
    try:
        if table is None:
            if raw is None:
                with default_storage.open(job.stored_name, "rb") as handle:
                    raw = handle.read()
            table = _read(job.file_name, raw)
        result = execute(job, table, report)
    except (DomainError, PermissionDeniedError, FileRefused) as exc:
        job.failure = str(getattr(exc, "message", exc))
    except Exception:
        log.exception("sales import %s failed", job.pk)
        job.failure = _("The import stopped on an unexpected error; nothing was written.")
    else:
        _keep_report(job, result)


def execute(
    job: ImportJob, table: Table, progress: Callable[[str, int, int], None]
) -> ImportReport:
    spec = spec_of(job.kind)
    try:
        columns = resolve(spec.columns, table.header, job.columns, optional_defaults=spec.defaults)
    except FileRefused as exc:
        raise _refused(exc, "columns") from exc
    return run_import(
        actor=job.created_by,
        spec=spec,
        table=table,
        columns=columns,
        target=Target(source=job.source, platform=job.platform.code),
        mode=job.mode,
        dry_run=job.dry_run,
        progress=progress,
    )


def _keep_report(job: ImportJob, report: ImportReport) -> None:
    job.total = report.total
    job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
    job.written = report.written
    job.error_rows = report.error_rows
    job.errors = report.errors[:STORED_ERRORS]


def earlier_imports(job: ImportJob) -> list[ImportJob]:
    """Written imports of the same file (same checksum) into the same platform and kind."""
    return list(
        ImportJob.objects.filter(
            checksum=job.checksum,
            kind=job.kind,
            platform=job.platform,
            written=True,
            status=JobStatus.DONE,
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at")[:5]
    )
