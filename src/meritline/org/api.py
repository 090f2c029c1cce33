"""REST endpoints for the organisation and its people (SPEC PLT-8), under /api/v1/org/.

Every read goes through ``meritline.org.selectors`` (scoped to the acting user); every
write through one service. Write payloads name other records by their **code**
(department, position, job level, platform, legal entity, region) and employees by their
**employee number**; paths use numeric ids. Money is integer fen (``*_fen``).
"""

from datetime import date
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from meritline.core import crypto
from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.org import criteria as criteria_rules
from meritline.org import selectors
from meritline.org.models import Assignment, Department, Employee
from meritline.org.services.common import require_manage_org
from meritline.org.services.employees import (
    Placement,
    employee_assign,
    employee_create,
    employee_leave,
    employee_update,
    require_manage_employee,
)
from meritline.org.services.structure import department_save

router = Router(tags=["org"])


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


_NOT_NULL = ("employee_no", "name", "gender", "email", "phone", "entity", "hire_date")


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


# --- resolving codes (always through the scoped selectors) ----------------------------


def _by_code(
    queryset: QuerySet[Any],
    code: str,
    field: str,
    message: str,
    key: str = "code",
    kind: str | None = None,
) -> Any:
    """The row of ``queryset`` with that code, or a 400 ``unknown_<kind>`` on ``field``."""
    found = queryset.filter(**{key: code.strip()}).first()
    if found is None:
        raise DomainError(f"unknown_{kind or field}", message % {"code": code}, field=field)
    return found


def _optional(code: str | None) -> str | None:
    return code.strip() if code and code.strip() else None


def _entity(user: Any, code: str, field: str = "entity") -> Any:
    return _by_code(
        selectors.entity_list(user=user), code, field, _("Unknown legal entity code “%(code)s”.")
    )


def _department(user: Any, code: str, field: str = "department") -> Department:
    return _by_code(  # type: ignore[no-any-return]
        selectors.department_list(user=user),
        code,
        field,
        _("Unknown department code “%(code)s”."),
        kind="department",
    )


def _region(user: Any, code: str | None) -> Any:
    if _optional(code) is None:
        return None
    return _by_code(
        selectors.region_list(user=user), code or "", "region", _("Unknown region code “%(code)s”.")
    )


def _placement(user: Any, data: PlacementIn) -> Placement:
    level = _optional(data.level)
    manager = _optional(data.manager)
    platform = _optional(data.platform)
    return Placement(
        department=_department(user, data.department),
        position=_by_code(
            selectors.position_list(user=user),
            data.position,
            "position",
            _("Unknown position code “%(code)s”."),
        ),
        level=None
        if level is None
        else _by_code(
            selectors.level_list(user=user), level, "level", _("Unknown job level code “%(code)s”.")
        ),
        manager=None
        if manager is None
        else _by_code(
            selectors.employee_list(user=user),
            manager,
            "manager",
            _("No employee with the number “%(code)s”."),
            key="employee_no",
        ),
        platform=None
        if platform is None
        else _by_code(
            selectors.platform_list(user=user),
            platform,
            "platform",
            _("Unknown platform code “%(code)s”."),
        ),
    )


# --- employees ------------------------------------------------------------------------


def _employee_detail(user: Any, employee: Employee) -> Employee:
    """Attach the pay fields the user may see (else they stay hidden: the schema's
    defaults are null / ``pay_visible`` false)."""
    if scope_for(user).sees_pay_of(employee.pk):
        history = list(employee.salary_changes.order_by("-valid_from"))
        today = selectors.today()
        current = next((s for s in history if s.valid_from <= today), None)
        employee.pay_visible = True  # type: ignore[attr-defined]
        employee.id_number = crypto.decrypt(employee.id_number_encrypted)  # type: ignore[attr-defined]
        employee.base_salary_fen = current.base_salary_fen if current else None  # type: ignore[attr-defined]
        employee.salary_history = history  # type: ignore[attr-defined]
    return employee


