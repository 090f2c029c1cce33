"""Login and role services (SPEC PLT-3): disable, re-enable, new password, grant, revoke —
their permission checks, their refusals, and the audit rows they write."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.core.access import Role, scope_for
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog, User
from meritline.org.models import RoleGrant
from meritline.org.selectors import employee_list
from meritline.org.services.employees import employee_leave
from meritline.org.services.logins import (
    role_grant,
    role_revoke,
    user_disable,
    user_enable,
    user_set_password,
)

NEW_PASSWORD = "Qiang-2026-spring"


def fresh(user):
    return User.objects.get(pk=user.pk)


def audit_count(action):
    return AuditLog.objects.filter(action=action).count()


# Disable / enable ---------------------------------------------------------------------------
def test_disable_makes_the_login_unusable_and_is_audited(world):
    user_disable(actor=world.hr_admin, user=world.employee)
    user = fresh(world.employee)
    assert not user.is_active
    assert not user.has_usable_password()
    assert scope_for(world.employee).roles == frozenset()
    assert audit_count("org.user.disable") == 1


def test_disabling_a_disabled_login_changes_nothing(world):
    user_disable(actor=world.hr_admin, user=world.employee)
    user_disable(actor=world.hr_admin, user=world.employee)
    assert audit_count("org.user.disable") == 1


def test_an_hr_admin_cannot_disable_their_own_login(world):
    with pytest.raises(DomainError) as info:
        user_disable(actor=world.hr_admin, user=world.hr_admin)
    assert info.value.code == "self_disable"
    assert fresh(world.hr_admin).is_active


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "finance", "auditor"])
def test_only_hr_admins_manage_logins(world, role):
    actor = world.user(role)
    for call in (
        lambda: user_disable(actor=actor, user=world.other_employee),
        lambda: user_set_password(actor=actor, user=world.other_employee, password=NEW_PASSWORD),
        lambda: role_grant(actor=actor, user=world.other_employee, role=Role.AUDITOR),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    assert fresh(world.other_employee).is_active
    assert not RoleGrant.objects.filter(user=world.other_employee).exists()


def test_enable_restores_the_login_with_a_new_password(world):
    user_disable(actor=world.hr_admin, user=world.employee)
    user_enable(actor=world.hr_admin, user=world.employee, password=NEW_PASSWORD)
    user = fresh(world.employee)
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert scope_for(user).self_employee_id == world.chenjing.pk
    assert audit_count("org.user.enable") == 1
    assert "Qiang" not in str(AuditLog.objects.get(action="org.user.enable").after)


def test_enable_refuses_an_active_login(world):
    with pytest.raises(DomainError) as info:
        user_enable(actor=world.hr_admin, user=world.employee, password=NEW_PASSWORD)
    assert info.value.code == "login_active"


def test_enable_refuses_the_login_of_someone_who_left(world):
    employee_leave(
        actor=world.hr_admin, employee=world.sunlei, leave_date=date(2025, 3, 31), reason="resigned"
    )
    with pytest.raises(DomainError) as info:
        user_enable(actor=world.hr_admin, user=world.other_employee, password=NEW_PASSWORD)
    assert info.value.code == "employee_left"
    assert not fresh(world.other_employee).is_active


@pytest.mark.parametrize("password", ["", "short1", "password123", "12345678901"])
def test_enable_refuses_weak_passwords_and_stays_disabled(world, password):
    user_disable(actor=world.hr_admin, user=world.employee)
    with pytest.raises(DomainError) as info:
        user_enable(actor=world.hr_admin, user=world.employee, password=password)
    assert info.value.field == "password"
    assert not fresh(world.employee).is_active
    assert audit_count("org.user.enable") == 0


# Passwords ----------------------------------------------------------------------------------
def test_set_password_replaces_the_old_one_and_is_audited_without_it(world):
    user_set_password(actor=world.hr_admin, user=world.employee, password=NEW_PASSWORD)
    user = fresh(world.employee)
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password("demo12345")
    log = AuditLog.objects.get(action="org.user.password")
    assert NEW_PASSWORD not in str(log.after)


def test_set_password_refuses_a_disabled_login(world):
    user_disable(actor=world.hr_admin, user=world.employee)
    with pytest.raises(DomainError) as info:
        user_set_password(actor=world.hr_admin, user=world.employee, password=NEW_PASSWORD)
    assert info.value.code == "login_disabled"
    assert not fresh(world.employee).has_usable_password()


def test_set_password_refuses_a_common_password(world):
    with pytest.raises(DomainError) as info:
        user_set_password(actor=world.hr_admin, user=world.employee, password="password123")
    assert info.value.field == "password"
    assert fresh(world.employee).check_password("demo12345")


# Roles --------------------------------------------------------------------------------------
def test_granting_the_same_role_twice_is_a_no_op(world):
    first = role_grant(actor=world.hr_admin, user=world.employee, role=Role.AUDITOR)
    second = role_grant(actor=world.hr_admin, user=world.employee, role=Role.AUDITOR)
    assert first.pk == second.pk
    assert RoleGrant.objects.filter(user=world.employee).count() == 1
    assert audit_count("org.role.grant") == 1


def test_an_hrbp_grant_needs_a_region_or_department(world):
    with pytest.raises(DomainError) as info:
        role_grant(actor=world.hr_admin, user=world.employee, role=Role.HRBP)
    assert (info.value.code, info.value.field) == ("hrbp_scope", "region")
    grant = role_grant(
        actor=world.hr_admin, user=world.employee, role=Role.HRBP, department=world.sales_south
    )
    assert grant.department == world.sales_south
    visible = employee_list(user=fresh(world.employee)).values_list("pk", flat=True)
    assert world.liuyang.pk in set(visible)


def test_unknown_roles_are_refused(world):
    with pytest.raises(DomainError) as info:
        role_grant(actor=world.hr_admin, user=world.employee, role="wizard")
    assert (info.value.code, info.value.field) == ("role", "role")
    assert not RoleGrant.objects.filter(user=world.employee).exists()


def test_revoking_a_role_shrinks_the_scope_and_is_audited(world):
    grant = RoleGrant.objects.get(user=world.hrbp)
    assert scope_for(world.hrbp).manage_people
    role_revoke(actor=world.hr_admin, grant=grant)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not scope_for(fresh(world.hrbp)).manage_people
    assert AuditLog.objects.get(action="org.role.revoke").before["role"] == Role.HRBP


def test_an_hr_admin_cannot_revoke_their_own_admin_role(world):
    grant = RoleGrant.objects.get(user=world.hr_admin, role=Role.HR_ADMIN)
    with pytest.raises(DomainError) as info:
        role_revoke(actor=world.hr_admin, grant=grant)
    assert info.value.code == "self_admin"
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert audit_count("org.role.revoke") == 0


def test_only_hr_admins_revoke_roles(world):
    grant = RoleGrant.objects.get(user=world.auditor)
    with pytest.raises(PermissionDeniedError):
        role_revoke(actor=world.hrbp, grant=grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
