"""The employee import: columns, header matching and row validation (SPEC PLT-7).

``plan(table, refs)`` validates every row against plain reference data loaded by the
service (codes, existing employees, the actor's scope) and decides for each row whether
it creates, updates or leaves an employee unchanged, with every problem it has.
"""

from meritline.org.importers.employee_columns import (
    BY_KEY,
    COLUMNS,
    MAX_LENGTHS,
    SAMPLE_ROWS,
    Column,
    column_label,
    resolve_header,
    template_rows,
)
from meritline.org.importers.employee_data import (
    PERSONAL_FIELDS,
    Action,
    DepartmentRef,
    Existing,
    Placement,
    Plan,
    PositionRef,
    Refs,
    RowPlan,
)
from meritline.org.importers.employee_rows import employee_numbers, plan

__all__ = [
    "BY_KEY",
    "COLUMNS",
    "MAX_LENGTHS",
    "PERSONAL_FIELDS",
    "SAMPLE_ROWS",
    "Action",
    "Column",
    "DepartmentRef",
    "Existing",
    "Placement",
    "Plan",
    "PositionRef",
    "Refs",
    "RowPlan",
    "column_label",
    "employee_numbers",
    "plan",
    "resolve_header",
    "template_rows",
]
