"""Row validation of the employee import: ``plan(table, columns, refs)`` parses every row,
checks it against the reference data and the other rows of the file, and decides whether
it creates, updates or leaves an employee unchanged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.org import id_numbers
from meritline.org.importers.base import ErrorCode, SourceRow, Table
from meritline.org.importers.employee_columns import COLUMNS
from meritline.org.importers.employee_data import (
    Action,
    Existing,
    Placement,
    Plan,
    Refs,
    RowPlan,
)
from meritline.org.importers.values import (
    CellError,
    CodeMap,
    check_length,
    parse_date,
    parse_email,
    parse_gender,
    parse_phone,
    parse_salary,
)


def employee_numbers(table: Table, columns: Mapping[str, int]) -> set[str]:
    return {r.get(columns["employee_no"]) for r in table.rows} - {""}


def plan(
    table: Table,
    columns: Mapping[str, int],
    refs: Refs,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Validate every row and decide what it does; no row is skipped silently."""
    rows: list[RowPlan] = []
    for done, source in enumerate(table.rows, start=1):
        rows.append(_parse(source, columns, refs))
        if progress is not None and done % 500 == 0:
            progress(done)
    result = Plan(rows)
    _check_duplicates(result.rows)
    _check_id_number_owners(result.rows, refs)
    _check_managers(result.rows, refs)
    for row in result.rows:
        if row.existing is not None:
            _compare(row, refs)
        elif row.ok:
            row.action = Action.CREATE
    _fail_reports_of_failed_new_managers(result.rows)
    if progress is not None:
        progress(len(rows))
    return result


def _parse(source: SourceRow, columns: Mapping[str, int], refs: Refs) -> RowPlan:
    row = RowPlan(row=source.number)
    row.given = frozenset(k for k in ("level", "manager", "platform") if k in columns)
    text = {key: source.get(index) for key, index in columns.items()}
    row.employee_no = text["employee_no"]
    for column in COLUMNS:
        if column.value_required and not text.get(column.key):
            row.fail(
                ErrorCode.REQUIRED,
                _("%(column)s is required.") % {"column": column.label},
                column.key,
            )
    _cell(row, "employee_no", lambda v: check_length(v, _("Employee number"), 32), text)
    _cell(row, "name", lambda v: check_length(v, _("Name"), 100), text)
    _cell(row, "gender", parse_gender, text)
    _cell(row, "email", lambda v: check_length(parse_email(v), _("E-mail"), 254), text)
    _cell(row, "phone", parse_phone, text)
    _cell(row, "hire_date", parse_date, text)
    _cell(row, "base_salary", parse_salary, text, attr="salary_fen")
    _codes(row, text, refs)
    if text.get("manager"):
        row.manager_no = text["manager"]
    if text.get("id_number"):
        value = id_numbers.normalise(text["id_number"])
        try:
            id_numbers.validate(value)
        except DomainError as exc:
            row.fail(ErrorCode.BAD_ID_NUMBER, str(exc.message), "id_number")
        else:
            row.id_number = value
    if row.salary_fen is not None and not refs.pay_rights:
        row.fail(
            ErrorCode.NO_PAY_RIGHTS,
            _("You may not set salaries; leave the base salary column empty."),
            "base_salary",
        )
    row.existing = refs.employees.get(row.employee_no)
    return row


def _cell(
    row: RowPlan,
    key: str,
    parse: Callable[[str], Any],
    text: Mapping[str, str],
    attr: str | None = None,
) -> None:
    value = text.get(key, "")
    if not value:
        return
    try:
        setattr(row, attr or key, parse(value))
    except CellError as exc:
        row.fail(exc.code, exc.message, key)


