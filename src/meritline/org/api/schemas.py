"""Input and output schemas of the org API (the OpenAPI components of /api/v1/org/)."""

from datetime import date
from typing import Any, Literal

from ninja import Field, Schema

from meritline.org import criteria as criteria_rules
from meritline.org import selectors
from meritline.org.models import Assignment, Employee

# --- output schemas -------------------------------------------------------------------


class RefOut(Schema):
    id: int
    code: str
    name: str


class EmployeeRefOut(Schema):
    id: int
    employee_no: str
    name: str


def _current(obj: Employee) -> Assignment | None:
    return selectors.current_assignment(obj)


class EmployeeOut(Schema):
    """An employee with the assignment in force (today, or the day asked for)."""

    id: int
    employee_no: str
    name: str
    gender: str
    email: str
    phone: str
    status: str
    hire_date: date
    leave_date: date | None
    tenure_years: int
    entity: RefOut
    department: RefOut | None
    position: RefOut | None
    level: RefOut | None
    manager: EmployeeRefOut | None
    platform: RefOut | None

    @staticmethod
    def resolve_tenure_years(obj: Employee) -> int:
        return obj.tenure_years()

    @staticmethod
    def resolve_department(obj: Employee) -> Any:
        a = _current(obj)
        return a.department if a else None

    @staticmethod
    def resolve_position(obj: Employee) -> Any:
        a = _current(obj)
        return a.position if a else None

    @staticmethod
    def resolve_level(obj: Employee) -> Any:
        a = _current(obj)
        return a.level if a else None

    @staticmethod
    def resolve_manager(obj: Employee) -> Any:
        a = _current(obj)
        return a.manager if a else None

    @staticmethod
    def resolve_platform(obj: Employee) -> Any:
        a = _current(obj)
        return a.platform if a else None


class SalaryOut(Schema):
    valid_from: date
    base_salary_fen: int
    reason: str


class EmployeeDetailOut(EmployeeOut):
    """Pay fields (``id_number``, ``base_salary_fen``, ``salary_history``) are filled only
    for pay roles (HR admin, finance) and the employee themself; otherwise null, and
    ``pay_visible`` is false."""

    leave_reason: str
    leave_note: str
    pay_visible: bool = False
    id_number: str | None = None
    base_salary_fen: int | None = None
    salary_history: list[SalaryOut] | None = None


class AssignmentOut(Schema):
    id: int
    valid_from: date
    valid_to: date | None = Field(None, description="Inclusive; null while open.")
    department: RefOut
    position: RefOut
    level: RefOut | None
    manager: EmployeeRefOut | None
    platform: RefOut | None
    reason: str


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    parent: RefOut | None
    entity: RefOut
    region: RefOut | None
    path: str
    depth: int
    active: bool


class EntityOut(Schema):
    id: int
    code: str
    name: str
    credit_code: str
    parent: RefOut | None


class RegionOut(Schema):
    id: int
    code: str
    name: str


class LevelOut(Schema):
    id: int
    code: str
    name: str
    rank: int
    family: RefOut | None


class PlatformOut(Schema):
    id: int
    code: str
    name: str
    launched_on: date
    stage: str


class CriterionOut(Schema):
    kind: str
    description: str = Field(description="The rule in words, in the request's language.")
    params: dict[str, Any] = Field(description="The structured rule.")

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(criteria_rules.describe(obj.kind, obj.params))


class CompetencyOut(Schema):
    name: str
    description: str
    competency_code: str


class PositionOut(Schema):
    id: int
    code: str
    name: str
    family: RefOut | None
    level: RefOut | None
    description: str
    pay_structure: str
    is_sales_post: bool
    ladder_order: int | None
    next_position: RefOut | None
    criteria: list[CriterionOut]
    competencies: list[CompetencyOut]


class ChartNodeOut(Schema):
    id: int
    employee_no: str
    name: str
    position: str
    department: str
    children: list["ChartNodeOut"]


ChartNodeOut.model_rebuild()


# --- input schemas --------------------------------------------------------------------


class EmployeeFilters(Schema):
    q: str | None = Field(None, description="Part of the name, employee number or e-mail.")
    department: str | None = Field(None, description="Department code; includes its subtree.")
    status: Literal["active", "left"] | None = None
    position: str | None = Field(None, description="Position code.")
    platform: str | None = Field(None, description="Sales platform code.")


class PlacementIn(Schema):
    department: str = Field(description="Department code.")
    position: str = Field(description="Position code.")
    level: str | None = Field(None, description="Job level code; default: the position's.")
    manager: str | None = Field(None, description="The manager's employee number.")
    platform: str | None = Field(None, description="Sales platform code.")


class EmployeeCreateIn(PlacementIn):
    employee_no: str
    name: str
    entity: str = Field(description="Legal entity (employer) code.")
    hire_date: date
    gender: str = Field("", description='"F", "M" or "".')
    email: str = ""
    phone: str = ""
    id_number: str = ""
    base_salary_fen: int | None = Field(None, description="Starting monthly base, in fen.")


class EmployeeUpdateIn(Schema):
    """Only the fields sent are changed. ``id_number``: "" or null clears it."""

    employee_no: str | None = None
    name: str | None = None
    gender: str | None = None
    email: str | None = None
    phone: str | None = None
    entity: str | None = Field(None, description="Legal entity code.")
    hire_date: date | None = None
    id_number: str | None = None


class AssignmentIn(PlacementIn):
    valid_from: date
    reason: str


class LeaveIn(Schema):
    leave_date: date
    leave_reason: Literal["resigned", "dismissed", "contract_ended", "retired", "other"]
    leave_note: str = ""


class DepartmentIn(Schema):
    code: str
    name: str
    entity: str = Field(description="Legal entity code.")
    parent: str | None = Field(None, description="Parent department code; null for a root.")
    region: str | None = Field(None, description="Region code.")
    active: bool = True


class DepartmentUpdateIn(Schema):
    """Only the fields sent are changed; ``parent: null`` moves the department to the root."""

    code: str | None = None
    name: str | None = None
    entity: str | None = None
    parent: str | None = None
    region: str | None = None
    active: bool | None = None
