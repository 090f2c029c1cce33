"""Every read of reviews, scoped to the acting user (PRF-5).

- A rater reads their own assignments (the reviews they are asked to give).
- An appraisal's results are read by whoever may read the appraisal (the employee,
  their managers up the reporting tree, HRBPs of their region, HR, finance, auditors).
  Peer and subordinate answers are shown to everyone only aggregated, and only when at
  least 3 answered; supervisor, self and customer answers are shown as such.
- Who is assigned to rate an appraisal is read by those who may choose its reviewers
  and by the all-rows roles — never by the employee (it would unmask their peers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import NotFoundError, PermissionDeniedError
from meritline.performance import access
from meritline.performance.engine import InputError, RaterRules, Rating, Reason, RulesError
from meritline.performance.engine.raters import ANONYMOUS, GROUPS, RaterGroup
from meritline.performance.engine.raters_vectorized import aggregate_checked
from meritline.performance.models import Appraisal, ReviewAssignment, ReviewGroup, ReviewWindow
from meritline.performance.selectors import appraisal_get
from meritline.performance.services.reviews_data import review_answer_list

NAMED = (ReviewGroup.SUPERVISOR, ReviewGroup.SELF, ReviewGroup.CUSTOMER)


def my_review_list(*, user: Any) -> QuerySet[ReviewAssignment]:
    """The reviews the user is asked to give, newest cycle first."""
    employee_id = scope_for(user).self_employee_id
    return (
        ReviewAssignment.objects.filter(rater_id=employee_id if employee_id else -1)
        .select_related("appraisal__employee", "appraisal__cycle__platform", "rater")
        .order_by("submitted_at", "-appraisal__cycle__period", "appraisal__employee__name")
    )


def my_review_get(*, user: Any, pk: int) -> ReviewAssignment:
    try:
        return my_review_list(user=user).get(pk=pk)
    except ReviewAssignment.DoesNotExist as exc:
        raise NotFoundError(_("Review not found.")) from exc


def deadlines(assignments: list[ReviewAssignment]) -> dict[int, date | None]:
    """Assignment id → its deadline (own, else the cycle's; None: none set)."""
    cycles = {a.appraisal.cycle_id for a in assignments}
    by_cycle = dict(
        ReviewWindow.objects.filter(cycle_id__in=cycles).values_list("cycle_id", "deadline")
    )
    return {a.pk: a.deadline or by_cycle.get(a.appraisal.cycle_id) for a in assignments}


def scale_of(cycle: Any) -> tuple[Decimal | None, Decimal | None]:
    """The cycle's rating scale (None, None: the cycle takes no reviews)."""
    rules = rules_of(cycle)
    return (rules.scale_min, rules.scale_max) if rules else (None, None)


def rules_of(cycle: Any) -> RaterRules | None:
    if not cycle.rater_rules:
        return None
    try:
        return RaterRules.parse({**cycle.rater_rules, "normalise": cycle.normalise})
    except RulesError:
        return None


def may_choose_reviewers(user: Any, appraisal: Appraisal) -> bool:
    return access.may_act_on(user, appraisal.employee_id)


def appraisal_reviewers(*, user: Any, pk: int) -> tuple[Appraisal, QuerySet[ReviewAssignment]]:
    """An appraisal and who is asked to rate it: for those who may choose its reviewers
    and the all-rows roles (404 outside the user's scope, 403 for the rest)."""
    appraisal = appraisal_get(user=user, pk=pk)
    if not (scope_for(user).all_rows or may_choose_reviewers(user, appraisal)):
        raise PermissionDeniedError(_("You may not see who reviews this employee."))
    rows = appraisal.review_assignments.select_related("rater", "customer").prefetch_related(
        "answers"
    )
    return appraisal, rows


@dataclass(frozen=True)
class GroupLine:
    group: str
    label: str
    configured: Decimal
    answered: int
    counted: bool
    mean: Decimal | None = None
    weight: Decimal | None = None  # effective weight after redistribution
    reason: str = ""


@dataclass(frozen=True)
class ItemResult:
    item: str
    name: str
    value: Decimal | None
    groups: list[GroupLine]


@dataclass(frozen=True)
class NamedAnswer:
    group: str
    label: str
    rater: str
    scores: dict[str, Decimal]
    comment: str
    submitted_at: Any


@dataclass
class ReviewResults:
    appraisal: Appraisal
    rules: RaterRules | None
    items: list[ItemResult] = field(default_factory=list)
    named: list[NamedAnswer] = field(default_factory=list)
    comments: dict[str, list[str]] = field(default_factory=dict)
    progress: list[tuple[str, int, int]] = field(default_factory=list)  # label, answered, asked
    problem: str = ""


def _reason(reason: Reason, answered: int, minimum: int) -> str:
    if reason is Reason.NO_ANSWERS:
        return _("no answers yet")
    return _("only %(answered)d of the %(minimum)d answers needed to keep them anonymous") % {
        "answered": answered,
        "minimum": minimum,
    }


def _item_result(item: dict[str, Any], rating: Rating | None, rules: RaterRules) -> ItemResult:
    used = {u.group: u for u in rating.used} if rating else {}
    excluded = {e.group: e for e in rating.excluded} if rating else {}
    lines = []
    for group in GROUPS:
        configured = rules.weight(group)
        if configured == 0:
            continue
        label = str(ReviewGroup(group.value).label)
        if group in used:
            u = used[group]
            lines.append(
                GroupLine(group.value, label, configured, u.answered, True, u.mean, u.weight)
            )
        else:
            e = excluded.get(group)
            answered = e.answered if e else 0
            reason = _reason(e.reason if e else Reason.NO_ANSWERS, answered, rules.anonymity_min)
            lines.append(GroupLine(group.value, label, configured, answered, False, reason=reason))
    return ItemResult(
        str(item["id"]),
        str(item.get("name") or item["id"]),
        rating.value if rating else None,
        lines,
    )


def appraisal_review_results(*, user: Any, pk: int) -> ReviewResults:
    """The aggregated review results of an appraisal the user may read (see module)."""
    appraisal = appraisal_get(user=user, pk=pk)
    results = ReviewResults(appraisal=appraisal, rules=None)
    cycle = appraisal.cycle
    if not cycle.rater_rules:
        results.problem = _("This cycle takes no reviews.")
        return results
    try:
        rules = RaterRules.parse({**cycle.rater_rules, "normalise": cycle.normalise})
        ratings = aggregate_checked(review_answer_list(cycle), rules)
    except (RulesError, InputError) as exc:
        results.problem = _("The reviews cannot be aggregated: %(error)s") % {"error": str(exc)}
        return results
    results.rules = rules
    mine = {r.item: r for r in ratings if r.ratee_id == appraisal.employee_id}
    items = [i for i in appraisal.template.get("items", []) if i.get("kind") == "rating"]
    results.items = [_item_result(i, mine.get(str(i["id"])), rules) for i in items]
    assignments = list(
        appraisal.review_assignments.select_related("rater", "customer").prefetch_related("answers")
    )
    _fill_answers(results, assignments, rules)
    return results


def _fill_answers(
    results: ReviewResults, assignments: list[ReviewAssignment], rules: RaterRules
) -> None:
    counted = {line.group for item in results.items for line in item.groups if line.counted}
    for group in GROUPS:
        if rules.weight(group) == 0:
            continue
        mine = [a for a in assignments if a.group == group.value]
        answered = [a for a in mine if a.submitted_at is not None]
        label = str(ReviewGroup(group.value).label)
        results.progress.append((label, len(answered), len(mine)))
        if group in ANONYMOUS:
            if group.value in counted:
                texts = sorted(a.comment for a in answered if a.comment)
                if texts:
                    results.comments[label] = texts
            continue
        for a in answered:
            results.named.append(
                NamedAnswer(
                    group.value,
                    label,
                    _self_label(a) if group is RaterGroup.SELF else a.rater_label,
                    {ans.item: ans.score for ans in a.answers.all()},
                    a.comment,
                    a.submitted_at,
                )
            )


def _self_label(assignment: ReviewAssignment) -> str:
    return str(assignment.rater.name) if assignment.rater_id else str(_("Self"))