def _codes(row: RowPlan, text: Mapping[str, str], refs: Refs) -> None:
    lookups: tuple[tuple[str, CodeMap[Any], str, str], ...] = (
        ("entity", refs.entities, "entity_id", ErrorCode.UNKNOWN_ENTITY),
        ("department", refs.departments, "department", ErrorCode.UNKNOWN_DEPARTMENT),
        ("position", refs.positions, "position", ErrorCode.UNKNOWN_POSITION),
        ("level", refs.levels, "level_id", ErrorCode.UNKNOWN_LEVEL),
        ("platform", refs.platforms, "platform_id", ErrorCode.UNKNOWN_PLATFORM),
    )
    messages = {
        "entity": _("No legal entity has the code or name “%s”."),
        "department": _("No department has the code “%s”."),
        "position": _("No position has the code “%s”."),
        "level": _("No job level has the code “%s”."),
        "platform": _("No sales platform has the code “%s”."),
    }
    for key, mapping, attr, code in lookups:
        value = text.get(key, "")
        if not value:
            continue
        found = mapping.find(value)
        if found is None:
            row.fail(code, messages[key] % value, key)
        else:
            setattr(row, attr, found)
    if row.department is not None and not row.department.in_scope:
        row.fail(
            ErrorCode.OUT_OF_SCOPE,
            _("The department “%s” is outside your scope.") % row.department.name,
            "department",
        )


