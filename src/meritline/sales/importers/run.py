"""One import of one table: parse every row's cells, hand the rows to the kind's bulk
service, and report every bad row — its number as the sheet shows it, the column
(the file's own header text), and the reason — with what was created, updated and left
unchanged."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from meritline.org.importers.base import SourceRow, Table
from meritline.sales.errors import ErrorCode
from meritline.sales.importers.columns import CellError, Column, ColumnMap, RowRefused, text
from meritline.sales.importers.records import RecordSpec, Target
from meritline.sales.services.common import (
    ALL_OR_NOTHING,
    RowIssue,
    check_mode,
    reporting_progress,
)

READING = "reading"
PARSE_REPORT_EVERY = 20_000
# Phases of an import and the share of the progress bar each takes.
PHASES = {READING: (0, 20), "checking": (20, 60), "writing": (60, 100)}

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({e["row"] for e in self.errors})


def percent(phase: str, done: int, total: int) -> int:
    start, end = PHASES.get(phase, (0, 100))
    return start + (end - start) * done // max(total, 1)


class _Parser:
    """Parses rows of one table with one column map (kept tight: a million rows)."""

    def __init__(self, spec: RecordSpec, table: Table, columns: ColumnMap) -> None:
        self.spec = spec
        self.formulas = table.formulas
        self.header = columns.header
        self.plan: list[tuple[Column, int, Callable[[str], Any] | None]] = [
            (c, columns.indexes[c.field], None if c.parse is text else c.parse)
            for c in spec.columns
            if c.field in columns.indexes
        ]
        self.key_index = columns.indexes.get("external_id")

    def parse(self, row: SourceRow) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        cells = row.cells
        width = len(cells)
        values: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for column, index, parse in self.plan:
            cell = cells[index] if index < width else ""
            if not cell:
                formula = self.formulas.get((row.number, index)) if self.formulas else None
                if formula is not None:
                    errors.append(self._formula(row, column, index, formula))
                elif column.required:
                    errors.append(
                        self._error(
                            row,
                            column,
                            ErrorCode.REQUIRED,
                            _("%(column)s is required.") % {"column": self.label(column)},
                        )
                    )
                continue
            if parse is None:
                values[column.field] = cell
                continue
            try:
                values[column.field] = parse(cell)
            except CellError as exc:
                errors.append(self._error(row, column, exc.code, exc.message))
        return values, errors

    def label(self, column: Column) -> str:
        index = next((i for c, i, _p in self.plan if c is column), None)
        return self.header[index] if index is not None else str(column.label)

    def _error(
        self, row: SourceRow, column: Column | None, code: str, message: str
    ) -> dict[str, Any]:
        return {
            "row": row.number,
            "column": self.label(column) if column is not None else "",
            "field": column.field if column is not None else "",
            "key": "",
            "code": str(code),
            "message": message,
        }

    def _formula(self, row: SourceRow, column: Column, index: int, formula: str) -> dict[str, Any]:
        return self._error(
            row,
            column,
            ErrorCode.INVALID,
            _(
                "The cell holds the formula %(formula)s but no saved result; open the file in "
                "Excel and save it, or paste the values in place of the formulas."
            )
            % {"formula": formula},
        )


def run_import(
    *,
    actor: Any,
    spec: RecordSpec,
    table: Table,
    columns: ColumnMap,
    target: Target,
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``table`` as records of ``spec``'s kind. With bad cells in all-or-nothing
    mode the service still checks the other rows (a dry run), so that the report lists
    every problem of the file at once; nothing is written."""
    check_mode(mode)
    report_progress: Progress = progress or (lambda phase, done, total: None)
    parser = _Parser(spec, table, columns)
    rows: list[Any] = []
    errors: list[dict[str, Any]] = []
    total = len(table.rows)
    for count, source_row in enumerate(table.rows, start=1):
        values, row_errors = parser.parse(source_row)
        if not row_errors:
            try:
                rows.append(spec.build(values, source_row.number, target))
            except RowRefused as exc:
                column = spec.column(exc.field)
                row_errors.append(parser._error(source_row, column, exc.code, exc.message))
        errors.extend(row_errors)
        if count % PARSE_REPORT_EVERY == 0:
            report_progress(READING, count, total)
    report_progress(READING, total, total)
    check_only = dry_run or (mode == ALL_OR_NOTHING and bool(errors))
    with reporting_progress(report_progress):
        result = spec.bulk(actor=actor, rows=rows, mode=mode, dry_run=check_only)
    errors.extend(_service_error(spec, parser, columns, issue) for issue in result.errors)
    errors.sort(key=lambda e: e["row"])
    return ImportReport(
        total=total,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        written=result.written,
        errors=errors,
    )


def _service_error(
    spec: RecordSpec, parser: _Parser, columns: ColumnMap, issue: RowIssue
) -> dict[str, Any]:
    field_name = spec.column_for_issue(issue.field)
    column = spec.column(field_name) if field_name else None
    header = columns.header_of(field_name) if field_name else ""
    return {
        "row": issue.row,
        "column": header or (str(column.label) if column is not None else ""),
        "field": field_name,
        "key": issue.key,
        "code": str(issue.code),
        "message": issue.message,
    }


def mapping_problems(spec: RecordSpec, mapping: Mapping[str, str]) -> list[str]:
    """Fields of ``mapping`` that ``spec`` does not have."""
    known = {c.field for c in spec.columns}
    return sorted(set(mapping) - known)
