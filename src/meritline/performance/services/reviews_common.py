"""What the review services share: error codes, the cycle's rules and scale, rating
items, deadlines and who is told what."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.notify.services import notify
from meritline.performance.engine import RaterRules, RulesError
from meritline.performance.models import (
    Appraisal,
    Cycle,
    CycleStatus,
    ReviewAssignment,
    ReviewGroup,
    ReviewWindow,
)
from meritline.performance.services.common import issues_text, today

OPEN_FOR_REVIEWS = (CycleStatus.OPEN, CycleStatus.SCORING)


class ReviewCode(StrEnum):
    REVIEWS_OFF = "reviews_off"
    NO_RATING_ITEMS = "no_rating_items"
    UNKNOWN_GROUP = "unknown_group"
    GROUP_UNWEIGHTED = "group_unweighted"
    RATER_REQUIRED = "rater_required"
    SELF_AS_PEER = "self_as_peer"
    SELF_MISMATCH = "self_mismatch"
    INACTIVE_RATER = "inactive_rater"
    ALREADY_ASSIGNED = "already_assigned"
    CYCLE_CLOSED = "cycle_closed"
    DEADLINE_PASSED = "deadline_passed"
    BAD_DEADLINE = "bad_deadline"
    OFF_SCALE = "off_scale"
    UNKNOWN_ITEM = "unknown_item"
    MISSING_ITEM = "missing_item"
    ANSWERED = "answered"
    LINK_INVALID = "link_invalid"
    LINK_USED = "link_used"
    LINK_EXPIRED = "link_expired"
    BAD_DAYS = "bad_days"


def group_label(group: str) -> str:
    return str(ReviewGroup(group).label) if group in ReviewGroup.values else group


def cycle_rater_rules(cycle: Cycle) -> RaterRules:
    """The cycle's rater rules (weights, scale, normalisation); refused when it has none."""
    if not cycle.rater_rules:
        raise DomainError(
            ReviewCode.REVIEWS_OFF,
            _("The cycle %(cycle)s takes no reviews: it has no rater group weights.")
            % {"cycle": cycle.label},
        )
    try:
        return RaterRules.parse({**cycle.rater_rules, "normalise": cycle.normalise})
    except RulesError as exc:
        raise DomainError(ReviewCode.REVIEWS_OFF, issues_text(exc.issues)) from None


def rating_items(appraisal: Appraisal) -> list[dict[str, Any]]:
    """The rating items of the appraisal's frozen template, in template order."""
    return [item for item in appraisal.template.get("items", []) if item.get("kind") == "rating"]


def require_rating_items(appraisal: Appraisal) -> list[dict[str, Any]]:
    items = rating_items(appraisal)
    if not items:
        raise DomainError(
            ReviewCode.NO_RATING_ITEMS,
            _("%(name)s's KPI template has no rating items; there is nothing to review.")
            % {"name": appraisal.employee.name},
        )
    return items


def require_open(cycle: Cycle) -> None:
    if cycle.status not in OPEN_FOR_REVIEWS:
        raise DomainError(
            ReviewCode.CYCLE_CLOSED,
            _("The cycle %(cycle)s is %(status)s: reviews can no longer be given or changed.")
            % {"cycle": cycle.label, "status": CycleStatus(cycle.status).label},
        )


def require_weighted(rules: RaterRules, group: str) -> None:
    if group not in ReviewGroup.values:
        raise DomainError(
            ReviewCode.UNKNOWN_GROUP,
            _("“%(group)s” is not a rater group.") % {"group": group},
            field="group",
        )
    weights = {g.value: w for g, w in rules.weights.items()}
    if weights.get(group, Decimal(0)) <= 0:
        raise DomainError(
            ReviewCode.GROUP_UNWEIGHTED,
            _("This cycle gives the group “%(group)s” no weight; nobody rates in it.")
            % {"group": group_label(group)},
            field="group",
        )


def cycle_deadline(cycle: Cycle) -> date | None:
    window = ReviewWindow.objects.filter(cycle=cycle).first()
    return window.deadline if window else None


def deadline_of(assignment: ReviewAssignment, cycle_day: date | None = None) -> date | None:
    """The assignment's own deadline, else the cycle's (None: until the cycle closes)."""
    if assignment.deadline is not None:
        return assignment.deadline
    return cycle_day if cycle_day is not None else cycle_deadline(assignment.appraisal.cycle)


def require_before_deadline(assignment: ReviewAssignment) -> None:
    deadline = deadline_of(assignment)
    if deadline is not None and today() > deadline:
        raise DomainError(
            ReviewCode.DEADLINE_PASSED,
            _("The review deadline was %(day)s; ratings can no longer be given or changed.")
            % {"day": deadline.isoformat()},
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tell(user: Any, *, subject: str, body: str, link: str, key: str = "") -> None:
    """Send an inbox message once the change commits (never for a change that rolls
    back). ``subject`` and ``body`` are already in the recipient's language."""
    if user is not None:
        transaction.on_commit(
            lambda: notify(user=user, subject=subject, body=body, link=link, key=key)
        )


def in_language(user: Any) -> Any:
    return translation.override(getattr(user, "language", None) or "zh-hans")


def rate_link(assignment: ReviewAssignment) -> str:
    return reverse("performance:review_rate", args=[assignment.pk])
