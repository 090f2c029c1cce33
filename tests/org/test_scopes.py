"""Each role sees exactly its rows (SPEC PLT-3)."""

from __future__ import annotations

import pytest

from meritline.org.selectors import department_list, employee_list


def names(qs) -> set[str]:
    return {e.name for e in qs}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("hr_admin", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("auditor", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("finance", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("hrbp", {"李强", "张伟", "陈静", "孙磊"}),
        ("sales_manager", {"张伟", "陈静", "孙磊"}),
        ("employee", {"陈静"}),
    ],
)
def test_each_role_sees_its_employees(world, role, expected):
    assert names(employee_list(user=world.user(role))) == expected


def test_hrbp_sees_departments_of_their_region_only(world):
    codes = {d.code for d in department_list(user=world.hrbp)}
    assert "S-S" not in codes
    assert {"S-E", "S-E-A"} <= codes


def test_disabled_user_sees_nothing(world):
    world.employee.is_active = False
    world.employee.save()
    assert not employee_list(user=world.employee).exists()
