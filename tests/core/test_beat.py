"""Every task the beat schedule names is one the Celery app registers (a task module that
autodiscovery does not import would never run in production)."""

from __future__ import annotations

from django.conf import settings

from meritline.config.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= registered, scheduled - registered
    assert {"performance.tasks.open_due_cycles", "performance.tasks.send_review_reminders"} <= (
        scheduled
    )
