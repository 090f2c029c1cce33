"""Choosing reviewers (PRF-5): who may assign, the default set from the org tree, customer
links, the deadline — and every bad input refused with its own message, nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.models import CycleStatus, ReviewAssignment, ReviewWindow
from meritline.performance.services.reviews import (
    review_assign,
    review_assign_defaults,
    review_deadline_set,
    review_link_create,
    review_unassign,
)
from meritline.performance.services.reviews_common import token_hash
from tests.performance.test_reviews_cast import rw  # noqa: F401 - the reviews cast


def test_a_manager_assigns_a_peer_to_someone_they_lead_and_it_is_audited(rw):  # noqa: F811
    w = rw.w
    a = review_assign(
        actor=w.manager, appraisal=rw.appraisal(w.chenjing), group="peer", rater=w.sunlei
    )
    assert (a.group, a.rater, a.assigned_by) == ("peer", w.sunlei, w.manager)
    log = AuditLog.objects.get(action="performance.review.assign")
    assert log.after["rater"] == w.sunlei.pk and log.actor == w.manager


def test_the_default_set_takes_the_supervisor_from_the_org_tree_self_and_chosen_peers(rw):  # noqa: F811
    w = rw.w
    made = review_assign_defaults(
        actor=w.hr_admin, appraisal=rw.appraisal(w.chenjing), peers=[w.sunlei, w.zhouting]
    )
    assert {(a.group, a.rater.name) for a in made} == {
        ("supervisor", "张伟"),
        ("self", "陈静"),
        ("peer", "孙磊"),
        ("peer", "周婷"),
    }
    again = review_assign_defaults(actor=w.hr_admin, appraisal=rw.appraisal(w.chenjing))
    assert again == [] and ReviewAssignment.objects.count() == 4


def test_the_default_set_leaves_out_a_supervisor_who_has_left_and_refuses_such_a_peer(rw):  # noqa: F811
    from meritline.core.errors import DomainError
    from meritline.org.models import EmployeeStatus

    w = rw.w
    type(w.zhangwei).objects.filter(pk__in=[w.zhangwei.pk, w.zhouting.pk]).update(
        status=EmployeeStatus.LEFT
    )
    w.zhouting.refresh_from_db()
    with translation.override("en"), pytest.raises(DomainError, match="no longer works here"):
        review_assign_defaults(
            actor=w.hr_admin, appraisal=rw.appraisal(w.chenjing), peers=[w.zhouting]
        )
    assert ReviewAssignment.objects.count() == 0
    made = review_assign_defaults(actor=w.hr_admin, appraisal=rw.appraisal(w.chenjing))
    assert {(a.group, a.rater.name) for a in made} == {("self", "陈静")}


def test_subordinates_are_in_the_default_set_only_when_the_cycle_weighs_them(world):
    from tests.performance.test_reviews_cast import ReviewWorld, open_cycle

    rules = {
        "weights": {"supervisor": "60", "subordinate": "40"},
        "scale_min": "1",
        "scale_max": "5",
    }
    rw2 = ReviewWorld(world, open_cycle(world, rules=rules))
    made = review_assign_defaults(actor=world.hr_admin, appraisal=rw2.appraisal(world.zhangwei))
    assert sorted((a.group, a.rater.name) for a in made) == [
        ("subordinate", "孙磊"),
        ("subordinate", "陈静"),
    ]


BAD = [
    ("self as peer", "peer", "chenjing", "self_as_peer", "陈静 cannot rate themself as Peer"),
    ("self by another", "self", "sunlei", "self_mismatch", "written by 陈静 only"),
    ("group without weight", "subordinate", "sunlei", "group_unweighted", "no weight"),
    ("unknown group", "friend", "sunlei", "unknown_group", "“friend” is not a rater group"),
    ("customer by hand", "customer", "sunlei", "unknown_group", "one-time link"),
]


@pytest.mark.parametrize(("case", "group", "rater", "code", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_assignments_are_refused_with_their_reason_and_nothing_written(
    rw,  # noqa: F811
    case,
    group,
    rater,
    code,
    words,
):
    w = rw.w
    with translation.override("en"), pytest.raises(DomainError) as exc:
        review_assign(
            actor=w.hr_admin,
            appraisal=rw.appraisal(w.chenjing),
            group=group,
            rater=getattr(w, rater),
        )
    assert exc.value.code == code
    assert words in str(exc.value), str(exc.value)
    assert not ReviewAssignment.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="performance.review").exists()


def test_the_same_rater_twice_is_refused(rw):  # noqa: F811
    rw.ask(rw.w.chenjing, rw.w.sunlei)
    with pytest.raises(DomainError) as exc:
        rw.ask(rw.w.chenjing, rw.w.sunlei, "supervisor")
    assert exc.value.code == "already_assigned"
    assert ReviewAssignment.objects.count() == 1


def test_a_past_or_unreadable_own_deadline_is_refused(rw):  # noqa: F811
    w = rw.w
    for value, in_words in [
        (timezone.localdate() - timedelta(days=1), "past"),
        ("next friday", "not a date"),
    ]:
        with translation.override("en"), pytest.raises(DomainError) as exc:
            review_assign(
                actor=w.hr_admin,
                appraisal=rw.appraisal(w.chenjing),
                group="peer",
                rater=w.sunlei,
                deadline=value,
            )
        assert exc.value.code == "bad_deadline" and in_words in str(exc.value)
    assert not ReviewAssignment.objects.exists()


def test_only_those_who_lead_the_employee_choose_reviewers(rw):  # noqa: F811
    w = rw.w
    for actor, employee in [
        (w.employee, w.sunlei),  # a rep
        (w.manager, w.liuyang),  # outside 张伟's team
        (w.manager, w.zhangwei),  # never for oneself
        (w.hrbp, w.liuyang),  # 华南 is outside 李强's region
        (w.finance, w.chenjing),  # reads all, leads nobody
    ]:
        with pytest.raises(PermissionDeniedError):
            review_assign(
                actor=actor, appraisal=rw.appraisal(employee), group="peer", rater=w.wuhao
            )
    assert not ReviewAssignment.objects.exists()


def test_nothing_is_assigned_in_a_closed_cycle(rw):  # noqa: F811
    rw.cycle.status = CycleStatus.CLOSED
    rw.cycle.save()
    with pytest.raises(DomainError) as exc:
        rw.ask(rw.w.chenjing, rw.w.sunlei)
    assert exc.value.code == "cycle_closed"


def test_a_customer_link_is_stored_only_as_its_hash_and_expires(rw):  # noqa: F811
    w = rw.w
    a, token = review_link_create(
        actor=w.manager, appraisal=rw.appraisal(w.chenjing), contact="华星科技 王总", days="7"
    )
    assert a.group == "customer" and a.rater is None
    assert a.token_hash == token_hash(token) and token not in a.token_hash
    assert timedelta(days=6, hours=23) < a.link_expires_at - timezone.now() <= timedelta(days=7)
    log = AuditLog.objects.get(action="performance.review.customer_link")
    assert token not in str(log.after)


@pytest.mark.parametrize(
    ("contact", "days", "code"),
    [
        ("", "7", "required"),
        ("王总", "0", "bad_days"),
        ("王总", "61", "bad_days"),
        ("王总", "x", "bad_days"),
    ],
)
def test_bad_customer_links_are_refused(rw, contact, days, code):  # noqa: F811
    with pytest.raises(DomainError) as exc:
        review_link_create(
            actor=rw.w.hr_admin, appraisal=rw.appraisal(rw.w.chenjing), contact=contact, days=days
        )
    assert exc.value.code == code
    assert not ReviewAssignment.objects.exists()


def test_an_answered_assignment_cannot_be_withdrawn_an_open_one_can(rw):  # noqa: F811
    w = rw.w
    answered = rw.ask(w.chenjing, w.sunlei)
    rw.rate(answered, 4, 4)
    waiting = rw.ask(w.chenjing, w.zhouting)
    with pytest.raises(DomainError) as exc:
        review_unassign(actor=w.manager, assignment=answered)
    assert exc.value.code == "answered"
    review_unassign(actor=w.manager, assignment=waiting)
    assert list(ReviewAssignment.objects.all()) == [answered]
    assert AuditLog.objects.filter(action="performance.review.unassign").count() == 1


def test_hr_sets_the_cycles_review_deadline_and_nobody_else(rw):  # noqa: F811
    w = rw.w
    day = timezone.localdate() + timedelta(days=10)
    review_deadline_set(actor=w.hr_admin, cycle=rw.cycle, deadline=day.isoformat())
    assert ReviewWindow.objects.get(cycle=rw.cycle).deadline == day
    with pytest.raises(PermissionDeniedError):
        review_deadline_set(actor=w.manager, cycle=rw.cycle, deadline=day)
    with pytest.raises(DomainError) as exc:
        review_deadline_set(actor=w.hr_admin, cycle=rw.cycle, deadline="")
    assert exc.value.code == "bad_deadline"
    assert ReviewWindow.objects.get(cycle=rw.cycle).deadline == day


def test_the_rater_hears_of_the_assignment_in_the_inbox_once_it_commits(
    rw,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from meritline.notify.models import Message

    w = rw.w
    w.other_employee.language = "en"
    w.other_employee.save()
    with django_capture_on_commit_callbacks(execute=True):
        a = rw.ask(w.chenjing, w.sunlei)
    message = Message.objects.get(recipient=w.other_employee)
    assert message.subject == "Please review 陈静 (Company-wide 2026-Q3)"
    assert message.link == f"/performance/reviews/{a.pk}/"
