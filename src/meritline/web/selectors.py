"""Reads for the shell pages (home dashboard, audit log), each scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.org import selectors as org
from meritline.org.models import Employee, EmployeeStatus

RECENT_DAYS = 90
TOP_DEPARTMENTS = 12
RECENT_LIMIT = 8


# ---------------------------------------------------------------- audit log


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to; empty values mean no filter."""

    actor: str = ""
    action: str = ""
    target_type: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _require_audit_reader(user: object) -> None:
    if not scope_for(user).read_audit:
        raise PermissionDeniedError(
            _("Only HR administrators and auditors may read the audit log.")
        )


def audit_log_list(*, user: object, filters: AuditFilters | None = None) -> QuerySet[AuditLog]:
    """Audit records for readers of the audit log (HR admin, auditor), newest first."""
    _require_audit_reader(user)
    f = filters or AuditFilters()
    rows = AuditLog.objects.select_related("actor")
    if f.actor.strip():
        text = f.actor.strip()
        rows = rows.filter(Q(actor_name__icontains=text) | Q(actor__username__icontains=text))
    if f.action:
        rows = rows.filter(action=f.action)
    if f.target_type:
        rows = rows.filter(target_type=f.target_type)
    if f.date_from is not None:
        rows = rows.filter(at__date__gte=f.date_from)
    if f.date_to is not None:
        rows = rows.filter(at__date__lte=f.date_to)
    return rows


def audit_actions(*, user: object) -> list[str]:
    """The distinct actions recorded so far (for the filter)."""
    _require_audit_reader(user)
    return list(AuditLog.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_target_types(*, user: object) -> list[str]:
    _require_audit_reader(user)
    return list(
        AuditLog.objects.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )


# ---------------------------------------------------------------- home dashboard


@dataclass
class Overview:
    """Headcount in the user's scope."""

    active: int
    left: int
    by_department: list[tuple[str, int]]
    hires: list[Employee] = field(default_factory=list)
    leavers: list[Employee] = field(default_factory=list)
    hires_count: int = 0
    leavers_count: int = 0
    since: date | None = None

    @property
    def total(self) -> int:
        return self.active + self.left


def home_overview(*, user: object, on: date | None = None) -> Overview:
    """Headcount, active vs left, by department, and the last 90 days' hires and leavers."""
    day = on or org.today()
    since = day - timedelta(days=RECENT_DAYS)
    visible = org.employee_list(user=user, on=day)
    counts = dict(
        visible.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    active_ids = visible.filter(status=EmployeeStatus.ACTIVE).values("pk")
    per_department = list(
        org.assignments_on(day)
        .filter(employee__in=active_ids)
        .order_by()
        .values_list("department__name")
        .annotate(n=Count("employee", distinct=True))
        .order_by("-n", "department__name")
    )
    by_department = [(str(name), int(n)) for name, n in per_department[:TOP_DEPARTMENTS]]
    rest = sum(int(n) for _name, n in per_department[TOP_DEPARTMENTS:])
    if rest:
        by_department.append((_("Other departments"), rest))
    hired = visible.filter(hire_date__gte=since, hire_date__lte=day)
    left = visible.filter(status=EmployeeStatus.LEFT, leave_date__gte=since)
    hires = list(hired.order_by("-hire_date")[:RECENT_LIMIT])
    leavers = list(left.order_by("-leave_date")[:RECENT_LIMIT])
    return Overview(
        active=counts.get(EmployeeStatus.ACTIVE, 0),
        left=counts.get(EmployeeStatus.LEFT, 0),
        by_department=by_department,
        hires=hires,
        leavers=leavers,
        hires_count=hired.count(),
        leavers_count=left.count(),
        since=since,
    )


def team_members(*, user: object, on: date | None = None) -> list[Employee]:
    """Active people in the manager's reporting subtree (without the manager)."""
    scope = scope_for(user)
    if not scope.team_manager_ids:
        return []
    team = org.reporting_subtree(scope.team_manager_ids, on=on)
    rows = org.employee_list(user=user, on=on).filter(status=EmployeeStatus.ACTIVE, pk__in=team)
    if scope.self_employee_id is not None:
        rows = rows.exclude(pk=scope.self_employee_id)
    return list(rows.order_by("employee_no"))


def own_profile(*, user: object) -> Employee | None:
    """The signed-in person's own employee record, if they have one."""
    scope = scope_for(user)
    if scope.self_employee_id is None:
        return None
    return org.employee_get(user=user, pk=scope.self_employee_id)
