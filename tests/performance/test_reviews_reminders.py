"""Reminders (PRF-5): raters with unanswered reviews due within 3 days get one inbox
message a day, in their language, linking to their reviews; the Celery task runs it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from meritline.notify.models import Message
from meritline.performance.models import ReviewWindow
from meritline.performance.services.reviews_reminders import review_reminders_send
from meritline.performance.tasks import send_review_reminders
from tests.performance.test_reviews_cast import rw  # noqa: F401 - the reviews cast


def test_raters_with_unanswered_reviews_due_soon_are_reminded_once_a_day(rw):  # noqa: F811
    w = rw.w
    today = timezone.localdate()
    ReviewWindow.objects.create(cycle=rw.cycle, deadline=today + timedelta(days=2))
    rw.ask(w.chenjing, w.sunlei)
    rw.ask(w.liuyang, w.sunlei)
    rw.rate(rw.ask(w.chenjing, w.zhouting), 4, 4)  # answered: no reminder
    w.other_employee.language = "en"
    w.other_employee.save()
    assert review_reminders_send(day=today) == 1
    assert review_reminders_send(day=today) == 0
    message = Message.objects.get()
    assert message.recipient == w.other_employee
    assert message.subject == f"2 reviews to give by {(today + timedelta(days=2)).isoformat()}"
    assert "陈静" in message.body and "刘洋" in message.body
    assert message.link == "/performance/reviews/"
    assert review_reminders_send(day=today + timedelta(days=1)) == 1
    assert Message.objects.count() == 2


def test_no_reminder_long_before_or_after_the_deadline_nor_without_one(rw):  # noqa: F811
    w = rw.w
    today = timezone.localdate()
    rw.ask(w.chenjing, w.sunlei)
    assert review_reminders_send(day=today) == 0  # no deadline set
    ReviewWindow.objects.create(cycle=rw.cycle, deadline=today + timedelta(days=10))
    assert review_reminders_send(day=today) == 0
    assert review_reminders_send(day=today + timedelta(days=11)) == 0
    assert not Message.objects.exists()


def test_an_assignments_own_deadline_wins_and_the_task_sends(rw):  # noqa: F811
    from meritline.performance.services.reviews import review_assign

    w = rw.w
    today = timezone.localdate()
    ReviewWindow.objects.create(cycle=rw.cycle, deadline=today + timedelta(days=30))
    review_assign(
        actor=w.hr_admin,
        appraisal=rw.appraisal(w.chenjing),
        group="peer",
        rater=w.sunlei,
        deadline=today + timedelta(days=1),
    )
    assert send_review_reminders.delay().get() == 1
    assert Message.objects.get().recipient == w.other_employee
