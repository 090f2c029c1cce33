"""Choosing reviewers (PRF-5): assign raters to an appraisal, the default set from the
org tree, customers' one-time links, removing an unanswered assignment, and the cycle's
review deadline. Answers are in ``reviews_answers``, reminders in ``reviews_reminders``."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.org.models import Employee, EmployeeStatus
from meritline.org.selectors import assignments_on
from meritline.performance import access
from meritline.performance.models import (
    Appraisal,
    Cycle,
    ReviewAssignment,
    ReviewGroup,
    ReviewWindow,
)
from meritline.performance.services.common import now, require, require_hr, required_text, today
from meritline.performance.services.reviews_common import (
    ReviewCode,
    cycle_rater_rules,
    group_label,
    in_language,
    rate_link,
    require_open,
    require_rating_items,
    require_weighted,
    tell,
    token_hash,
)
from meritline.sales.models import Customer

LINK_DAYS = 14
MAX_LINK_DAYS = 60


def _locked_appraisal(actor: Any, appraisal: Appraisal) -> Appraisal:
    appraisal = (
        Appraisal.objects.select_for_update()
        .select_related("cycle", "employee")
        .get(pk=appraisal.pk)
    )
    require(
        access.may_act_on(actor, appraisal.employee_id),
        _("You may not choose reviewers for this employee."),
    )
    require_open(appraisal.cycle)
    require_rating_items(appraisal)
    return appraisal


def _check_rater(appraisal: Appraisal, group: str, rater: Employee | None) -> Employee:
    if rater is None:
        raise DomainError(ReviewCode.RATER_REQUIRED, _("Choose who rates."), field="rater")
    if group == ReviewGroup.SELF and rater.pk != appraisal.employee_id:
        raise DomainError(
            ReviewCode.SELF_MISMATCH,
            _("A self-review is written by %(name)s only.") % {"name": appraisal.employee.name},
            field="rater",
        )
    if group != ReviewGroup.SELF and rater.pk == appraisal.employee_id:
        raise DomainError(
            ReviewCode.SELF_AS_PEER,
            _("%(name)s cannot rate themself as %(group)s; only the self-review is theirs.")
            % {"name": rater.name, "group": group_label(group)},
            field="rater",
        )
    if rater.status != EmployeeStatus.ACTIVE:
        raise DomainError(
            ReviewCode.INACTIVE_RATER,
            _("%(name)s no longer works here.") % {"name": rater.name},
            field="rater",
        )
    existing = ReviewAssignment.objects.filter(appraisal=appraisal, rater=rater).first()
    if existing is not None:
        raise DomainError(
            ReviewCode.ALREADY_ASSIGNED,
            _("%(name)s already rates this appraisal (as %(group)s).")
            % {"name": rater.name, "group": group_label(existing.group)},
            field="rater",
        )
    return rater


def _create(
    actor: Any, appraisal: Appraisal, group: str, rater: Employee, deadline: date | None
) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.create(
        appraisal=appraisal,
        group=group,
        rater=rater,
        deadline=deadline,
        assigned_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="performance.review.assign",
        target=assignment,
        after={
            "appraisal": appraisal.pk,
            "employee": appraisal.employee_id,
            "group": group,
            "rater": rater.pk,
            "deadline": deadline.isoformat() if deadline else None,
        },
    )
    user = rater.user if rater.user_id else None
    if user is not None:
        with in_language(user):
            subject = _("Please review %(name)s (%(cycle)s)") % {
                "name": appraisal.employee.name,
                "cycle": appraisal.cycle.label,
            }
            body = _("You are asked to rate %(name)s as %(group)s.") % {
                "name": appraisal.employee.name,
                "group": group_label(group),
            }
        tell(user, subject=subject, body=body, link=rate_link(assignment))
    return assignment


def _own_deadline(deadline: Any) -> date | None:
    if deadline in (None, ""):
        return None
    if not isinstance(deadline, date):
        try:
            deadline = date.fromisoformat(str(deadline).strip())
        except ValueError:
            raise DomainError(
                ReviewCode.BAD_DEADLINE,
                _("“%(value)s” is not a date; write 2026-12-31.") % {"value": deadline},
                field="deadline",
            ) from None
    if deadline < today():
        raise DomainError(
            ReviewCode.BAD_DEADLINE, _("A deadline cannot be in the past."), field="deadline"
        )
    return deadline


@transaction.atomic
def review_assign(
    *,
    actor: Any,
    appraisal: Appraisal,
    group: str,
    rater: Employee | None,
    deadline: Any = None,
) -> ReviewAssignment:
    """Ask ``rater`` to rate ``appraisal`` in ``group`` (not ``customer``: customers rate
    through :func:`review_link_create`). HR admins, or whoever leads the employee."""
    appraisal = _locked_appraisal(actor, appraisal)
    rules = cycle_rater_rules(appraisal.cycle)
    if group == ReviewGroup.CUSTOMER:
        raise DomainError(
            ReviewCode.UNKNOWN_GROUP,
            _("Customers rate through a one-time link; create one instead."),
            field="group",
        )
    require_weighted(rules, group)
    rater = _check_rater(appraisal, group, rater)
    return _create(actor, appraisal, group, rater, _own_deadline(deadline))


def default_raters(appraisal: Appraisal) -> list[tuple[str, Employee]]:
    """Supervisor (the manager on the cycle's reference day), self, and direct reports —
    those still working here."""
    day = appraisal.cycle.as_of
    current = assignments_on(day).filter(employee__status=EmployeeStatus.ACTIVE)
    found: list[tuple[str, Employee]] = []
    mine = current.filter(employee_id=appraisal.employee_id).select_related("manager").first()
    if mine is not None and mine.manager is not None:
        found.append((ReviewGroup.SUPERVISOR, mine.manager))
    found.append((ReviewGroup.SELF, appraisal.employee))
    found = [(group, person) for group, person in found if person.status == EmployeeStatus.ACTIVE]
    reports = current.filter(manager_id=appraisal.employee_id).select_related("employee")
    found += [(ReviewGroup.SUBORDINATE, a.employee) for a in reports.order_by("employee_id")]
    return found


@transaction.atomic
def review_assign_defaults(
    *, actor: Any, appraisal: Appraisal, peers: Sequence[Employee] = ()
) -> list[ReviewAssignment]:
    """Assign the default set: the supervisor from the org tree, the employee themself,
    their direct reports, and the chosen ``peers`` — each only if the cycle weighs the
    group and the person is not assigned yet. Returns the new assignments."""
    appraisal = _locked_appraisal(actor, appraisal)
    rules = cycle_rater_rules(appraisal.cycle)
    weighted = {g.value for g, w in rules.weights.items() if w > 0}
    if peers:
        require_weighted(rules, ReviewGroup.PEER)
    for peer in peers:
        _check_rater(appraisal, ReviewGroup.PEER, peer)  # not themself, still here
    wanted = [*default_raters(appraisal), *((ReviewGroup.PEER, p) for p in peers)]
    taken = set(
        ReviewAssignment.objects.filter(appraisal=appraisal, rater__isnull=False).values_list(
            "rater_id", flat=True
        )
    )
    created = []
    for group, rater in wanted:
        if group not in weighted or rater.pk in taken:
            continue
        taken.add(rater.pk)
        created.append(_create(actor, appraisal, group, rater, None))
    return created


@transaction.atomic
def review_unassign(*, actor: Any, assignment: ReviewAssignment) -> None:
    """Withdraw an assignment that has not been answered."""
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("appraisal__cycle", "appraisal__employee")
        .get(pk=assignment.pk)
    )
    _locked_appraisal(actor, assignment.appraisal)
    if assignment.submitted_at is not None:
        raise DomainError(
            ReviewCode.ANSWERED,
            _("%(rater)s has answered already; an answered review stays.")
            % {"rater": assignment.rater_label},
        )
    before = audit.snapshot(assignment, ["appraisal", "group", "rater", "customer", "contact"])
    pk = assignment.pk
    assignment.delete()
    audit.record(
        actor=actor,
        action="performance.review.unassign",
        target_type="performance.reviewassignment",
        target_id=pk,
        before=before,
    )


@transaction.atomic
def review_link_create(
    *,
    actor: Any,
    appraisal: Appraisal,
    contact: str,
    customer: Customer | None = None,
    days: Any = LINK_DAYS,
) -> tuple[ReviewAssignment, str]:
    """A one-time link for a customer contact to rate ``appraisal`` without a login,
    valid for ``days`` days. Returns the assignment and the token — shown once; only its
    hash is stored."""
    appraisal = _locked_appraisal(actor, appraisal)
    require_weighted(cycle_rater_rules(appraisal.cycle), ReviewGroup.CUSTOMER)
    contact = required_text(contact, field="contact", limit=100)
    try:
        valid_days = int(str(days).strip())
    except ValueError:
        valid_days = 0
    if not 1 <= valid_days <= MAX_LINK_DAYS:
        raise DomainError(
            ReviewCode.BAD_DAYS,
            _("A link is valid for 1 to %(max)d days.") % {"max": MAX_LINK_DAYS},
            field="days",
        )
    token = secrets.token_urlsafe(24)
    assignment = ReviewAssignment.objects.create(
        appraisal=appraisal,
        group=ReviewGroup.CUSTOMER,
        customer=customer,
        contact=contact,
        token_hash=token_hash(token),
        link_expires_at=now() + timedelta(days=valid_days),
        assigned_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="performance.review.customer_link",
        target=assignment,
        after={
            "appraisal": appraisal.pk,
            "employee": appraisal.employee_id,
            "customer": customer.pk if customer else None,
            "contact": contact,
            "expires_at": assignment.link_expires_at.isoformat(),
        },
    )
    return assignment, token


@transaction.atomic
def review_deadline_set(*, actor: Any, cycle: Cycle, deadline: Any) -> ReviewWindow:
    """Set (or move) the review deadline of a cycle that is still open (HR admins)."""
    require_hr(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require_open(cycle)
    day = _own_deadline(deadline)
    if day is None:
        raise DomainError(ReviewCode.BAD_DEADLINE, _("Choose a deadline."), field="deadline")
    window = ReviewWindow.objects.filter(cycle=cycle).first()
    before = {"deadline": window.deadline.isoformat()} if window else None
    if window is None:
        window = ReviewWindow(cycle=cycle, deadline=day)
    window.deadline = day
    window.set_by = actor if getattr(actor, "pk", None) else None
    window.save()
    audit.record(
        actor=actor,
        action="performance.review.deadline",
        target=cycle,
        before=before,
        after={"deadline": day.isoformat()},
    )
    return window
