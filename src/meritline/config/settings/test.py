"""Test settings: fast hasher, eager Celery, in-memory or PostgreSQL via DATABASE_URL."""

from meritline.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
LANGUAGE_CODE = "zh-hans"
