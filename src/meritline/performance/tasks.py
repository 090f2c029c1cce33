"""Celery tasks of the performance app, run every morning by beat (eagerly by default):
open the cycles each platform's cadence calls for (PRF-3), and remind raters of reviews
that are due (PRF-5)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from meritline.performance.services.reviews_reminders import review_reminders_send
from meritline.performance.services.schedule import cycles_open_due


@shared_task(name="performance.tasks.send_review_reminders")
def send_review_reminders() -> int:
    """Remind raters of unanswered reviews due within three days (once a day each)."""
    return review_reminders_send()


@shared_task(name="performance.tasks.open_due_cycles")
def open_due_cycles() -> dict[str, Any]:
    """Open today's due cycles; what was opened, already open and skipped."""
    result = cycles_open_due(as_of=timezone.localdate())
    return {
        "opened": [cycle.label for cycle in result.opened],
        "existing": result.existing,
        "skipped": [f"{where}: {why}" for where, why in result.skipped],
    }
