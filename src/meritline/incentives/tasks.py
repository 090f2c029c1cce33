"""Celery tasks of the incentive app (eager in the embedded default)."""

from __future__ import annotations

from celery import shared_task

from meritline.incentives.services.jobs import run_calculation_execute


@shared_task(name="incentives.tasks.calculate_run")
def calculate_run(job_id: int) -> str:
    """Calculate a queued run (the run page polls its progress); the outcome, or why it
    failed, goes to the job."""
    return run_calculation_execute(job_id).status
