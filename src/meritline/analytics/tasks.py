"""Celery tasks of the analytics app: each morning, compute ahead the rep dashboards the
new day made out of date (their fingerprints include the day), so that the first view
of the day is served as fast as the others."""

from __future__ import annotations

from celery import shared_task

from meritline.analytics.services import warm_dashboards


@shared_task(name="analytics.tasks.warm_dashboards")
def warm_rep_dashboards() -> int:
    """Compute every rep dashboard whose inputs changed; how many were looked at."""
    return warm_dashboards()
