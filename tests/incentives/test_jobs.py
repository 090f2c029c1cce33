"""Calculations in the background: queued, claimed by one worker, done or failed with the
reason in the starter's language; a second calculation of a run is refused while one is
queued or running; bad requests are refused before anything is queued."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.incentives.models import CalculationJob, JobStatus, Run
from meritline.incentives.services import jobs
from meritline.incentives.services.jobs import (
    job_progress,
    run_calculation_execute,
    run_calculation_queue,
)
from meritline.incentives.services.runs import run_approve, run_calculate
from tests.incentives.conftest import counts, sign

OCT = "2026-10"


def queue(iw, period=OCT, actor=None, **kw):
    return run_calculation_queue(
        actor=actor or iw.w.finance, plan_version=iw.version, period=period, **kw
    )


def test_a_queued_calculation_runs_once_committed_and_keeps_its_outcome(
    iw, django_capture_on_commit_callbacks
):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = queue(iw)
        # nothing is calculated inside the request's transaction
        assert job.status == JobStatus.QUEUED and not job.run.lines.exists()
    assert len(callbacks) == 1
    job.refresh_from_db()
    run = Run.objects.get()
    assert job.status == JobStatus.DONE and job.failure == ""
    assert (job.line_count, job.payable_fen) == (1, 2_400_000) == (run.line_count, run.payable_fen)
    assert job.started_at and job.finished_at and job_progress(job)["finished"]
    # a finished job is not run again
    assert run_calculation_execute(job.pk).finished_at == job.finished_at


def test_progress_reports_each_phase(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    job = queue(iw)
    assert job_progress(job) == {
        "phase": "queued",
        "percent": 0,
        "finished": False,
        "status": "queued",
    }
    seen = []
    real = jobs._set_progress
    with mock.patch.object(
        jobs, "_set_progress", side_effect=lambda j, p, v: (seen.append(p), real(j, p, v))
    ):
        run_calculation_execute(job.pk)
    assert seen == ["fetching", "evaluating", "adjusting", "saving"]


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.CALCULATING])
def test_a_second_calculation_is_refused_while_one_is_queued_or_running(iw, status):
    first = queue(iw)
    CalculationJob.objects.filter(pk=first.pk).update(status=status)
    before = counts()
    with pytest.raises(DomainError) as exc:
        queue(iw)
    assert exc.value.code == "run_busy"
    assert counts() == before


def test_the_database_holds_one_active_job_per_run(iw):
    job = queue(iw)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalculationJob.objects.create(run=job.run, requested_by=iw.w.hr_admin)


def test_after_a_job_ends_the_run_can_be_calculated_again(iw):
    first = queue(iw)
    run_calculation_execute(first.pk)
    second = queue(iw)
    assert second.run_id == first.run_id and second.status == JobStatus.QUEUED


def test_a_job_lost_with_its_worker_does_not_block_the_run_for_ever(iw):
    lost = queue(iw)
    CalculationJob.objects.filter(pk=lost.pk).update(
        status=JobStatus.CALCULATING, started_at=lost.queued_at - timedelta(days=1)
    )
    again = queue(iw)
    lost.refresh_from_db()
    assert lost.status == JobStatus.FAILED and lost.failure
    assert again.status == JobStatus.QUEUED


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "have no commission terms"), ("zh-hans", "没有")],
)
def test_a_failure_is_written_in_the_starters_language(iw, language, words):
    sign(iw.sw, date(2026, 10, 8), 100_000, owner="XH00006")  # 刘洋 has no level rate
    with translation.override(language):
        job = queue(iw)
    other = "zh-hans" if language == "en" else "en"
    with translation.override(other):  # the worker's own language does not matter
        job = run_calculation_execute(job.pk)
    assert job.status == JobStatus.FAILED
    assert words in job.failure and "刘洋" in job.failure
    assert job.line_count is None and not job.run.lines.exists()


def test_an_unexpected_error_fails_the_job_and_keeps_the_previous_figures(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period=OCT)
    kept = set(run.lines.values_list("pk", flat=True))
    job = queue(iw)
    with (
        mock.patch.object(jobs, "run_calculate", side_effect=RuntimeError("boom")),
        translation.override("en"),
    ):
        job = run_calculation_execute(job.pk)
    assert job.status == JobStatus.FAILED and "意外错误" in job.failure
    assert set(run.lines.values_list("pk", flat=True)) == kept


@pytest.mark.parametrize(
    ("period", "scope", "code"),
    [
        ("2026-13", "all", "bad_period"),
        ("2025-06", "all", "not_in_force"),
        (OCT, "NOPE", "unknown_scope"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_queued(iw, period, scope, code):
    before = counts()
    with pytest.raises(DomainError) as exc:
        queue(iw, period=period, scope=scope)
    assert exc.value.code == code
    assert counts() == before


def test_a_locked_run_is_not_queued(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period=OCT)
    run_approve(actor=iw.w.finance, run=run)
    before = counts()
    with pytest.raises(DomainError) as exc:
        queue(iw)
    assert exc.value.code == "run_locked"
    assert counts() == before


def test_reps_and_auditors_cannot_queue(iw):
    for user in (iw.w.employee, iw.w.auditor):
        with pytest.raises(PermissionDeniedError):
            queue(iw, actor=user)
    assert not CalculationJob.objects.exists()


def test_a_run_being_calculated_cannot_be_approved(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period=OCT)
    queue(iw)
    with pytest.raises(DomainError) as exc:
        run_approve(actor=iw.w.finance, run=run)
    assert exc.value.code == "run_busy"
