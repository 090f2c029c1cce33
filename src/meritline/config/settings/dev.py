"""Embedded default: SQLite, eager Celery, console e-mail."""

from meritline.config.settings.base import *  # noqa: F403
from meritline.config.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
