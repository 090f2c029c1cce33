"""Importing employees from CSV/XLSX files with a validation report (SPEC PLT-7).

Fetch → compute → persist: the file is read and every row validated in memory against
reference data loaded in a few queries (``importers.employees``); then, unless it is a
dry run, the good rows are written through the employee services in one transaction
with a savepoint per row. Every run, refused ones included, is kept as an ``ImportRun``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import scope_for
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.org import importers
from meritline.org.importers import employees as spec
from meritline.org.importers.base import FileRefused, RowError
from meritline.org.importers.employees import Action
from meritline.org.importers.values import CodeMap
from meritline.org.models import (
    Assignment,
    Department,
    Employee,
    EmployeeStatus,
    ImportRun,
    JobLevel,
    LegalEntity,
    Platform,
    Position,
    SalaryChange,
)
from meritline.org.selectors import visible_employee_q
from meritline.org.services.employees import (
    Placement,
    employee_assign,
    employee_create,
    employee_update,
    salary_change_record,
)

KIND = "employees"
ALL_OR_NOTHING = "all_or_nothing"
VALID_ROWS = "valid_rows"
MODES = (ALL_OR_NOTHING, VALID_ROWS)

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    """What an import found and did; ``errors`` has one entry per problem of each bad row."""

    file_name: str
    mode: str
    effective_date: date
    dry_run: bool
    checksum: str = ""
    run_id: int | None = None
    committed: bool = False
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    refused: str = ""
    refused_code: str = ""

    @property
    def changes(self) -> int:
        return self.created + self.updated


class _RollBack(Exception):
    pass


def employee_import(
    *,
    actor: Any,
    file_name: str,
    data: Any,
    mode: str = ALL_OR_NOTHING,
    effective_date: date,
    dry_run: bool,
    run: ImportRun | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate an employee file and, unless ``dry_run``, write it.

    ``data`` is bytes or a file (an ``UploadedFile`` over ``MAX_UPLOAD_BYTES`` is refused
    unread). ``mode`` is "all_or_nothing" (any bad row: nothing is written) or
    "valid_rows" (good rows are written, bad rows reported). ``run`` is the preview run
    being confirmed: same actor, not yet written, and the same file (checksum).
    """
    if not scope_for(actor).manage_people:
        raise PermissionDeniedError(_("You may not import employees."))
    if mode not in MODES:
        raise DomainError("invalid_mode", _("Choose how to treat bad rows."), field="mode")
    if run is not None:
        _check_confirmable(run, actor)
    report = ImportReport(
        file_name=file_name, mode=mode, effective_date=effective_date, dry_run=dry_run
    )
    try:
        importers.extension(file_name)
        raw = importers.read_upload(data, limit=settings.MAX_UPLOAD_BYTES)
        report.checksum = importers.checksum(raw)
        if run is not None and run.checksum != report.checksum:
            raise FileRefused(
                importers.ErrorCode.CHECKSUM_MISMATCH,
                _("The file is not the one that was checked; upload it again."),
            )
        table = importers.read_table(file_name, raw)
        columns = spec.resolve_header(table.header)
    except FileRefused as exc:
        report.refused, report.refused_code = exc.message, exc.code
        return _close_run(_open_run(actor, report, run), report)

    refs = _fetch(actor, effective_date)
    total = len(table.rows)
    plan = spec.plan(
        table, columns, refs, progress=progress and (lambda n: progress("check", n, total))
    )
    run = _open_run(actor, report, run)
    if not dry_run and (mode == VALID_ROWS or not plan.errors):
        report.committed = _persist(actor, plan, report, run, progress)
    _summarise(report, plan)
    return _close_run(run, report)


def _check_confirmable(run: ImportRun, actor: Any) -> None:
    if run.actor_id != getattr(actor, "pk", None) or run.kind != KIND:
        raise PermissionDeniedError(_("Only the person who checked the file may confirm it."))
    if run.committed:
        raise DomainError("already_written", _("This file has already been imported."))


def _summarise(report: ImportReport, plan: spec.Plan) -> None:
    report.total_rows = len(plan.rows)
    report.created = plan.count(Action.CREATE)
    report.updated = plan.count(Action.UPDATE)
    report.unchanged = plan.count(Action.UNCHANGED)
    report.error_rows = plan.count(Action.ERROR)
    report.errors = sorted(plan.errors, key=lambda e: e.row)


