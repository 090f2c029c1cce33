"""Test settings: fast hasher, eager Celery, in-memory or PostgreSQL via DATABASE_URL."""

import tempfile
from pathlib import Path

from meritline.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
LANGUAGE_CODE = "zh-hans"

# Uploaded import files go to a throw-away folder, not the developer's var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="meritline-test-media-"))

# One connection per request, as Django's test tools expect (live-server threads must not
# keep theirs past a test).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
