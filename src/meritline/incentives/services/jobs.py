"""Calculations in the background: a page queues a run's calculation (a Celery task,
eager in the embedded default), the worker calculates it with ``run_calculate`` and
keeps the outcome on the job; the run page polls the job's progress.

A run has at most one job queued or calculating at a time: asking again meanwhile is
refused (a lock on the run, and a partial unique constraint behind it). The reason a
job failed is written in the language of whoever started it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import ACTIVE_JOB, CalculationJob, JobStatus, PlanVersion, Run
from meritline.incentives.services.common import now, parse_period, require_manager
from meritline.incentives.services.fetch import ALL, scope_people
from meritline.incentives.services.runs import (
    locked_run,
    refuse_locked,
    require_in_force,
    run_calculate,
)

log = logging.getLogger(__name__)

PROGRESS_TTL = 6 * 3600
# A job queued or calculating for longer than this was lost with its worker.
STALE_AFTER = timedelta(hours=6)


def _progress_key(job_id: int) -> str:
    return f"incentives:job:{job_id}:progress"


def _set_progress(job_id: int, phase: str, percent: int) -> None:
    cache.set(_progress_key(job_id), {"phase": phase, "percent": percent}, PROGRESS_TTL)


def job_progress(job: CalculationJob) -> dict[str, Any]:
    """Where a job stands, for the run page's progress bar."""
    if job.finished:
        return {"phase": job.status, "percent": 100, "finished": True, "status": job.status}
    found = cache.get(_progress_key(job.pk)) or {"phase": job.status, "percent": 0}
    return {**found, "finished": False, "status": job.status}


def _busy(job: CalculationJob) -> DomainError:
    when = formats.date_format(timezone.localtime(job.queued_at), "Y-m-d H:i")
    if job.status == JobStatus.QUEUED:
        message = _(
            "A calculation of this run has been waiting for a worker since %(time)s; "
            "wait until it has finished."
        )
    else:
        message = _("This run is being calculated (started %(time)s); wait until it has finished.")
    return DomainError(ErrorCode.RUN_BUSY, message % {"time": when})


def _is_stale(job: CalculationJob) -> bool:
    return (job.started_at or job.queued_at) <= now() - STALE_AFTER


def _end_stale(job: CalculationJob) -> bool:
    """Mark a job lost with its worker as failed; True if it was."""
    if not _is_stale(job):
        return False
    with translation.override(job.language):
        job.failure = _("The calculation stopped without finishing (its worker was lost).")
    job.status, job.finished_at = JobStatus.FAILED, now()
    job.save(update_fields=["status", "failure", "finished_at"])
    return True


def _refuse_active(run: Run) -> None:
    for job in CalculationJob.objects.select_for_update().filter(run=run, status__in=ACTIVE_JOB):
        if not _end_stale(job):
            raise _busy(job)


@transaction.atomic
def run_calculation_queue(
    *, actor: Any, plan_version: PlanVersion, period: str, scope: str = ALL
) -> CalculationJob:
    """Queue the calculation of (``plan_version``, ``period``, ``scope``): checks what
    can be checked at once (rights, period, scope, version in force, run open and not
    already being calculated), creates the draft run when missing, and hands the rest
    to a worker. Errors found while calculating end up on the job."""
    require_manager(actor)
    parsed = parse_period(period)
    scope = (scope or ALL).strip()
    version = PlanVersion.objects.select_related("plan").get(pk=plan_version.pk)
    require_in_force(version, parsed)
    scope_people(scope, parsed)
    # Refuse before waiting on the run's lock: a worker holds it while it calculates.
    under_way = CalculationJob.objects.filter(
        run__plan_version=version, run__period=str(parsed), run__scope=scope,
        status__in=ACTIVE_JOB,
    )  # fmt: skip
    for job in under_way:
        if not _is_stale(job):
            raise _busy(job)
    run = locked_run(version, str(parsed), scope)
    refuse_locked(run)
    _refuse_active(run)
    try:
        with transaction.atomic():
            job = CalculationJob.objects.create(
                run=run,
                requested_by=actor,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
    except IntegrityError:
        active = CalculationJob.objects.filter(run=run, status__in=ACTIVE_JOB).first()
        raise _busy(active or CalculationJob(run=run, queued_at=now())) from None
    audit.record(
        actor=actor,
        action="incentives.run.queue",
        target=run,
        after={"job": job.pk, "plan_version": version.label, "period": run.period, "scope": scope},
    )
    _set_progress(job.pk, "queued", 0)
    from meritline.incentives.tasks import calculate_run

    transaction.on_commit(lambda: calculate_run.delay(job.pk))
    return job


def latest_job(run: Run) -> CalculationJob | None:
    return run.jobs.select_related("requested_by").order_by("-queued_at", "-pk").first()


def _claim(job_id: int) -> bool:
    """Take a queued job (only one worker gets it)."""
    started = now()
    return bool(
        CalculationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.CALCULATING, started_at=started
        )
    )


def run_calculation_execute(job_id: int) -> CalculationJob:
    """The Celery task's body: calculate a queued job's run and keep the outcome."""
    if not _claim(job_id):
        return CalculationJob.objects.get(pk=job_id)
    job = CalculationJob.objects.select_related("run", "run__plan_version", "requested_by").get(
        pk=job_id
    )

    def progress(phase: str, percent: int) -> None:
        _set_progress(job.pk, phase, percent)

    run = job.run
    with translation.override(job.language):
        try:
            run = run_calculate(
                actor=job.requested_by,
                plan_version=run.plan_version,
                period=run.period,
                scope=run.scope,
                progress=progress,
            )
        except DomainError as exc:
            job.failure = str(exc.message)
        except Exception:
            log.exception("incentive calculation job %s failed", job.pk)
            job.failure = _(
                "The calculation stopped on an unexpected error; the run keeps its previous "
                "figures."
            )
    _finish(job, run)
    return job


@transaction.atomic
def _finish(job: CalculationJob, run: Run) -> None:
    job.status = JobStatus.FAILED if job.failure else JobStatus.DONE
    job.finished_at = now()
    if not job.failure:
        job.line_count, job.payable_fen = run.line_count, run.payable_fen
    job.save(update_fields=["status", "failure", "finished_at", "line_count", "payable_fen"])
    if job.failure:
        audit.record(
            actor=job.requested_by,
            action="incentives.run.calculate_fail",
            target=run,
            after={"job": job.pk, "failure": job.failure},
        )
    cache.delete(_progress_key(job.pk))