@router.get("/employees", response=list[EmployeeOut], summary="List employees")
@paginate(LimitOffsetPagination)
def org_employee_list(request: HttpRequest, filters: Query[EmployeeFilters]) -> Any:
    """Employees the user may see, with today's assignment; filter and page with
    ``limit``/``offset``."""
    user = request.auth  # type: ignore[attr-defined]
    qs = selectors.employee_list(user=user)
    if filters.q and filters.q.strip():
        term = filters.q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(employee_no__icontains=term) | Q(email__icontains=term)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    current = selectors.assignments_on(selectors.today())
    if filters.department:
        department = _department(user, filters.department)
        current = current.filter(department__path__startswith=department.path)
    if filters.position:
        current = current.filter(position__code=filters.position.strip())
    if filters.platform:
        current = current.filter(platform__code=filters.platform.strip())
    if filters.department or filters.position or filters.platform:
        qs = qs.filter(pk__in=current.values("employee_id"))
    return qs.order_by("employee_no", "pk")


@router.get("/employees/{employee_id}", response=EmployeeDetailOut, summary="Get an employee")
def org_employee_get(request: HttpRequest, employee_id: int) -> Any:
    """One employee; 404 when outside the user's scope."""
    user = request.auth  # type: ignore[attr-defined]
    return _employee_detail(user, selectors.employee_get(user=user, pk=employee_id))


@router.post("/employees", response={201: EmployeeDetailOut}, summary="Hire an employee")
def org_employee_create(request: HttpRequest, payload: EmployeeCreateIn) -> Any:
    """Hire an employee: the record, the first assignment from the hire date and the
    starting salary (HR admin; HR business partner within their scope)."""
    user = request.auth  # type: ignore[attr-defined]
    require_manage_employee(user, None)
    try:
        employee = employee_create(
            actor=user,
            employee_no=payload.employee_no,
            name=payload.name,
            entity=_entity(user, payload.entity),
            hire_date=payload.hire_date,
            placement=_placement(user, payload),
            gender=payload.gender,
            email=payload.email,
            phone=payload.phone,
            id_number=payload.id_number,
            base_salary_fen=payload.base_salary_fen,
        )
    except DomainError as exc:
        if exc.field == "base_salary":
            exc.field = "base_salary_fen"
        raise
    return _employee_detail(user, selectors.employee_get(user=user, pk=employee.pk))


@router.patch("/employees/{employee_id}", response=EmployeeDetailOut, summary="Edit an employee")
def org_employee_update(request: HttpRequest, employee_id: int, payload: EmployeeUpdateIn) -> Any:
    """Edit personal fields; only the fields sent change."""
    user = request.auth  # type: ignore[attr-defined]
    employee = selectors.employee_get(user=user, pk=employee_id)
    require_manage_employee(user, employee)
    data = payload.model_dump(exclude_unset=True)
    for name in _NOT_NULL:
        if name in data and data[name] is None:
            raise DomainError("required", _("This field cannot be empty."), field=name)
    id_number = (data.pop("id_number") or "") if "id_number" in data else None
    if "entity" in data:
        data["entity"] = _entity(user, data["entity"])
    employee_update(actor=user, employee=employee, data=data, id_number=id_number)
    return _employee_detail(user, selectors.employee_get(user=user, pk=employee_id))


@router.get(
    "/employees/{employee_id}/assignments",
    response=list[AssignmentOut],
    summary="Assignment history of an employee",
)
def org_employee_assignments(request: HttpRequest, employee_id: int) -> Any:
    """The assignment history, newest first."""
    user = request.auth  # type: ignore[attr-defined]
    employee = selectors.employee_get(user=user, pk=employee_id)
    return selectors.employee_history(user=user, employee=employee)


@router.post(
    "/employees/{employee_id}/assignments",
    response={201: AssignmentOut},
    summary="Move an employee (new assignment)",
)
def org_employee_assign(request: HttpRequest, employee_id: int, payload: AssignmentIn) -> Any:
    """Move the employee from ``valid_from``; the open assignment ends the day before."""
    user = request.auth  # type: ignore[attr-defined]
    employee = selectors.employee_get(user=user, pk=employee_id)
    require_manage_employee(user, employee)
    return employee_assign(
        actor=user,
        employee=employee,
        valid_from=payload.valid_from,
        placement=_placement(user, payload),
        reason=payload.reason,
    )


@router.post(
    "/employees/{employee_id}/leave",
    response=EmployeeDetailOut,
    summary="Record that an employee leaves",
)
def org_employee_leave(request: HttpRequest, employee_id: int, payload: LeaveIn) -> Any:
    """Record leaving: date and reason; closes the assignment and disables the login."""
    user = request.auth  # type: ignore[attr-defined]
    employee = selectors.employee_get(user=user, pk=employee_id)
    require_manage_employee(user, employee)
    employee_leave(
        actor=user,
        employee=employee,
        leave_date=payload.leave_date,
        reason=payload.leave_reason,
        note=payload.leave_note,
    )
    return _employee_detail(user, selectors.employee_get(user=user, pk=employee_id))


