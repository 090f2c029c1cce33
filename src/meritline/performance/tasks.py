"""Celery tasks of the performance app (run by beat in production, eagerly by default)."""

from __future__ import annotations

from celery import shared_task

from meritline.performance.services.reviews_reminders import review_reminders_send


@shared_task(name="performance.tasks.send_review_reminders")
def send_review_reminders() -> int:
    """Remind raters of unanswered reviews due within three days (once a day each)."""
    return review_reminders_send()
