"""Employee pages: list, export, profile, hire, edit, reassign, leave, salary, login."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.export import FORMATS, export_response
from meritline.core.listing import apply_sort, paginate
from meritline.core.money import to_yuan
from meritline.org import selectors
from meritline.org import selectors_access as access
from meritline.org import selectors_pages as pages
from meritline.org.forms import (
    AssignForm,
    EmployeeCreateForm,
    EmployeeEditForm,
    EmployeeFilterForm,
    LeaveForm,
    LoginForm,
    SalaryForm,
    TeamOnForm,
)
from meritline.org.models import Employee
from meritline.org.services import employees as services
from meritline.org.services import logins
from meritline.org.views.common import bound, call_service, org_view, render_form, require

SORTS = {
    "employee_no": "employee_no",
    "name": "name",
    "department": "dept_name",
    "position": "position_name",
    "level": "level_rank",
    "platform": "platform_name",
    "manager": "manager_name",
    "hire_date": "hire_date",
    "status": "status",
}
DEFAULT_SORT = "employee_no"
FORM_TEMPLATE = "org/form_page.html"


def _filtered(request: HttpRequest) -> tuple[EmployeeFilterForm, Any, str]:
    form = EmployeeFilterForm(request.GET, user=request.user)
    rows = pages.employee_rows(user=request.user, filters=form.filters())
    rows, sort = apply_sort(rows, request, SORTS, DEFAULT_SORT)
    return form, rows, sort


@org_view
def employee_list(request: HttpRequest) -> HttpResponse:
    form, rows, sort = _filtered(request)
    page = paginate(rows, request)
    for employee in page.object_list:
        employee.current = selectors.current_assignment(employee)
    filtered = any(
        request.GET.get(k) for k in ("q", "department", "position", "platform", "entity")
    ) or request.GET.get("status", "active") not in ("", "active")
    return render(
        request,
        "org/employees/list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "sort": sort,
            "filtered": filtered,
            "scope": scope_for(request.user),
            "query": request.GET.urlencode(),
        },
    )


@org_view
def employee_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    _form, rows, _sort = _filtered(request)
    with_pay = scope_for(request.user).pay_fields
    if with_pay:
        rows = pages.with_current_salary(rows)
    headers = [
        _("Employee number"),
        _("Name"),
        _("Gender"),
        _("Employer"),
        _("Department"),
        _("Position"),
        _("Job level"),
        _("Sales platform"),
        _("Manager"),
        _("Hire date"),
        _("Tenure (years)"),
        _("Status"),
        _("Leave date"),
        _("E-mail"),
        _("Mobile phone"),
    ]
    if with_pay:
        headers += [_("Monthly base salary (yuan)"), _("ID number")]
    return export_response(
        rows=(_export_row(request, e, with_pay) for e in rows),
        headers=headers,
        filename="employees",
        fmt=fmt,
    )


def _export_row(request: HttpRequest, employee: Employee, with_pay: bool) -> list[Any]:
    current = selectors.current_assignment(employee)
    row: list[Any] = [
        employee.employee_no,
        employee.name,
        employee.get_gender_display() if employee.gender else "",
        employee.entity.name,
        current.department.name if current else "",
        current.position.name if current else "",
        current.level.name if current and current.level else "",
        current.platform.name if current and current.platform else "",
        current.manager.name if current and current.manager else "",
        employee.hire_date.isoformat(),
        employee.tenure_years(),
        employee.get_status_display(),
        employee.leave_date.isoformat() if employee.leave_date else "",
        employee.email,
        employee.phone,
    ]
    if with_pay:
        salary = employee.current_salary_fen
        row.append(str(to_yuan(salary)) if salary is not None else "")
        row.append(pages.id_number_of(user=request.user, employee=employee) or "")
    return row


@org_view
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    employee = selectors.employee_get(user=user, pk=pk)
    scope = scope_for(user)
    return render(
        request,
        "org/employees/detail.html",
        {
            "employee": employee,
            "current": selectors.current_assignment(employee),
            "history": list(selectors.employee_history(user=user, employee=employee)),
            "salaries": pages.salary_history(user=user, employee=employee),
            "id_number": pages.id_number_of(user=user, employee=employee),
            "certificates": pages.certificates_of(user=user, employee=employee),
            "trainings": pages.trainings_of(user=user, employee=employee),
            "login_card": access.login_card(user=user, employee=employee),
            "tenure": employee.tenure_years(),
            "can_manage": scope.manage_people,
            "can_pay": scope.pay_fields,
            "is_self": employee.pk == scope.self_employee_id,
        },
    )


def _placement(data: dict[str, Any]) -> services.Placement:
    return services.Placement(
        department=data["department"],
        position=data["position"],
        level=data.get("level"),
        manager=data.get("manager"),
        platform=data.get("platform"),
    )


@org_view
def employee_create(request: HttpRequest) -> HttpResponse:
    require(scope_for(request.user).manage_people)
    form = EmployeeCreateForm(bound(request), user=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, employee = call_service(
            form,
            services.employee_create,
            actor=request.user,
            employee_no=data["employee_no"],
            name=data["name"],
            entity=data["entity"],
            hire_date=data["hire_date"],
            placement=_placement(data),
            gender=data["gender"],
            email=data["email"],
            phone=data["phone"],
            id_number=data["id_number"],
            base_salary_fen=data.get("base_salary"),
        )
        if ok:
            messages.success(request, _("%s has been added.") % employee.name)
            return redirect("org:employee_detail", pk=employee.pk)
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": _("New employee"),
            "submit_label": _("Add employee"),
            "cancel_url": reverse("org:employee_list"),
        },
        form,
    )


def _managed(request: HttpRequest, pk: int) -> Employee:
    """The employee (404 outside the scope) if the user may manage people (else 403)."""
    employee = selectors.employee_get(user=request.user, pk=pk)
    require(scope_for(request.user).manage_people)
    return employee


def _context(employee: Employee, title: str, submit: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "subtitle": f"{employee.name} · {employee.employee_no}",
        "submit_label": submit,
        "cancel_url": reverse("org:employee_detail", args=[employee.pk]),
        "employee": employee,
        **extra,
    }


@org_view
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _managed(request, pk)
    can_edit_id = scope_for(request.user).sees_pay_of(employee.pk)
    initial = {name: getattr(employee, name) for name in services.EDITABLE_FIELDS}
    if can_edit_id:
        initial["id_number"] = pages.id_number_of(user=request.user, employee=employee)
    form = EmployeeEditForm(bound(request), initial=initial, can_edit_id=can_edit_id)
    if form.is_bound and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        ok, _employee = call_service(
            form,
            services.employee_update,
            actor=request.user,
            employee=employee,
            data=data,
            id_number=form.cleaned_data.get("id_number") if can_edit_id else None,
        )
        if ok:
            messages.success(request, _("The changes have been saved."))
            return redirect("org:employee_detail", pk=employee.pk)
    return render_form(
        request,
        FORM_TEMPLATE,
        _context(employee, _("Edit personal data"), _("Save")),
        form,
    )


@org_view
def employee_assign(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _managed(request, pk)
    current = selectors.current_assignment(employee)
    initial: dict[str, Any] = {"valid_from": selectors.today()}
    if current is not None:
        initial.update(
            department=current.department_id,
            position=current.position_id,
            level=current.level_id,
            manager=current.manager_id,
            platform=current.platform_id,
        )
    form = AssignForm(bound(request), initial=initial, user=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _assignment = call_service(
            form,
            services.employee_assign,
            actor=request.user,
            employee=employee,
            valid_from=data["valid_from"],
            placement=_placement(data),
            reason=data["reason"],
        )
        if ok:
            messages.success(request, _("The new assignment has been recorded."))
            return redirect("org:employee_detail", pk=employee.pk)
    intro = _(
        "The current assignment ends the day before the new one starts; the history keeps both."
    )
    return render_form(
        request,
        FORM_TEMPLATE,
        _context(employee, _("Reassign"), _("Record the assignment"), intro=intro),
        form,
    )


@org_view
def employee_leave(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _managed(request, pk)
    form = LeaveForm(bound(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _employee = call_service(
            form,
            services.employee_leave,
            actor=request.user,
            employee=employee,
            leave_date=data["leave_date"],
            reason=data["leave_reason"],
            note=data["note"],
        )
        if ok:
            messages.success(request, _("Leaving has been recorded."))
            return redirect("org:employee_detail", pk=employee.pk)
    intro = _("The assignment ends on this day and the employee's login is disabled.")
    return render_form(
        request,
        FORM_TEMPLATE,
        _context(employee, _("Record leaving"), _("Record leaving"), intro=intro, danger=True),
        form,
    )


@org_view
def employee_salary(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee_get(user=request.user, pk=pk)
    require(scope_for(request.user).pay_fields)
    form = SalaryForm(bound(request), initial={"valid_from": selectors.today()})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _result = call_service(
            form,
            services.salary_change_record,
            actor=request.user,
            employee=employee,
            valid_from=data["valid_from"],
            base_salary_fen=data["base_salary"],
            reason=data["reason"],
        )
        if ok:
            messages.success(request, _("The salary change has been recorded."))
            return redirect("org:employee_detail", pk=employee.pk)
    return render_form(
        request,
        FORM_TEMPLATE,
        _context(employee, _("Change salary"), _("Record the change")),
        form,
    )


@org_view
def employee_login(request: HttpRequest, pk: int) -> HttpResponse:
    employee = _managed(request, pk)
    form = LoginForm(bound(request), initial={"username": employee.employee_no.lower()})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, user = call_service(
            form,
            logins.user_create_for_employee,
            actor=request.user,
            employee=employee,
            username=data["username"],
            password=data["password1"],
        )
        if ok:
            messages.success(request, _("Login %s has been created.") % user.username)
            return redirect("org:employee_detail", pk=employee.pk)
    intro = _("The employee signs in with this username and sees their own profile.")
    return render_form(
        request,
        FORM_TEMPLATE,
        _context(employee, _("Create a login"), _("Create the login"), intro=intro),
        form,
    )


@org_view
def team_on(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy() if request.GET else None
    if data is not None and "on" not in data:
        data["on"] = selectors.today().isoformat()
    form = TeamOnForm(data, user=request.user, initial={"on": selectors.today()})
    members = None
    if form.is_bound and form.is_valid():
        members = pages.team_on_rows(
            user=request.user,
            department=form.cleaned_data["department"],
            on=form.cleaned_data["on"],
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "org/employees/team_on.html",
        {"form": form, "members": members},
        status=status,
    )
