"""Reminders (PRF-5): raters with unanswered reviews hear about them in their inbox in
the days before the deadline — one message per rater per day, however often it runs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meritline.notify.services import notify
from meritline.performance.models import ReviewAssignment, ReviewWindow
from meritline.performance.services.common import today
from meritline.performance.services.reviews_common import OPEN_FOR_REVIEWS, in_language

REMIND_DAYS = 3


def due_assignments(
    day: date, within_days: int = REMIND_DAYS
) -> dict[int, list[tuple[ReviewAssignment, date]]]:
    """Rater user id → their unanswered assignments (with the deadline) due between
    ``day`` and ``day + within_days`` (inclusive), in open cycles."""
    last = day + timedelta(days=within_days)
    windows = dict(
        ReviewWindow.objects.filter(cycle__status__in=OPEN_FOR_REVIEWS).values_list(
            "cycle_id", "deadline"
        )
    )
    rows = (
        ReviewAssignment.objects.filter(
            submitted_at__isnull=True,
            rater__user__isnull=False,
            rater__user__is_active=True,
            appraisal__cycle__status__in=OPEN_FOR_REVIEWS,
        )
        .select_related("rater__user", "appraisal__employee", "appraisal__cycle")
        .order_by("appraisal__cycle_id", "pk")
    )
    due: dict[int, list[tuple[ReviewAssignment, date]]] = defaultdict(list)
    for assignment in rows:
        deadline = assignment.deadline or windows.get(assignment.appraisal.cycle_id)
        if deadline is not None and day <= deadline <= last:
            due[assignment.rater.user_id].append((assignment, deadline))
    return due


@transaction.atomic
def review_reminders_send(*, day: date | None = None, within_days: int = REMIND_DAYS) -> int:
    """Remind every rater with unanswered reviews due within ``within_days`` days; how
    many messages were sent (a second run on the same day sends none)."""
    day = day or today()
    sent = 0
    for pairs in due_assignments(day, within_days).values():
        assignments = [a for a, _day in pairs]
        user = assignments[0].rater.user
        first = min(deadline for _a, deadline in pairs)
        with in_language(user):
            subject = ngettext(
                "%(count)d review to give by %(day)s",
                "%(count)d reviews to give by %(day)s",
                len(assignments),
            ) % {"count": len(assignments), "day": first.isoformat()}
            body = _("Still waiting for your rating: %(names)s.") % {
                "names": "、".join(a.appraisal.employee.name for a in assignments)
            }
        message = notify(
            user=user,
            subject=subject,
            body=body,
            link=reverse("performance:review_todo"),
            key=f"performance.review_reminder:{day.isoformat()}",
        )
        sent += message is not None
    return sent