def _open_run(actor: Any, report: ImportReport, run: ImportRun | None) -> ImportRun:
    if run is None:
        run = ImportRun.objects.create(
            kind=KIND,
            actor=actor if getattr(actor, "pk", None) else None,
            file_name=report.file_name[:255],
            checksum=report.checksum,
            mode=report.mode,
        )
    return run


def _close_run(run: ImportRun, report: ImportReport) -> ImportReport:
    run.file_name = report.file_name[:255]
    run.checksum = report.checksum
    run.mode = report.mode
    run.committed = report.committed
    run.total_rows = report.total_rows
    run.created_count = report.created
    run.updated_count = report.updated
    run.unchanged_count = report.unchanged
    run.error_count = report.error_rows
    if report.refused:
        run.errors = [RowError(0, report.refused_code, report.refused).as_dict()]
    else:
        run.errors = [e.as_dict() for e in report.errors]
    run.save()
    report.run_id = run.pk
    return report


# Fetch: everything the validation needs, as plain data, in a few queries.


def _fetch(actor: Any, effective_date: date) -> spec.Refs:
    scope = scope_for(actor)
    departments = list(Department.objects.values("id", "code", "name", "region_id", "path"))
    if scope.manage_org:
        allowed: set[int] | None = None
        visible: set[int] | None = None
    else:
        roots = [d["path"] for d in departments if d["id"] in scope.department_ids]
        allowed = {
            d["id"]
            for d in departments
            if d["region_id"] in scope.region_ids or any(d["path"].startswith(p) for p in roots)
        }
        visible = set(
            Employee.objects.filter(visible_employee_q(scope)).values_list("pk", flat=True)
        )
    entities: dict[str, int] = {}
    for pk, code, name in LegalEntity.objects.values_list("pk", "code", "name"):
        entities.setdefault(name, pk)
        entities[code] = pk
    return spec.Refs(
        effective_date=effective_date,
        entities=CodeMap(entities),
        departments=CodeMap(
            {
                d["code"]: spec.DepartmentRef(
                    d["id"], d["name"], allowed is None or d["id"] in allowed
                )
                for d in departments
            }
        ),
        positions=CodeMap(
            {
                code: spec.PositionRef(pk, level_id)
                for pk, code, level_id in Position.objects.values_list("pk", "code", "level_id")
            }
        ),
        levels=CodeMap(dict(JobLevel.objects.values_list("code", "pk"))),
        platforms=CodeMap(dict(Platform.objects.values_list("code", "pk"))),
        employees=_existing_employees(visible),
        id_number_owners=dict(
            Employee.objects.exclude(id_number_index="").values_list(
                "id_number_index", "employee_no"
            )
        ),
        pay_rights=scope.pay_fields,
    )


def _existing_employees(visible: set[int] | None) -> dict[str, spec.Existing]:
    rows = list(
        Employee.objects.values(
            "pk",
            "employee_no",
            "name",
            "gender",
            "email",
            "phone",
            "entity_id",
            "hire_date",
            "status",
            "leave_date",
            "id_number_index",
        )
    )
    number_of = {r["pk"]: r["employee_no"] for r in rows}
    latest: dict[int, tuple[date, spec.Placement]] = {}
    first: dict[int, date] = {}
    for employee_id, valid_from, *ids in Assignment.objects.order_by(
        "employee_id", "valid_from"
    ).values_list(
        "employee_id",
        "valid_from",
        "department_id",
        "position_id",
        "level_id",
        "manager_id",
        "platform_id",
    ):
        department_id, position_id, level_id, manager_id, platform_id = ids
        first.setdefault(employee_id, valid_from)
        latest[employee_id] = (
            valid_from,
            spec.Placement(
                department_id, position_id, level_id, number_of.get(manager_id), platform_id
            ),
        )
    salary: dict[int, tuple[date, int]] = {}
    for employee_id, valid_from, fen in SalaryChange.objects.order_by(
        "employee_id", "valid_from"
    ).values_list("employee_id", "valid_from", "base_salary_fen"):
        salary[employee_id] = (valid_from, fen)
    result: dict[str, spec.Existing] = {}
    for r in rows:
        pk = r["pk"]
        placement_from, placement = latest.get(pk, (None, None))
        salary_from, salary_fen = salary.get(pk, (None, None))
        result[r["employee_no"]] = spec.Existing(
            pk=pk,
            employee_no=r["employee_no"],
            name=r["name"],
            gender=r["gender"],
            email=r["email"],
            phone=r["phone"],
            entity_id=r["entity_id"],
            hire_date=r["hire_date"],
            active=r["status"] == EmployeeStatus.ACTIVE,
            leave_date=r["leave_date"],
            id_number_index=r["id_number_index"],
            in_scope=visible is None or pk in visible,
            placement=placement,
            placement_from=placement_from,
            first_from=first.get(pk),
            salary_fen=salary_fen,
            salary_from=salary_from,
        )
    return result


