"""Plain data of the employee import: the reference data the service loads in a few
queries, and the plan that validation makes of each row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from meritline.core.crypto import blind_index
from meritline.org.importers.base import RowError
from meritline.org.importers.values import CodeMap

PERSONAL_FIELDS = ("name", "gender", "email", "phone", "entity_id", "hire_date")


@dataclass(frozen=True)
class DepartmentRef:
    id: int
    name: str
    in_scope: bool = True


@dataclass(frozen=True)
class PositionRef:
    id: int
    level_id: int | None


@dataclass(frozen=True)
class Placement:
    """Where an employee sits; the manager by employee number (it may be new in the file)."""

    department_id: int
    position_id: int
    level_id: int | None = None
    manager_no: str | None = None
    platform_id: int | None = None


@dataclass(frozen=True)
class Existing:
    """An employee already in the database, as plain data."""

    pk: int
    employee_no: str
    name: str
    gender: str
    email: str
    phone: str
    entity_id: int
    hire_date: date
    active: bool = True
    leave_date: date | None = None
    id_number_index: str = ""
    in_scope: bool = True
    placement: Placement | None = None  # the latest assignment
    placement_from: date | None = None
    first_from: date | None = None
    salary_fen: int | None = None  # the latest salary change
    salary_from: date | None = None


@dataclass(frozen=True)
class Refs:
    effective_date: date
    entities: CodeMap[int]
    departments: CodeMap[DepartmentRef]
    positions: CodeMap[PositionRef]
    levels: CodeMap[int]
    platforms: CodeMap[int]
    employees: Mapping[str, Existing]
    id_number_owners: Mapping[str, str] = field(default_factory=dict)  # blind index → number
    pay_rights: bool = True
    index_id_number: Callable[[str], str] = blind_index


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowPlan:
    """One row: its parsed values, what writing it means, and its problems."""

    row: int
    employee_no: str = ""
    name: str = ""
    gender: str = ""
    email: str = ""
    phone: str = ""
    entity_id: int | None = None
    hire_date: date | None = None
    department: DepartmentRef | None = None
    position: PositionRef | None = None
    level_id: int | None = None
    manager_no: str | None = None
    platform_id: int | None = None
    id_number: str = ""  # normalised; "" keeps the stored one
    salary_fen: int | None = None
    given: frozenset[str] = frozenset()  # optional columns present in the file
    existing: Existing | None = None
    action: Action = Action.ERROR
    changes: dict[str, Any] = field(default_factory=dict)
    placement: Placement | None = None  # set when an assignment is to be written
    errors: list[RowError] = field(default_factory=list)

    def fail(self, code: str, message: str, column: str = "") -> None:
        self.errors.append(RowError(self.row, code, message, column, self.employee_no))
        self.action = Action.ERROR

    @property
    def ok(self) -> bool:
        return not self.errors

    def personal(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PERSONAL_FIELDS}

    def first_placement(self) -> Placement:
        """The placement of a new employee (an empty level means the position's)."""
        assert self.department is not None and self.position is not None
        return Placement(
            department_id=self.department.id,
            position_id=self.position.id,
            level_id=self.level_id,
            manager_no=self.manager_no,
            platform_id=self.platform_id,
        )


@dataclass
class Plan:
    rows: list[RowPlan]

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    def writable(self) -> list[RowPlan]:
        """Rows to write, each new manager before the rows that report to them."""
        todo = [r for r in self.rows if r.ok and r.action in (Action.CREATE, Action.UPDATE)]
        new = {r.employee_no: r for r in todo if r.action == Action.CREATE}
        ordered: list[RowPlan] = []
        seen: set[int] = set()
        for row in todo:
            chain: list[RowPlan] = []
            node: RowPlan | None = row
            while node is not None and node.row not in seen:
                seen.add(node.row)
                chain.append(node)
                node = new.get(node.manager_no or "")
            ordered.extend(reversed(chain))
        return ordered
