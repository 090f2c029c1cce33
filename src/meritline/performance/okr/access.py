"""Who may read and write OKRs.

- Read: every logged-in user reads public objectives; a private one only its owner, the
  people above the owner in the reporting lines (their managers, at any depth), HR admins
  and the HR business partners whose region or department holds the owner.
- Write (edit, key results, check-ins, the owner's grade): the owner and their managers,
  and HR admins; only while the period is open. Company objectives: HR admins only.
- Review of a grade: the owner's managers and HR admins, never the owner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from meritline.core.access import Role, scope_for
from meritline.org.selectors import reporting_subtree, visible_employee_q
from meritline.performance.okr.models import Level, Objective, Visibility


def is_hr_admin(user: Any) -> bool:
    return scope_for(user).manage_org


def managed_ids(user: Any) -> set[int]:
    """The employees below the user in the reporting lines (the user not included)."""
    me = scope_for(user).self_employee_id
    if me is None:
        return set()
    return reporting_subtree([me]) - {me}


def readable_q(user: Any) -> Q:
    """A Q over Objective for what ``user`` may read."""
    scope = scope_for(user)
    if scope.manage_org:
        return Q()
    q = Q(visibility=Visibility.PUBLIC)
    owners = managed_ids(user)
    if scope.self_employee_id is not None:
        owners.add(scope.self_employee_id)
    q |= Q(owner_id__in=owners)
    if scope.has(Role.HRBP):
        q |= visible_employee_q(scope, prefix="owner__")
    return q


def may_write(user: Any, objective: Objective) -> bool:
    """The owner, their managers and HR admins (company objectives: HR admins)."""
    if is_hr_admin(user):
        return True
    if objective.level == Level.COMPANY:
        return False
    return may_act_for(user, objective.owner_id)


def may_act_for(user: Any, owner_id: int) -> bool:
    """Whether ``user`` may set objectives for the employee ``owner_id``."""
    if is_hr_admin(user):
        return True
    scope = scope_for(user)
    return owner_id == scope.self_employee_id or owner_id in managed_ids(user)


def may_review(user: Any, objective: Objective) -> bool:
    if is_hr_admin(user):
        return True
    return objective.owner_id in managed_ids(user)
