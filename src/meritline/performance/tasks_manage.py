"""Celery tasks of performance management: open the cycles each platform's cadence calls
for (PRF-3), every morning by beat (``performance.tasks_manage.open_due_cycles``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from meritline.performance.services.schedule import cycles_open_due


@shared_task(name="performance.tasks_manage.open_due_cycles")
def open_due_cycles() -> dict[str, Any]:
    """Open today's due cycles; what was opened, already open and skipped."""
    result = cycles_open_due(as_of=timezone.localdate())
    return {
        "opened": [cycle.label for cycle in result.opened],
        "existing": result.existing,
        "skipped": [f"{where}: {why}" for where, why in result.skipped],
    }
