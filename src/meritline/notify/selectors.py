"""Reads of the inbox: always the acting user's own messages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from meritline.notify.models import Message


def message_list(*, user: Any, unread: bool = False) -> QuerySet[Message]:
    if not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    rows = Message.objects.filter(recipient=user)
    return rows.filter(read_at__isnull=True) if unread else rows


def unread_count(*, user: Any) -> int:
    """The number for the navigation badge."""
    return message_list(user=user, unread=True).count()
