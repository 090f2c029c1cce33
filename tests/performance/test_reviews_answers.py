"""Giving and changing ratings (PRF-5): on the scale, before the deadline, only by the
assigned rater, never as one's own peer, not in a closed cycle; customers once through
an unexpired link. Every change is audited; a refused rating changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.models import CycleStatus, ReviewAnswer, ReviewAssignment
from meritline.performance.services.reviews import review_deadline_set, review_link_create
from meritline.performance.services.reviews_answers import (
    review_link_open,
    review_submit,
    review_submit_by_link,
)
from tests.performance.test_reviews_cast import rw  # noqa: F401 - the reviews cast


def _scores(a: ReviewAssignment) -> dict[str, Decimal]:
    return dict(ReviewAnswer.objects.filter(assignment=a).values_list("item", "score"))


def test_a_peer_rates_every_item_and_changes_it_later_with_both_audited(rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    rw.rate(a, 4, "3.5", "很好配合")
    assert _scores(a) == {"teamwork": Decimal("4.00"), "service": Decimal("3.50")}
    rw.rate(a, 5, "3.5")
    assert _scores(a)["teamwork"] == Decimal("5.00")
    first, change = (
        AuditLog.objects.filter(action__startswith="performance.review.")
        .exclude(action="performance.review.assign")
        .order_by("pk")
    )
    assert first.action == "performance.review.answer" and first.before is None
    assert change.action == "performance.review.change"
    assert change.before["scores"] == {"teamwork": "4.00", "service": "3.50"}
    assert change.after["scores"] == {"teamwork": "5", "service": "3.5"}
    assert change.actor == w.other_employee


BAD_SCORES = [
    ({"teamwork": "6", "service": "4"}, "off_scale", "teamwork", "between 1 and 5; 6 is outside"),
    ({"teamwork": "0.5", "service": "4"}, "off_scale", "teamwork", "outside the scale"),
    ({"teamwork": "4.123", "service": "4"}, "invalid", "teamwork", "at most 2 decimal places"),
    ({"teamwork": "great", "service": "4"}, "invalid", "teamwork", "is not a number"),
    ({"teamwork": "4"}, "missing_item", "service", "“客户服务” has no rating"),
    (
        {"teamwork": "4", "service": "4", "charm": "5"},
        "unknown_item",
        "charm",
        "no rating item charm",
    ),
]


@pytest.mark.parametrize(("scores", "code", "field", "words"), BAD_SCORES)
def test_a_bad_rating_is_refused_with_its_reason_and_the_old_one_stays(
    rw,  # noqa: F811
    scores,
    code,
    field,
    words,
):
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    rw.rate(a, 3, 3)
    audits = AuditLog.objects.count()
    with translation.override("en"), pytest.raises(DomainError) as exc:
        review_submit(actor=w.other_employee, assignment_id=a.pk, scores=scores)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert words in str(exc.value), str(exc.value)
    assert _scores(a) == {"teamwork": Decimal(3), "service": Decimal(3)}
    assert AuditLog.objects.count() == audits


def test_someone_not_assigned_cannot_rate(rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    for actor in (w.hr_admin, w.manager, w.employee):
        with pytest.raises(PermissionDeniedError):
            review_submit(actor=actor, assignment_id=a.pk, scores={"teamwork": 4, "service": 4})
    with pytest.raises(PermissionDeniedError):
        review_submit(actor=w.employee, assignment_id=999_999, scores={})
    assert not ReviewAnswer.objects.exists()


def test_a_person_rating_themself_as_a_peer_is_refused_even_if_assigned_behind_the_back(
    rw,  # noqa: F811
):
    w = rw.w
    a = ReviewAssignment.objects.create(
        appraisal=rw.appraisal(w.chenjing), group="peer", rater=w.chenjing
    )
    with pytest.raises(DomainError) as exc:
        review_submit(actor=w.employee, assignment_id=a.pk, scores={"teamwork": 5, "service": 5})
    assert exc.value.code == "self_as_peer"
    assert not ReviewAnswer.objects.exists()


def test_the_self_review_is_the_ratees_own(rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.chenjing, "self")
    rw.rate(a, 5, 5)
    assert _scores(a) == {"teamwork": Decimal(5), "service": Decimal(5)}


def test_after_the_deadline_ratings_are_refused(rw):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    rw.rate(a, 3, 3)
    review_deadline_set(
        actor=w.hr_admin, cycle=rw.cycle, deadline=timezone.localdate() + timedelta(days=1)
    )
    ReviewAssignment.objects.filter(pk=a.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    with translation.override("en"), pytest.raises(DomainError) as exc:
        rw.rate(a, 5, 5)
    assert exc.value.code == "deadline_passed" and "deadline was" in str(exc.value)
    assert _scores(a)["teamwork"] == Decimal(3)


def test_the_cycles_deadline_applies_when_the_assignment_has_none(rw):  # noqa: F811
    from meritline.performance.models import ReviewWindow

    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    ReviewWindow.objects.create(cycle=rw.cycle, deadline=timezone.localdate() - timedelta(days=2))
    with pytest.raises(DomainError) as exc:
        rw.rate(a, 4, 4)
    assert exc.value.code == "deadline_passed"


@pytest.mark.parametrize("status", [CycleStatus.CALIBRATION, CycleStatus.CLOSED])
def test_no_rating_in_a_cycle_past_scoring(rw, status):  # noqa: F811
    w = rw.w
    a = rw.ask(w.chenjing, w.sunlei)
    rw.cycle.status = status
    rw.cycle.save()
    with pytest.raises(DomainError) as exc:
        rw.rate(a, 4, 4)
    assert exc.value.code == "cycle_closed"
    assert not ReviewAnswer.objects.exists()


def _link(rw, days="7"):  # noqa: F811
    return review_link_create(
        actor=rw.w.hr_admin, appraisal=rw.appraisal(rw.w.chenjing), contact="王总", days=days
    )


def test_a_customer_rates_once_through_the_link(rw):  # noqa: F811
    a, token = _link(rw)
    assert review_link_open(token=token) == a
    review_submit_by_link(token=token, scores={"teamwork": "4", "service": "5"}, comment="专业")
    a.refresh_from_db()
    assert a.submitted_at is not None and a.comment == "专业"
    assert _scores(a) == {"teamwork": Decimal(4), "service": Decimal(5)}
    log = AuditLog.objects.get(action="performance.review.answer")
    assert log.actor is None and "王总" in log.after["by"]


def test_a_reused_link_is_refused_and_the_first_answer_stays(rw):  # noqa: F811
    a, token = _link(rw)
    review_submit_by_link(token=token, scores={"teamwork": "4", "service": "5"})
    with translation.override("en"), pytest.raises(DomainError) as exc:
        review_submit_by_link(token=token, scores={"teamwork": "1", "service": "1"})
    assert exc.value.code == "link_used" and "used already" in str(exc.value)
    assert _scores(a) == {"teamwork": Decimal(4), "service": Decimal(5)}


def test_an_expired_link_is_refused(rw):  # noqa: F811
    a, token = _link(rw)
    ReviewAssignment.objects.filter(pk=a.pk).update(
        link_expires_at=timezone.now() - timedelta(minutes=1)
    )
    with translation.override("en"), pytest.raises(DomainError) as exc:
        review_submit_by_link(token=token, scores={"teamwork": "4", "service": "5"})
    assert exc.value.code == "link_expired" and "expired on" in str(exc.value)
    assert not ReviewAnswer.objects.exists()


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 200])
def test_an_unknown_link_is_refused(rw, token):  # noqa: F811
    _link(rw)
    with pytest.raises(DomainError) as exc:
        review_submit_by_link(token=token, scores={"teamwork": "4", "service": "5"})
    assert exc.value.code == "link_invalid"


def test_a_customer_rating_off_the_scale_leaves_the_link_usable(rw):  # noqa: F811
    a, token = _link(rw)
    with pytest.raises(DomainError) as exc:
        review_submit_by_link(token=token, scores={"teamwork": "9", "service": "5"})
    assert exc.value.code == "off_scale"
    assert review_link_open(token=token) == a
