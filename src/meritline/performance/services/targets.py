"""Targets cascading company → platform → team → employee (PRF-1): set one, import a
batch (all or nothing), and list where the children do not add up to their parent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import scope_for
from meritline.core.errors import DomainError, NotFoundError
from meritline.metrics import METRICS, Unit
from meritline.org.models import Department, Employee, Platform
from meritline.org.selectors import assignments_on, employee_by_number
from meritline.performance import access
from meritline.performance.errors import ErrorCode
from meritline.performance.models import Target, TargetLevel, owner_key
from meritline.performance.services.common import (
    parse_decimal,
    parse_period,
    require,
    required_text,
)

LEVEL_ORDER = [TargetLevel.COMPANY, TargetLevel.PLATFORM, TargetLevel.TEAM, TargetLevel.EMPLOYEE]


@transaction.atomic
def target_set(
    *,
    actor: Any,
    level: str,
    period: str,
    metric: str,
    value: Any,
    platform: Platform | None = None,
    department: Department | None = None,
    employee: Employee | None = None,
) -> Target:
    """Set (create or change) one target. Company, platform and team targets are set by
    HR admins; employee targets also by the employee's leaders. An employee target rolls
    up to the team and platform of the employee's assignment at the end of the period
    unless given. A negative target is refused, and so is a money target (a metric in
    fen) in fractions of a fen."""
    if level not in TargetLevel.values:
        raise DomainError(ErrorCode.BAD_LEVEL, _("Choose a target level."), field="level")
    text = str(parse_period(period))
    metric = required_text(metric, field="metric", limit=64)
    number = parse_decimal(value, field="value", places=6)
    if number < 0:
        raise DomainError(
            ErrorCode.NEGATIVE_TARGET,
            _("A target must not be negative, not %(value)s.") % {"value": value},
            field="value",
        )
    if _in_fen(metric) and number != number.to_integral_value():
        raise DomainError(
            ErrorCode.INVALID,
            _("A money target is a whole number of fen (1 yuan = 100 fen), not %(value)s.")
            % {"value": value},
            field="value",
        )
    if level == TargetLevel.EMPLOYEE:
        if employee is None:
            raise DomainError(ErrorCode.REQUIRED, _("Choose the employee."), field="employee")
        require(
            access.may_act_on(actor, employee.pk),
            _("You may not set targets for this employee."),
        )
        if department is None:
            current = assignments_on(parse_period(period).end).filter(employee=employee).first()
            if current is None:
                raise DomainError(
                    ErrorCode.UNKNOWN_OWNER,
                    _("%(employee)s has no assignment in %(period)s.")
                    % {"employee": employee.name, "period": text},
                    field="employee",
                )
            department = current.department
            platform = platform or current.platform
    else:
        require(
            access.manages_performance(actor),
            _("Only an HR admin may set company, platform and team targets."),
        )
        employee = None
        if level == TargetLevel.COMPANY:
            platform, department = None, None
        elif level == TargetLevel.PLATFORM:
            department = None
            if platform is None:
                raise DomainError(ErrorCode.REQUIRED, _("Choose the platform."), field="platform")
        elif department is None:
            raise DomainError(ErrorCode.REQUIRED, _("Choose the team."), field="department")
    key = owner_key(
        level,
        platform_id=platform.pk if platform else None,
        department_id=department.pk if department else None,
        employee_id=employee.pk if employee else None,
    )
    target = Target.objects.select_for_update().filter(owner_key=key, period=text, metric=metric)
    row = target.first()
    before = audit.snapshot(row, ["value", "platform", "department"]) if row else None
    if row is None:
        row = Target(owner_key=key, period=text, metric=metric, level=level)
    row.platform, row.department, row.employee = platform, department, employee
    row.value = number
    row.set_by = actor if getattr(actor, "pk", None) else None
    row.save()
    audit.record(
        actor=actor,
        action="performance.target.set",
        target=row,
        before=before,
        after=audit.snapshot(row, ["level", "period", "metric", "value", "platform", "department"]),
    )
    return row


def _in_fen(metric: str) -> bool:
    found = METRICS.get(metric)
    return found is not None and found.unit is Unit.FEN


@dataclass(frozen=True)
class TargetRow:
    """One row of a target import: codes as people write them."""

    row: int
    level: str
    period: str
    metric: str
    value: str
    platform: str = ""
    department: str = ""
    employee: str = ""


@dataclass
class ImportResult:
    written: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


class _Rollback(Exception):
    pass


def targets_import(*, actor: Any, rows: Sequence[TargetRow]) -> ImportResult:
    """Set every row's target, or none when any row is bad: each bad row is reported with
    its number, field and reason."""
    result = ImportResult()
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():
                        target_set(actor=actor, **_resolve(actor, row))
                    result.written += 1
                except DomainError as exc:
                    result.errors.append(
                        {"row": row.row, "field": exc.field or "", "message": str(exc)}
                    )
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.written = 0
    return result


def _resolve(actor: Any, row: TargetRow) -> dict[str, Any]:
    refs: dict[str, Any] = {}
    for name, model, lookup, text in (
        ("platform", Platform, "code", row.platform),
        ("department", Department, "code", row.department),
    ):
        if text.strip():
            found = model.objects.filter(**{lookup: text.strip()}).first()
            if found is None:
                raise _unknown(name, text)
            refs[name] = found
    if row.employee.strip():
        refs["employee"] = _employee(actor, row.employee)
    return {
        "level": row.level.strip(),
        "period": row.period,
        "metric": row.metric,
        "value": row.value,
        **refs,
    }


def _unknown(field: str, code: str) -> DomainError:
    return DomainError(
        ErrorCode.UNKNOWN_OWNER, _("Unknown code %(code)s.") % {"code": code.strip()}, field=field
    )


def _employee(actor: Any, number: str) -> Employee:
    """The employee numbered ``number`` among those ``actor`` may see: for someone who
    does not see everyone, an unknown number is refused like one out of scope."""
    try:
        return employee_by_number(
            user=actor,
            number=number,
            refusal=_("You may not set targets for this employee."),
            field="employee",
        )
    except NotFoundError:
        raise _unknown("employee", number) from None


@dataclass(frozen=True)
class TargetGap:
    """A parent whose children's targets do not add up to it (``parent`` None: the
    children have no parent target at all)."""

    period: str
    metric: str
    parent_key: str
    parent: Target | None
    children: list[Target]
    children_total: Decimal

    @property
    def difference(self) -> Decimal | None:
        """Children's total minus the parent's target (None without a parent target)."""
        return None if self.parent is None else self.children_total - self.parent.value


def target_gaps(*, user: Any, period: str, metric: str | None = None) -> list[TargetGap]:
    """Every parent target of ``period`` whose children (one level down) add up to
    another value, and every set of children without a parent target. For HR, HRBPs,
    sales managers, finance and auditors (computed over all targets of the period)."""
    scope = scope_for(user)
    require(scope.all_rows or access.leads_people(user), _("You may not see the target cascade."))
    rows = Target.objects.filter(period=str(parse_period(period))).select_related(
        "platform", "department", "employee"
    )
    if metric:
        rows = rows.filter(metric=metric)
    by_key: dict[tuple[str, str], Target] = {}
    children: dict[tuple[str, str], list[Target]] = defaultdict(list)
    for target in rows:
        by_key[(target.metric, target.owner_key)] = target
        parent = target.parent_key
        if parent is not None:
            children[(target.metric, parent)].append(target)
    gaps = []
    for (name, parent_key), kids in children.items():
        parent = by_key.get((name, parent_key))
        total = sum((kid.value for kid in kids), Decimal(0))
        if parent is None or total != parent.value:
            gaps.append(TargetGap(str(parse_period(period)), name, parent_key, parent, kids, total))
    return sorted(
        gaps,
        key=lambda g: (
            g.metric,
            LEVEL_ORDER.index(TargetLevel(g.parent.level)) if g.parent else -1,
            g.parent_key,
        ),
    )