def _rows_text(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _check_duplicates(rows: list[RowPlan]) -> None:
    by_no: dict[str, list[RowPlan]] = defaultdict(list)
    by_id: dict[str, list[RowPlan]] = defaultdict(list)
    for row in rows:
        if row.employee_no:
            by_no[row.employee_no].append(row)
        if row.id_number:
            by_id[row.id_number].append(row)
    for number, same in by_no.items():
        if len(same) > 1:
            for row in same:
                row.fail(
                    ErrorCode.DUPLICATE_EMPLOYEE_NO,
                    _("Employee number %(no)s appears more than once in the file (rows %(rows)s).")
                    % {"no": number, "rows": _rows_text(r.row for r in same)},
                    "employee_no",
                )
    for same in by_id.values():
        if len(same) > 1:
            for row in same:
                row.fail(
                    ErrorCode.DUPLICATE_ID_NUMBER,
                    _("The same ID number appears in rows %s.") % _rows_text(r.row for r in same),
                    "id_number",
                )


def _check_id_number_owners(rows: list[RowPlan], refs: Refs) -> None:
    for row in rows:
        if not row.id_number:
            continue
        owner = refs.id_number_owners.get(refs.index_id_number(row.id_number))
        if owner is not None and owner != row.employee_no:
            row.fail(
                ErrorCode.DUPLICATE_ID_NUMBER,
                _("This ID number already belongs to employee %s.") % owner,
                "id_number",
            )


def _check_managers(rows: list[RowPlan], refs: Refs) -> None:
    in_file = {r.employee_no: r for r in rows if r.employee_no}
    for row in rows:
        manager_no = row.manager_no
        if not manager_no:
            continue
        if manager_no == row.employee_no:
            row.fail(
                ErrorCode.MANAGER_SELF, _("An employee cannot be their own manager."), "manager"
            )
            continue
        existing = refs.employees.get(manager_no)
        if existing is not None and not existing.active:
            row.fail(
                ErrorCode.MANAGER_LEFT,
                _("%(name)s (%(no)s) has left and cannot be a manager.")
                % {"name": existing.name, "no": manager_no},
                "manager",
            )
        elif existing is None and manager_no not in in_file:
            row.fail(
                ErrorCode.UNKNOWN_MANAGER,
                _("No employee numbered “%s” exists, neither in the system nor in this file.")
                % manager_no,
                "manager",
            )
    for cycle in _cycles(in_file, refs):
        chain = " → ".join([*cycle, cycle[0]])
        for number in cycle:
            if number in in_file:
                in_file[number].fail(
                    ErrorCode.MANAGER_CYCLE,
                    _("The reporting lines would form a cycle: %s.") % chain,
                    "manager",
                )


def _manager_after_import(number: str, in_file: Mapping[str, RowPlan], refs: Refs) -> str | None:
    existing = refs.employees.get(number)
    current = existing.placement.manager_no if existing and existing.placement else None
    row = in_file.get(number)
    if row is not None and "manager" in row.given:
        current = row.manager_no
    return None if current == number else current


def _cycles(in_file: Mapping[str, RowPlan], refs: Refs) -> list[list[str]]:
    """Reporting cycles that go through at least one row of the file."""
    done: set[str] = set()
    cycles: list[list[str]] = []
    for start in in_file:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = _manager_after_import(node, in_file, refs)
        if node is not None and node in on_path:
            cycle = path[path.index(node) :]
            if any(n in in_file for n in cycle):
                cycles.append(cycle)
        done |= on_path
    return cycles


def _new_placement(row: RowPlan, existing: Existing) -> Placement:
    old = existing.placement
    assert row.department is not None and row.position is not None
    if "level" in row.given or old is None or old.position_id != row.position.id:
        level_id = row.level_id or row.position.level_id
    else:
        level_id = old.level_id
    return Placement(
        department_id=row.department.id,
        position_id=row.position.id,
        level_id=level_id,
        manager_no=row.manager_no if "manager" in row.given or old is None else old.manager_no,
        platform_id=row.platform_id if "platform" in row.given or old is None else old.platform_id,
    )


def _compare(row: RowPlan, refs: Refs) -> None:
    """Existing employee: only what differs is written; equal rows are "unchanged"."""
    existing = row.existing
    assert existing is not None
    if not existing.active:
        row.fail(
            ErrorCode.EMPLOYEE_LEFT,
            _("Employee %(no)s left on %(date)s; former employees cannot be changed by import.")
            % {"no": existing.employee_no, "date": existing.leave_date or "—"},
            "employee_no",
        )
        return
    if not existing.in_scope:
        row.fail(ErrorCode.OUT_OF_SCOPE, _("This employee is outside your scope."), "employee_no")
        return
    if not row.ok:
        return
    effective = refs.effective_date
    row.changes = {
        name: value for name, value in row.personal().items() if value != getattr(existing, name)
    }
    hire_date = row.hire_date or existing.hire_date
    if "hire_date" in row.changes and existing.first_from and hire_date > existing.first_from:
        row.fail(
            ErrorCode.HIRE_AFTER_ASSIGNMENT,
            _("The hire date cannot be after the first assignment (%s).") % existing.first_from,
            "hire_date",
        )
    if row.id_number and refs.index_id_number(row.id_number) == existing.id_number_index:
        row.id_number = ""
    placement = _new_placement(row, existing)
    if placement != existing.placement:
        row.placement = placement
        if effective < hire_date:
            row.fail(
                ErrorCode.BEFORE_HIRE,
                _("The effective date %(date)s is before the hire date (%(hire)s).")
                % {"date": effective, "hire": hire_date},
            )
        elif existing.placement_from and existing.placement_from >= effective:
            row.fail(
                ErrorCode.ASSIGNMENT_OVERLAP,
                _("A placement already starts on %s; choose a later effective date.")
                % existing.placement_from,
            )
    if row.salary_fen is not None and row.salary_fen == existing.salary_fen:
        row.salary_fen = None
    if row.salary_fen is not None:
        if existing.salary_from and existing.salary_from >= effective:
            row.fail(
                ErrorCode.SALARY_DUPLICATE,
                _("A salary change already starts on %s; choose a later effective date.")
                % existing.salary_from,
                "base_salary",
            )
        elif effective < hire_date:
            row.fail(
                ErrorCode.BEFORE_HIRE,
                _("The effective date %(date)s is before the hire date (%(hire)s).")
                % {"date": effective, "hire": hire_date},
                "base_salary",
            )
    if row.ok:
        changed = row.changes or row.id_number or row.placement or row.salary_fen is not None
        row.action = Action.UPDATE if changed else Action.UNCHANGED


def _fail_reports_of_failed_new_managers(rows: list[RowPlan]) -> None:
    failed_new = {r.employee_no: r.row for r in rows if not r.ok and r.existing is None}
    pending = True
    while pending:
        pending = False
        for row in rows:
            if row.ok and row.manager_no in failed_new:
                row.fail(
                    ErrorCode.MANAGER_ROW_FAILED,
                    _("The manager's row %d has errors, so this row cannot be imported either.")
                    % failed_new[row.manager_no],
                    "manager",
                )
                if row.existing is None:
                    failed_new[row.employee_no] = row.row
                    pending = True
