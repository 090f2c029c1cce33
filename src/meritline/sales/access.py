"""Who may write which sales records, and who counts as a sales director (LED-3).

- HR admins configure the sales rules (platform stages, the big-client threshold,
  qualification standards, SLA rules) and may write every record.
- Sales-record writers — HR admins and finance — upsert customers, deals, collections
  and refunds (the import and API paths), for any owner.
- Sales managers also upsert customers, assign leads within their reporting subtree and
  review lead quality.
- Any active employee registers leads they brought or own and moves their own leads on
  (auditors only read).
- Lead disputes are decided by an HR admin or a **sales director**: a login with the
  sales-manager role whose current post is the top rung of the sales post ladder (the
  sales post with the highest ``ladder_order``, 销售总监 in the demo). Nobody decides a
  dispute they are a party to.
"""

from __future__ import annotations

from typing import Any

from meritline.core.access import Role, scope_for
from meritline.org.models import Position
from meritline.org.selectors import assignments_on, reporting_subtree, today


def read_only(user: Any) -> bool:
    """An auditor with no other role reads but never writes, even as an employee."""
    roles = scope_for(user).roles
    return Role.AUDITOR in roles and roles <= {Role.AUDITOR, Role.EMPLOYEE}


def configures_sales(user: Any) -> bool:
    return scope_for(user).manage_org


def writes_sales_records(user: Any) -> bool:
    scope = scope_for(user)
    return scope.manage_org or scope.has(Role.FINANCE)


def writes_customers(user: Any) -> bool:
    return writes_sales_records(user) or scope_for(user).has(Role.SALES_MANAGER)


def reviews_leads(user: Any) -> bool:
    scope = scope_for(user)
    return scope.manage_org or scope.has(Role.SALES_MANAGER)


def top_sales_post_ids() -> set[int]:
    ladder = Position.objects.filter(is_sales_post=True, ladder_order__isnull=False)
    top = ladder.order_by("-ladder_order").values_list("ladder_order", flat=True).first()
    if top is None:
        return set()
    return set(ladder.filter(ladder_order=top).values_list("pk", flat=True))


def is_sales_director(user: Any) -> bool:
    scope = scope_for(user)
    if not scope.has(Role.SALES_MANAGER) or scope.self_employee_id is None:
        return False
    return (
        assignments_on(today())
        .filter(employee_id=scope.self_employee_id, position_id__in=top_sales_post_ids())
        .exists()
    )


def decides_disputes(user: Any) -> bool:
    return scope_for(user).manage_org or is_sales_director(user)


def managed_ids(user: Any) -> set[int]:
    """The user's employee and everyone below them through reporting lines (empty if no
    employee record)."""
    self_id = scope_for(user).self_employee_id
    return reporting_subtree([self_id]) if self_id is not None else set()
