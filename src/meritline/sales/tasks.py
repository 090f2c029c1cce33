"""Celery tasks of the sales app (run by beat in production, eagerly in the default)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from meritline.sales.services.config import platform_stage_refresh
from meritline.sales.services.sla_scan import sla_scan


@shared_task(name="sales.tasks.sla_scan_daily")
def sla_scan_daily() -> dict[str, Any]:
    """Raise and resolve lead SLA alerts (LED-4); bring platform stages up to date."""
    result = sla_scan()
    return {**result.__dict__, "platform_stages_changed": platform_stage_refresh()}
