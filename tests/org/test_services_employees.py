"""Employee services: hire, edit, effective-dated moves, leaving, salary, roles — and
their refusals, which leave the database as it was."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.core.access import Role, scope_for
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.org.models import Assignment, Employee, RoleGrant, SalaryChange
from meritline.org.selectors import team_on
from meritline.org.services.employees import (
    Placement,
    employee_assign,
    employee_create,
    employee_leave,
    employee_update,
    salary_change_record,
)
from meritline.org.services.logins import role_grant, user_create_for_employee

VALID_ID = "11010519491231002X"


def hire(world, actor=None, **overrides):
    kwargs = {
        "actor": actor or world.hr_admin,
        "employee_no": "XH09999",
        "name": "新员工",
        "entity": world.sh,
        "hire_date": date(2026, 3, 1),
        "placement": Placement(department=world.team_a, position=world.rep, manager=world.zhangwei),
        "id_number": VALID_ID,
        "base_salary_fen": 800_000,
    }
    kwargs.update(overrides)
    return employee_create(**kwargs)


def state():
    return (
        Employee.objects.count(),
        Assignment.objects.count(),
        SalaryChange.objects.count(),
        AuditLog.objects.count(),
    )


def test_hr_admin_hires_with_assignment_salary_and_audit(world):
    employee = hire(world)
    assert employee.assignments.get().manager == world.zhangwei
    assert employee.salary_changes.get().base_salary_fen == 800_000
    assert employee.id_number_encrypted and VALID_ID not in employee.id_number_encrypted
    log = AuditLog.objects.get(action="org.employee.create")
    assert log.actor == world.hr_admin
    assert VALID_ID not in str(log.after)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"employee_no": "XH00004"}, "duplicate_employee_no"),
        ({"employee_no": "  "}, "required"),
        ({"id_number": "123"}, "id_number_format"),
        ({"id_number": "110105194912310021"}, "id_number_check"),
        ({"id_number": "110105194913310021"}, "id_number_birth"),
        ({"base_salary_fen": -1}, "negative_salary"),
    ],
)
def test_bad_hires_are_refused_and_change_nothing(world, overrides, code):
    before = state()
    with pytest.raises(DomainError) as exc:
        hire(world, **overrides)
    assert exc.value.code == code
    assert str(exc.value)
    assert state() == before


def test_duplicate_id_number_names_the_holder(world):
    hire(world)
    with pytest.raises(DomainError, match="XH09999"):
        hire(world, employee_no="XH09998")


def test_hrbp_hires_only_into_their_region(world):
    hire(world, actor=world.hrbp)
    with pytest.raises(PermissionDeniedError):
        hire(
            world,
            actor=world.hrbp,
            employee_no="XH09998",
            id_number="",
            placement=Placement(department=world.sales_south, position=world.rep),
        )


@pytest.mark.parametrize("role", ["sales_manager", "employee", "finance", "auditor"])
def test_other_roles_cannot_hire(world, role):
    with pytest.raises(PermissionDeniedError):
        hire(world, actor=world.user(role))


def test_move_closes_the_previous_assignment_and_history_answers_by_date(world):
    employee_assign(
        actor=world.hr_admin,
        employee=world.chenjing,
        valid_from=date(2026, 4, 1),
        placement=Placement(department=world.sales_south, position=world.senior),
        reason="晋升",
    )
    old, new = world.chenjing.assignments.order_by("valid_from")
    assert old.valid_to == date(2026, 3, 31)
    assert new.valid_to is None
    assert world.chenjing in team_on(
        user=world.hr_admin, department=world.team_a, on=date(2026, 3, 31)
    )
    assert world.chenjing not in team_on(
        user=world.hr_admin, department=world.team_a, on=date(2026, 4, 1)
    )


def test_manager_cycle_is_refused(world):
    before = state()
    with pytest.raises(DomainError) as exc:
        employee_assign(
            actor=world.hr_admin,
            employee=world.zhangwei,
            valid_from=date(2026, 5, 1),
            placement=Placement(
                department=world.team_a, position=world.manager_post, manager=world.chenjing
            ),
            reason="调整",
        )
    assert exc.value.code == "manager_cycle"
    assert exc.value.field == "manager"
    assert state() == before


def test_self_manager_is_refused(world):
    with pytest.raises(DomainError) as exc:
        employee_assign(
            actor=world.hr_admin,
            employee=world.chenjing,
            valid_from=date(2026, 5, 1),
            placement=Placement(
                department=world.team_a, position=world.rep, manager=world.chenjing
            ),
            reason="x",
        )
    assert exc.value.code == "manager_self"


@pytest.mark.parametrize(
    ("start", "code"),
    [(date(2021, 3, 1), "assignment_overlap"), (date(2020, 1, 1), "before_hire")],
)
def test_overlapping_or_early_assignment_is_refused(world, start, code):
    before = state()
    with pytest.raises(DomainError) as exc:
        employee_assign(
            actor=world.hr_admin,
            employee=world.chenjing,
            valid_from=start,
            placement=Placement(department=world.team_a, position=world.senior),
            reason="x",
        )
    assert exc.value.code == code
    assert state() == before


def test_assignment_inside_a_closed_one_is_refused(world):
    employee_assign(
        actor=world.hr_admin,
        employee=world.chenjing,
        valid_from=date(2026, 4, 1),
        placement=Placement(department=world.team_a, position=world.senior),
        reason="晋升",
    )
    with pytest.raises(DomainError) as exc:
        employee_assign(
            actor=world.hr_admin,
            employee=world.chenjing,
            valid_from=date(2025, 4, 1),
            placement=Placement(department=world.team_a, position=world.senior),
            reason="x",
        )
    assert exc.value.code == "assignment_overlap"


def test_leaving_records_reason_closes_assignment_and_disables_login(world, client):
    client.force_login(world.employee)
    employee_leave(
        actor=world.hr_admin,
        employee=world.chenjing,
        leave_date=date(2026, 10, 31),
        reason="resigned",
        note="个人发展",
    )
    world.chenjing.refresh_from_db()
    assert world.chenjing.status == "left"
    assert world.chenjing.assignments.get().valid_to == date(2026, 10, 31)
    world.employee.refresh_from_db()
    assert not world.employee.is_active
    # the open session is gone at the next request
    response = client.get("/api/v1/openapi.json")
    assert response.wsgi_request.user.is_anonymous


@pytest.mark.parametrize(
    ("leave_date", "reason", "code"),
    [(date(2020, 1, 1), "resigned", "leave_before_hire"), (date(2026, 1, 1), "", "required")],
)
def test_bad_leaving_is_refused(world, leave_date, reason, code):
    before = state()
    with pytest.raises(DomainError) as exc:
        employee_leave(
            actor=world.hr_admin, employee=world.chenjing, leave_date=leave_date, reason=reason
        )
    assert exc.value.code == code
    assert state() == before


def test_update_checks_uniqueness_and_hire_date(world):
    with pytest.raises(DomainError) as exc:
        employee_update(
            actor=world.hr_admin, employee=world.chenjing, data={"employee_no": "XH00005"}
        )
    assert exc.value.field == "employee_no"
    with pytest.raises(DomainError):
        employee_update(
            actor=world.hr_admin, employee=world.chenjing, data={"hire_date": date(2022, 1, 1)}
        )
    employee_update(actor=world.hr_admin, employee=world.chenjing, data={"phone": "13800000000"})
    log = AuditLog.objects.get(action="org.employee.update")
    assert log.after == {"phone": "13800000000"}


def test_hrbp_cannot_edit_outside_scope(world):
    with pytest.raises(PermissionDeniedError):
        employee_update(actor=world.hrbp, employee=world.liuyang, data={"phone": "1"})


def test_salary_change_needs_a_pay_role_and_a_reason(world):
    with pytest.raises(PermissionDeniedError):
        salary_change_record(
            actor=world.hrbp,
            employee=world.chenjing,
            valid_from=date(2026, 6, 1),
            base_salary_fen=920_000,
            reason="竞聘晋升,底薪上调15%",
        )
    with pytest.raises(DomainError):
        salary_change_record(
            actor=world.finance,
            employee=world.chenjing,
            valid_from=date(2026, 6, 1),
            base_salary_fen=920_000,
            reason=" ",
        )
    salary_change_record(
        actor=world.finance,
        employee=world.chenjing,
        valid_from=date(2026, 6, 1),
        base_salary_fen=920_000,
        reason="竞聘晋升,底薪上调15%",
    )
    assert world.chenjing.salary_changes.count() == 2


def test_role_grants_change_scope(world):
    with pytest.raises(DomainError):
        role_grant(actor=world.hr_admin, user=world.employee, role=Role.HRBP)
    with pytest.raises(PermissionDeniedError):
        role_grant(actor=world.hrbp, user=world.employee, role=Role.AUDITOR)
    role_grant(actor=world.hr_admin, user=world.employee, role=Role.AUDITOR)
    assert scope_for(world.employee).all_rows
    assert RoleGrant.objects.filter(user=world.employee).count() == 1


def test_login_creation_refuses_taken_usernames(world):
    newcomer = hire(world)
    with pytest.raises(DomainError):
        user_create_for_employee(
            actor=world.hr_admin, employee=newcomer, username="chenjing", password="x12345678"
        )
    user = user_create_for_employee(
        actor=world.hr_admin, employee=newcomer, username="xinren", password="x12345678"
    )
    assert scope_for(user).self_employee_id == newcomer.pk
