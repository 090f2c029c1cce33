"""The Celery app: eager in the embedded default, a Redis broker in production."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meritline.config.settings.dev")

app = Celery("meritline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
