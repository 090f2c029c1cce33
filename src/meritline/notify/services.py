"""``notify()`` — the one way any app tells a user something — and the inbox actions."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError, NotFoundError
from meritline.notify.channels import CHANNELS, Channel
from meritline.notify.models import Delivery, DeliveryState, Message

SUBJECT_LIMIT = 200
LINK_LIMIT = 500
KEY_LIMIT = 200


def notify(
    *, user: Any, subject: str, body: str = "", link: str = "", key: str = ""
) -> Message | None:
    """Send ``user`` a message on every channel that applies to them (the inbox today).

    ``subject`` and ``body`` are already in the recipient's language. ``link`` is a path
    inside the app. With a ``key``, a second call with the same key for the same user
    sends nothing and returns None (reminders use ``<topic>:<object>:<day>``).
    Inactive users and users without a primary key get nothing.
    """
    if user is None or not getattr(user, "pk", None) or not getattr(user, "is_active", True):
        return None
    subject = (subject or "").strip()
    if not subject:
        raise DomainError("required", _("A message needs a subject."), field="subject")
    if len(key) > KEY_LIMIT or len(link) > LINK_LIMIT:
        raise DomainError("invalid", _("The message's key or link is too long."), field="key")
    with transaction.atomic():
        if key and Message.objects.filter(recipient=user, key=key).exists():
            return None
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    recipient=user,
                    subject=subject[:SUBJECT_LIMIT],
                    body=body,
                    link=link,
                    key=key,
                )
        except IntegrityError:  # the same key written concurrently
            return None
        for channel in CHANNELS:
            _deliver(channel, message)
    return message


def _deliver(channel: Channel, message: Message) -> None:
    if not channel.applies_to(message.recipient):
        Delivery.objects.create(message=message, channel=channel.name, state=DeliveryState.SKIPPED)
        return
    delivery = Delivery.objects.create(message=message, channel=channel.name)
    if channel.immediate:
        _attempt(channel, delivery)
    else:
        transaction.on_commit(lambda: _attempt(channel, delivery))


def _attempt(channel: Channel, delivery: Delivery) -> None:
    try:
        state, error = channel.send(delivery.message), ""
    except Exception as exc:  # a channel's failure never loses the message
        state, error = DeliveryState.FAILED, str(exc)[:500]
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state, error=error, attempts=delivery.attempts + 1, updated_at=timezone.now()
    )


@transaction.atomic
def message_mark_read(*, user: Any, message_id: int) -> Message:
    """Mark one of the user's own messages read (again: no change)."""
    try:
        message = Message.objects.select_for_update().get(pk=message_id, recipient=user)
    except Message.DoesNotExist as exc:
        raise NotFoundError(_("Message not found.")) from exc
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def messages_mark_all_read(*, user: Any) -> int:
    """Mark every unread message of the user read; how many were unread."""
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
