"""Employee endpoints of the org API: list, read, hire, edit, move and record leaving."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from meritline.core import crypto
from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.org import selectors
from meritline.org.api import resolve
from meritline.org.api.schemas import (
    AssignmentIn,
    AssignmentOut,
    EmployeeCreateIn,
    EmployeeDetailOut,
    EmployeeFilters,
    EmployeeOut,
    EmployeeUpdateIn,
    LeaveIn,
)
from meritline.org.models import Employee
from meritline.org.services.employees import (
    employee_assign,
    employee_create,
    employee_leave,
    employee_update,
    require_manage_employee,
)

router = Router()

_NOT_NULL = ("employee_no", "name", "gender", "email", "phone", "entity", "hire_date")


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
        department = resolve.department(user, filters.department)
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
            entity=resolve.entity(user, payload.entity),
            hire_date=payload.hire_date,
            placement=resolve.placement(user, payload),
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
        data["entity"] = resolve.entity(user, data["entity"])
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
        placement=resolve.placement(user, payload),
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
