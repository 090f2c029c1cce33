"""Celery tasks of the sales app (run by beat in production, eagerly in the default)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from meritline.sales.services.config import platform_stage_refresh
from meritline.sales.services.imports import import_job_run
from meritline.sales.services.sla_scan import sla_scan


@shared_task(name="sales.tasks.sla_scan_daily")
def sla_scan_daily() -> dict[str, Any]:
    """Raise and resolve lead SLA alerts (LED-4); bring platform stages up to date."""
    result = sla_scan()
    return {**result.__dict__, "platform_stages_changed": platform_stage_refresh()}


@shared_task(name="sales.tasks.run_import_job")
def run_import_job(job_id: int) -> str:
    """Run a queued file import (PLT-7); its progress goes to the cache, its report to
    the job."""
    return import_job_run(job_id).status