# --- structure ------------------------------------------------------------------------


@router.get("/departments", response=list[DepartmentOut], summary="List departments")
def org_department_list(request: HttpRequest) -> Any:
    """Departments in the user's scope, in tree order."""
    return selectors.department_list(user=request.auth)  # type: ignore[attr-defined]


@router.post("/departments", response={201: DepartmentOut}, summary="Create a department")
def org_department_create(request: HttpRequest, payload: DepartmentIn) -> Any:
    """Create a department (HR admin)."""
    user = request.auth  # type: ignore[attr-defined]
    require_manage_org(user)
    parent = _optional(payload.parent)
    department = department_save(
        actor=user,
        code=payload.code.strip(),
        name=payload.name.strip(),
        entity=_entity(user, payload.entity),
        parent=None if parent is None else _department(user, parent, field="parent"),
        region=_region(user, payload.region),
        active=payload.active,
    )
    return selectors.department_get(user=user, pk=department.pk)


@router.patch(
    "/departments/{department_id}", response=DepartmentOut, summary="Edit or move a department"
)
def org_department_update(
    request: HttpRequest, department_id: int, payload: DepartmentUpdateIn
) -> Any:
    """Rename, re-code or move a department (its subtree moves with it) (HR admin)."""
    user = request.auth  # type: ignore[attr-defined]
    department = selectors.department_get(user=user, pk=department_id)
    require_manage_org(user)
    sent = payload.model_dump(exclude_unset=True)
    for name in ("code", "name", "entity", "active"):
        if name in sent and sent[name] is None:
            raise DomainError("required", _("This field cannot be empty."), field=name)
    if "parent" in sent:
        parent_code = _optional(sent["parent"])
        parent = None if parent_code is None else _department(user, parent_code, field="parent")
    else:
        parent = department.parent
    department_save(
        actor=user,
        pk=department.pk,
        code=sent["code"].strip() if "code" in sent else department.code,
        name=sent["name"].strip() if "name" in sent else department.name,
        entity=_entity(user, sent["entity"]) if "entity" in sent else department.entity,
        parent=parent,
        region=_region(user, sent["region"]) if "region" in sent else department.region,
        active=sent.get("active", department.active),
    )
    return selectors.department_get(user=user, pk=department.pk)


@router.get("/entities", response=list[EntityOut], summary="List legal entities")
def org_entity_list(request: HttpRequest) -> Any:
    """Legal entities of the group."""
    return selectors.entity_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/regions", response=list[RegionOut], summary="List regions")
def org_region_list(request: HttpRequest) -> Any:
    """Sales regions."""
    return selectors.region_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/positions", response=list[PositionOut], summary="List positions with their criteria")
def org_position_list(request: HttpRequest) -> Any:
    """Posts with their hard criteria (in words and as structured rules) and competencies."""
    return selectors.position_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/levels", response=list[LevelOut], summary="List job levels")
def org_level_list(request: HttpRequest) -> Any:
    """Job levels."""
    return selectors.level_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/platforms", response=list[PlatformOut], summary="List sales platforms")
def org_platform_list(request: HttpRequest) -> Any:
    """Sales platforms and their maturity stage."""
    return selectors.platform_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/chart", response=list[ChartNodeOut], summary="Reporting tree")
def org_chart(request: HttpRequest, on: date | None = None) -> Any:
    """The reporting tree of the employees the user sees, on ``on`` (default today)."""
    return selectors.org_chart(user=request.auth, on=on)  # type: ignore[attr-defined]


@router.get(
    "/teams/{department_id}/members",
    response=list[EmployeeOut],
    summary="Members of a team on a date",
)
def org_team_members(request: HttpRequest, department_id: int, on: date | None = None) -> Any:
    """Who was in the department (and its subtree) on ``on`` (default today), with the
    assignment they held that day."""
    user = request.auth  # type: ignore[attr-defined]
    day = on or selectors.today()
    department = selectors.department_get(user=user, pk=department_id)
    held = selectors.assignments_on(day).select_related(
        "department", "position", "level", "manager", "platform"
    )
    return (
        selectors.team_on(user=user, department=department, on=day)
        .select_related("entity")
        .prefetch_related(Prefetch("assignments", queryset=held, to_attr="current_assignments"))
        .order_by("employee_no")
    )
