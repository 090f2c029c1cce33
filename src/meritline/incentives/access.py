"""Who may do what with incentives.

- Finance and HR admins write plans, commission terms and runs, approve plan versions
  (never their own) and decide disputes; auditors read runs and statements.
- Every employee reads their own statements and lines, estimates their own commission
  and disputes their own lines; a sales manager also reads and estimates for their
  reporting subtree.
"""

from __future__ import annotations

from typing import Any

from meritline.core.access import Role, scope_for
from meritline.org.selectors import reporting_subtree


def manages_incentives(user: Any) -> bool:
    scope = scope_for(user)
    return scope.manage_org or scope.has(Role.FINANCE)


def reads_all(user: Any) -> bool:
    scope = scope_for(user)
    return scope.manage_org or scope.has(Role.FINANCE) or scope.has(Role.AUDITOR)


def visible_payee_ids(user: Any) -> set[int] | None:
    """Whose statements the user sees: None for everybody, else a set of employee ids."""
    if reads_all(user):
        return None
    scope = scope_for(user)
    if scope.self_employee_id is None:
        return set()
    if scope.has(Role.SALES_MANAGER):
        return reporting_subtree([scope.self_employee_id])
    return {scope.self_employee_id}


def self_employee_id(user: Any) -> int | None:
    return scope_for(user).self_employee_id
