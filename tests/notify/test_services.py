"""``notify()``: the one entry point — an inbox message with its delivery recorded,
deduplicated by key, nothing for inactive users, and the inbox actions."""

from __future__ import annotations

import pytest

from meritline.core.errors import DomainError, NotFoundError
from meritline.notify import selectors
from meritline.notify.models import Delivery, Message
from meritline.notify.services import message_mark_read, messages_mark_all_read, notify


def test_a_message_lands_in_the_inbox_with_its_delivery_recorded(world):
    m = notify(user=world.employee, subject="请完成评价", body="陈静", link="/performance/reviews/")
    assert m is not None and m.recipient == world.employee and m.read_at is None
    assert list(Delivery.objects.values_list("channel", "state")) == [("inbox", "delivered")]
    assert selectors.unread_count(user=world.employee) == 1
    assert selectors.unread_count(user=world.other_employee) == 0


def test_the_same_key_is_sent_once_per_user(world):
    assert notify(user=world.employee, subject="A", key="k:1") is not None
    assert notify(user=world.employee, subject="A again", key="k:1") is None
    assert notify(user=world.other_employee, subject="A", key="k:1") is not None
    assert notify(user=world.employee, subject="no key") is not None
    assert notify(user=world.employee, subject="no key") is not None
    assert Message.objects.filter(recipient=world.employee).count() == 3


def test_inactive_or_missing_users_get_nothing_and_a_subject_is_required(world):
    world.employee.is_active = False
    world.employee.save()
    assert notify(user=world.employee, subject="x") is None
    assert notify(user=None, subject="x") is None
    with pytest.raises(DomainError):
        notify(user=world.manager, subject="  ")
    with pytest.raises(DomainError):
        notify(user=world.manager, subject="x", key="k" * 201)
    assert not Message.objects.exists()


def test_marking_read_is_for_ones_own_messages(world):
    mine = notify(user=world.employee, subject="mine")
    theirs = notify(user=world.other_employee, subject="theirs")
    message_mark_read(user=world.employee, message_id=mine.pk)
    with pytest.raises(NotFoundError):
        message_mark_read(user=world.employee, message_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    notify(user=world.other_employee, subject="two")
    assert messages_mark_all_read(user=world.other_employee) == 2
    assert selectors.unread_count(user=world.other_employee) == 0
