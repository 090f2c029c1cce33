"""Who may do what with performance data.

- HR admins write KPI templates, open, score and close cycles, set any target, grant
  awards and calibrate anyone.
- A sales manager sets targets for, grants awards to and calibrates the people of their
  reporting subtree (never themself); an HRBP the same for their region or department
  subtree.
- Everyone reads their own appraisal; a sales manager their reporting subtree; an HRBP
  their region/department subtree; HR admins, finance and auditors everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from meritline.core.access import Role, scope_for
from meritline.org.models import Employee
from meritline.org.selectors import visible_employee_q


def manages_performance(user: Any) -> bool:
    """HR admins: templates, cycles, every target."""
    return scope_for(user).manage_org


def leads_people(user: Any) -> bool:
    """May act on other people's appraisals and targets (within their scope)."""
    scope = scope_for(user)
    return scope.manage_org or scope.has(Role.HRBP) or scope.has(Role.SALES_MANAGER)


def visible_q(user: Any, prefix: str = "employee__") -> Q:
    """A Q over a model reaching Employee through ``prefix``, for the user's scope."""
    return visible_employee_q(scope_for(user), prefix=prefix)


def may_act_on(user: Any, employee_id: int) -> bool:
    """Whether ``user`` may set targets for, award or calibrate this employee."""
    return employee_id in acts_on(user, [employee_id])


def acts_on(user: Any, employee_ids: Iterable[int]) -> set[int]:
    """Those of ``employee_ids`` that ``user`` may set targets for, award or calibrate
    (one query for a whole list)."""
    scope = scope_for(user)
    wanted = set(employee_ids)
    if scope.manage_org:
        return wanted
    if scope.self_employee_id is not None:
        wanted.discard(scope.self_employee_id)  # nobody calibrates themself
    if not wanted or not leads_people(user):
        return set()
    visible = Employee.objects.filter(visible_employee_q(scope), pk__in=wanted)
    return set(visible.values_list("pk", flat=True))
