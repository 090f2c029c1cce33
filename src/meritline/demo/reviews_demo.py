"""The demo company's multi-rater reviews (PRF-5) on its open cycles.

For every appraisal of an open (or scored, not yet calibrated) cycle whose template has
rating items: the review deadline three days ahead (so reminders go out), the default
reviewers from the org tree (supervisor, self, direct reports) plus three peers of the
same team, and a customer link. Most reviews are answered: 陈静's by all three peers,
so her peer feedback shows aggregated; 郑凯's by two only, so his stays hidden and its
weight goes to the others. Some are left open so the raters find them in their to-do
list and inbox. The touched cycles are scored again so the ratings reach the KPI scores.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q

from meritline.core.access import forget_scope
from meritline.core.models import User
from meritline.demo import catalogue as c
from meritline.notify.models import Message
from meritline.org.models import Employee, EmployeeStatus
from meritline.org.selectors import assignments_on
from meritline.performance.models import (
    Appraisal,
    Cycle,
    CycleStatus,
    ReviewAnswer,
    ReviewAssignment,
    ReviewGroup,
    ReviewWindow,
)
from meritline.performance.services.common import today
from meritline.performance.services.reviews import (
    review_assign_defaults,
    review_deadline_set,
    review_link_create,
)
from meritline.performance.services.reviews_answers import review_submit, review_submit_by_link
from meritline.performance.services.reviews_common import rating_items
from meritline.performance.services.reviews_reminders import review_reminders_send
from meritline.performance.services.scoring import cycle_score

OPEN = (CycleStatus.OPEN, CycleStatus.SCORING)
DUE_IN_DAYS = 3  # inside the reminder window: the raters find a reminder in their inbox
PEERS = 3
FEW_PEERS = {"zhengkai"}  # two peers answer: below the anonymity threshold
UNANSWERED = 0.2  # share of employee reviews left open for the to-do lists
COMMENTS = {
    ReviewGroup.SUPERVISOR: ("客户跟进扎实,方案讲解清楚", "本季度进步明显", "需加强回款跟进"),
    ReviewGroup.PEER: ("乐于分享客户资源", "配合及时", "沟通顺畅", ""),
    ReviewGroup.SUBORDINATE: ("带教耐心", "目标清晰", ""),
    ReviewGroup.SELF: ("完成了主要目标", "大客户签约仍需突破", ""),
    ReviewGroup.CUSTOMER: ("响应快,专业", "服务周到", ""),
}


def generate(*, admin: User) -> dict[str, int]:
    """Assign and answer reviews on the open cycles (inside the build's transaction)."""
    forget_scope(admin)
    rng = random.Random(c.DEFAULT_SEED + 5)
    cycles = [
        cycle
        for cycle in Cycle.objects.filter(status__in=OPEN, rater_rules__isnull=False).order_by("pk")
        if any(rating_items(a) for a in cycle.appraisals.all()[:50])
    ]
    for cycle in cycles:
        review_deadline_set(
            actor=admin, cycle=cycle, deadline=today() + timedelta(days=DUE_IN_DAYS)
        )
        appraisals = [a for a in cycle.appraisals.select_related("employee") if rating_items(a)]
        links = {a.pk: _assign(admin, a) for a in appraisals}
        for appraisal in appraisals:
            _answer(rng, appraisal, links[appraisal.pk])
        cycle_score(actor=admin, cycle=cycle)
    review_reminders_send(day=today())
    return {
        "review_cycles": len(cycles),
        "review_assignments": ReviewAssignment.objects.count(),
        "review_answers": ReviewAnswer.objects.count(),
    }


def _assign(admin: User, appraisal: Appraisal) -> str:
    """The default set plus the first three teammates as peers, and a customer link
    (its token is returned: only its hash is stored)."""
    team = (
        assignments_on(appraisal.cycle.as_of)
        .filter(department_id=appraisal.department_id, employee__status=EmployeeStatus.ACTIVE)
        .exclude(employee_id=appraisal.employee_id)
        .order_by("employee__employee_no")
        .values_list("employee_id", flat=True)
    )
    peers = list(Employee.objects.filter(pk__in=list(team[:PEERS])).order_by("employee_no"))
    rules = appraisal.cycle.rater_rules or {}
    weights = rules.get("weights", {})
    if Decimal(str(weights.get("peer", 0))) <= 0:
        peers = []
    review_assign_defaults(actor=admin, appraisal=appraisal, peers=peers)
    if Decimal(str(weights.get("customer", 0))) <= 0:
        return ""
    _link, token = review_link_create(
        actor=admin, appraisal=appraisal, contact="客户联系人", days=14
    )
    return token


def _answer(rng: random.Random, appraisal: Appraisal, token: str) -> None:
    items = [str(i["id"]) for i in rating_items(appraisal)]
    rules = appraisal.cycle.rater_rules or {}
    low = int(Decimal(str(rules.get("scale_min", 1))))
    high = int(Decimal(str(rules.get("scale_max", 5))))
    login = appraisal.employee.user.username if appraisal.employee.user_id else ""
    peers_answered = 0
    for assignment in appraisal.review_assignments.select_related("rater__user").order_by("pk"):
        if assignment.group == ReviewGroup.CUSTOMER or not assignment.rater.user_id:
            continue  # customers answer through their link; people without a login cannot
        if assignment.group == ReviewGroup.PEER:
            if login in FEW_PEERS and peers_answered >= 2:
                continue
            peers_answered += 1
        elif rng.random() < UNANSWERED:
            continue
        scores = {item: str(_score(rng, low, high)) for item in items}
        review_submit(
            actor=assignment.rater.user,
            assignment_id=assignment.pk,
            scores=scores,
            comment=rng.choice(COMMENTS[ReviewGroup(assignment.group)]),
        )
    if token and rng.random() >= UNANSWERED:
        review_submit_by_link(
            token=token,
            scores={item: str(_score(rng, low, high)) for item in items},
            comment=rng.choice(COMMENTS[ReviewGroup.CUSTOMER]),
        )


def _score(rng: random.Random, low: int, high: int) -> int:
    return max(low, min(high, round(rng.gauss((low + high) * 0.6 + 0.5, 0.8))))


def wipe() -> dict[str, int]:
    """Delete the reviews and the inbox messages about them (before the appraisals go)."""
    counts = {"review_assignments": ReviewAssignment.objects.count()}
    ReviewAnswer.objects.all().delete()
    ReviewAssignment.objects.all().delete()
    ReviewWindow.objects.all().delete()
    Message.objects.filter(Q(link__startswith="/performance/reviews/")).delete()
    return counts
