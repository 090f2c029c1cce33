"""Embedded default: SQLite, eager Celery, console e-mail."""

from meritline.config.env import env_bool
from meritline.config.settings.base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
