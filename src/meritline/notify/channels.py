"""Delivery channels. A channel decides whether it applies to a recipient and sends one
message; ``notify()`` records its outcome on the message's delivery row.

Only the inbox exists today (the message row *is* the delivery). E-mail and WeCom will
be classes here with their own adapter module each, sent after the writing transaction
commits (``transaction.on_commit``) so nothing goes out for a change that rolls back.
"""

from __future__ import annotations

from typing import Any, Protocol

from meritline.notify.models import DeliveryState, Message


class Channel(Protocol):
    name: str
    immediate: bool  # delivered inside the writing transaction (inbox) or after commit

    def applies_to(self, user: Any) -> bool: ...

    def send(self, message: Message) -> str: ...


class InboxChannel:
    name = "inbox"
    immediate = True

    def applies_to(self, user: Any) -> bool:
        return True

    def send(self, message: Message) -> str:
        return DeliveryState.DELIVERED


CHANNELS: tuple[Channel, ...] = (InboxChannel(),)