# Persist: one transaction, a savepoint per row; a service's DomainError fails that row.


class _Instances:
    def __init__(self) -> None:
        self.entities = LegalEntity.objects.in_bulk()
        self.departments = Department.objects.in_bulk()
        self.positions = Position.objects.in_bulk()
        self.levels = JobLevel.objects.in_bulk()
        self.platforms = Platform.objects.in_bulk()
        self.employees: dict[str, Employee] = {
            e.employee_no: e for e in Employee.objects.select_related("entity")
        }

    def placement(self, p: spec.Placement) -> Placement:
        return Placement(
            department=self.departments[p.department_id],
            position=self.positions[p.position_id],
            level=self.levels.get(p.level_id) if p.level_id else None,
            manager=self.employees[p.manager_no] if p.manager_no else None,
            platform=self.platforms.get(p.platform_id) if p.platform_id else None,
        )


def _persist(
    actor: Any, plan: spec.Plan, report: ImportReport, run: ImportRun, progress: Progress | None
) -> bool:
    """Write the plan's good rows; returns whether the transaction committed."""
    rows = plan.writable()
    failed_new: dict[str, int] = {}
    try:
        with transaction.atomic():
            if ImportRun.objects.select_for_update().get(pk=run.pk).committed:
                raise DomainError("already_written", _("This file has already been imported."))
            found = _Instances()
            for done, row in enumerate(rows, start=1):
                if row.manager_no in failed_new:
                    row.fail(
                        importers.ErrorCode.MANAGER_ROW_FAILED,
                        _("The manager's row %d has errors, so this row cannot be imported either.")
                        % failed_new[row.manager_no],
                        "manager",
                    )
                else:
                    try:
                        with transaction.atomic():
                            _write_row(actor, row, found, report.effective_date)
                    except DomainError as exc:
                        row.fail(exc.code, str(exc.message), _column(exc.field))
                if not row.ok and row.existing is None:
                    failed_new[row.employee_no] = row.row
                if progress is not None:
                    progress("write", done, len(rows))
            if report.mode == ALL_OR_NOTHING and plan.errors:
                raise _RollBack
            changes = plan.count(Action.CREATE) + plan.count(Action.UPDATE)
            if changes:
                audit.record(
                    actor=actor,
                    action="org.import.employees",
                    target=run,
                    after={
                        "file_name": report.file_name,
                        "checksum": report.checksum,
                        "mode": report.mode,
                        "effective_date": report.effective_date.isoformat(),
                        "created": plan.count(Action.CREATE),
                        "updated": plan.count(Action.UPDATE),
                        "unchanged": plan.count(Action.UNCHANGED),
                        "errors": plan.count(Action.ERROR),
                    },
                )
    except _RollBack:
        return False
    return True


def _column(field_name: str | None) -> str:
    return field_name if field_name in spec.BY_KEY else ""


def _write_row(actor: Any, row: spec.RowPlan, found: _Instances, effective_date: date) -> None:
    if row.action == Action.CREATE:
        assert row.entity_id is not None and row.hire_date is not None
        found.employees[row.employee_no] = employee_create(
            actor=actor,
            employee_no=row.employee_no,
            name=row.name,
            entity=found.entities[row.entity_id],
            hire_date=row.hire_date,
            placement=found.placement(row.first_placement()),
            gender=row.gender,
            email=row.email,
            phone=row.phone,
            id_number=row.id_number,
            base_salary_fen=row.salary_fen,
        )
        return
    employee = found.employees[row.employee_no]
    if row.changes or row.id_number:
        data = {
            name.removesuffix("_id"): found.entities[v] if name == "entity_id" else v
            for name, v in row.changes.items()
        }
        employee = employee_update(
            actor=actor, employee=employee, data=data, id_number=row.id_number or None
        )
        found.employees[row.employee_no] = employee
    if row.placement is not None:
        employee_assign(
            actor=actor,
            employee=employee,
            valid_from=effective_date,
            placement=found.placement(row.placement),
            reason=_("Import update"),
        )
    if row.salary_fen is not None:
        salary_change_record(
            actor=actor,
            employee=employee,
            valid_from=effective_date,
            base_salary_fen=row.salary_fen,
            reason=_("Import update"),
        )


# Reads of past runs, scoped: everyone with import rights sees their own; HR admins all.
