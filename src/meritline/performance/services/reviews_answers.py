"""Giving and changing ratings (PRF-5): by an assigned employee, or once by a customer
through their link. Every change is audited with the scores before and after."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.performance.engine import RaterRules
from meritline.performance.engine.numbers import show
from meritline.performance.errors import ErrorCode
from meritline.performance.models import ReviewAnswer, ReviewAssignment, ReviewGroup
from meritline.performance.services.common import now, parse_decimal
from meritline.performance.services.reviews_common import (
    ReviewCode,
    cycle_rater_rules,
    group_label,
    require_before_deadline,
    require_open,
    require_rating_items,
    token_hash,
)

COMMENT_LIMIT = 1000


def _scores(
    rules: RaterRules, items: list[dict[str, Any]], scores: Mapping[str, Any]
) -> dict[str, Decimal]:
    known = [str(item["id"]) for item in items]
    unknown = sorted(set(scores) - set(known))
    if unknown:
        raise DomainError(
            ReviewCode.UNKNOWN_ITEM,
            _("The appraisal has no rating item %(item)s.") % {"item": ", ".join(unknown)},
            field=unknown[0],
        )
    parsed: dict[str, Decimal] = {}
    for item in items:
        key = str(item["id"])
        raw = scores.get(key)
        if raw is None or str(raw).strip() == "":
            raise DomainError(
                ReviewCode.MISSING_ITEM,
                _("Rate every item: “%(item)s” has no rating.") % {"item": item.get("name") or key},
                field=key,
            )
        value = parse_decimal(raw, field=key, places=2)
        if not rules.scale_min <= value <= rules.scale_max:
            raise DomainError(
                ReviewCode.OFF_SCALE,
                _("A rating is between %(min)s and %(max)s; %(value)s is outside the scale.")
                % {"min": show(rules.scale_min), "max": show(rules.scale_max), "value": raw},
                field=key,
            )
        parsed[key] = value
    return parsed


def _write(
    actor: Any,
    assignment: ReviewAssignment,
    scores: Mapping[str, Any],
    comment: str,
    *,
    by: str,
) -> ReviewAssignment:
    appraisal = assignment.appraisal
    require_open(appraisal.cycle)
    require_before_deadline(assignment)
    if assignment.group != ReviewGroup.SELF and assignment.rater_id == appraisal.employee_id:
        raise DomainError(
            ReviewCode.SELF_AS_PEER,
            _("Nobody rates themself as %(group)s.") % {"group": group_label(assignment.group)},
        )
    items = require_rating_items(appraisal)
    parsed = _scores(cycle_rater_rules(appraisal.cycle), items, scores)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise DomainError(
            ErrorCode.INVALID,
            _("At most %(limit)d characters, please.") % {"limit": COMMENT_LIMIT},
            field="comment",
        )
    before = {a.item: str(a.score) for a in assignment.answers.all()}
    after = {key: str(value) for key, value in parsed.items()}
    if before == after and comment == assignment.comment and assignment.submitted_at:
        return assignment
    ReviewAnswer.objects.filter(assignment=assignment).exclude(item__in=list(parsed)).delete()
    for key, value in parsed.items():
        ReviewAnswer.objects.update_or_create(
            assignment=assignment, item=key, defaults={"score": value}
        )
    first = assignment.submitted_at is None
    before_comment = assignment.comment
    assignment.comment = comment
    assignment.submitted_at = now()
    assignment.save(update_fields=["comment", "submitted_at"])
    audit.record(
        actor=actor,
        action="performance.review.answer" if first else "performance.review.change",
        target=assignment,
        before=None if first else {"scores": before, "comment": before_comment},
        after={"scores": after, "comment": comment, "group": assignment.group, "by": by},
    )
    return assignment


def _locked(pk: int) -> ReviewAssignment:
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("appraisal__cycle", "appraisal__employee", "rater")
        .get(pk=pk)
    )


@transaction.atomic
def review_submit(
    *, actor: Any, assignment_id: int, scores: Mapping[str, Any], comment: str = ""
) -> ReviewAssignment:
    """Give (or change, until the deadline) the ratings of an assignment, one score per
    rating item on the cycle's scale. Only the assigned employee may."""
    try:
        assignment = _locked(assignment_id)
    except ReviewAssignment.DoesNotExist:
        assignment = None
    employee = getattr(actor, "employee", None) if getattr(actor, "pk", None) else None
    if assignment is None or employee is None or assignment.rater_id != employee.pk:
        raise PermissionDeniedError(_("You are not asked to rate this appraisal."))
    return _write(actor, assignment, scores, comment, by="rater")


def review_link_open(*, token: str) -> ReviewAssignment:
    """The customer assignment behind a link; refused when unknown, used or expired."""
    digest = token_hash(token or "")
    assignment = (
        ReviewAssignment.objects.select_related("appraisal__cycle", "appraisal__employee")
        .filter(group=ReviewGroup.CUSTOMER, token_hash=digest)
        .first()
    )
    if assignment is None or not token:
        raise DomainError(
            ReviewCode.LINK_INVALID,
            _("This review link is not valid. Please ask your contact for a new one."),
        )
    if assignment.submitted_at is not None:
        raise DomainError(
            ReviewCode.LINK_USED,
            _("This review link has been used already (on %(day)s); each link works once.")
            % {"day": assignment.submitted_at.date().isoformat()},
        )
    if assignment.link_expires_at is None or assignment.link_expires_at <= now():
        expired = assignment.link_expires_at
        raise DomainError(
            ReviewCode.LINK_EXPIRED,
            _("This review link expired on %(day)s. Please ask your contact for a new one.")
            % {"day": expired.date().isoformat() if expired else "—"},
        )
    return assignment


@transaction.atomic
def review_submit_by_link(
    *, token: str, scores: Mapping[str, Any], comment: str = ""
) -> ReviewAssignment:
    """A customer's ratings through their one-time link (no login); the link is used up."""
    found = review_link_open(token=token)
    assignment = _locked(found.pk)
    review_link_open(token=token)  # again under the lock: a second tab cannot answer twice
    return _write(None, assignment, scores, comment, by=f"customer link: {assignment.contact}")
