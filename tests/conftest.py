"""Shared fixtures: ``world`` is a small company with one login per role (SPEC PLT-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from meritline.core.access import Role
from meritline.core.models import User
from meritline.org import models as org
from tests import factories as f


@dataclass
class World:
    sh: org.LegalEntity
    sz: org.LegalEntity
    east: org.Region
    south: org.Region
    root: org.Department
    sales_east: org.Department
    team_a: org.Department
    sales_south: org.Department
    hr: org.Department
    rep: org.Position
    senior: org.Position
    manager_post: org.Position
    hr_post: org.Position
    platform: org.Platform
    # employees
    wangfang: org.Employee
    liqiang: org.Employee
    zhangwei: org.Employee
    chenjing: org.Employee
    sunlei: org.Employee
    liuyang: org.Employee
    zhouting: org.Employee
    wuhao: org.Employee
    # logins
    hr_admin: User
    hrbp: User
    manager: User
    employee: User
    other_employee: User
    finance: User
    auditor: User

    def user(self, role: str) -> User:
        return {
            "hr_admin": self.hr_admin,
            "hrbp": self.hrbp,
            "sales_manager": self.manager,
            "employee": self.employee,
            "finance": self.finance,
            "auditor": self.auditor,
        }[role]


def _person(
    no: str,
    name: str,
    entity: org.LegalEntity,
    dept: org.Department,
    post: org.Position,
    manager: org.Employee | None = None,
    username: str | None = None,
) -> tuple[org.Employee, User | None]:
    user = f.UserFactory(username=username) if username else None
    employee = f.EmployeeFactory(
        employee_no=no, name=name, entity=entity, user=user, hire_date=date(2021, 3, 1)
    )
    f.AssignmentFactory(
        employee=employee,
        department=dept,
        position=post,
        manager=manager,
        valid_from=date(2021, 3, 1),
    )
    org.SalaryChange.objects.create(
        employee=employee,
        valid_from=date(2021, 3, 1),
        base_salary_fen=800_000,
        reason="入职定薪",
    )
    return employee, user


@pytest.fixture
def world(db: None) -> World:
    sh = f.EntityFactory(code="SH", name="星河云服(上海)有限公司")
    sz = f.EntityFactory(code="SZ", name="星河云服(深圳)有限公司")
    east = f.RegionFactory(code="EAST", name="华东")
    south = f.RegionFactory(code="SOUTH", name="华南")
    root = f.DepartmentFactory(code="ROOT", name="星河集团", entity=sh)
    sales_east = f.DepartmentFactory(
        code="S-E", name="华东销售部", entity=sh, parent=root, region=east
    )
    team_a = f.DepartmentFactory(
        code="S-E-A", name="政企大客户部", entity=sh, parent=sales_east, region=east
    )
    sales_south = f.DepartmentFactory(
        code="S-S", name="华南销售部", entity=sz, parent=root, region=south
    )
    hr = f.DepartmentFactory(code="HR", name="人力资源部", entity=sh, parent=root)
    rep = f.PositionFactory(code="REP", name="商务代表", is_sales_post=True, ladder_order=1)
    senior = f.PositionFactory(code="SREP", name="高级商务代表", is_sales_post=True, ladder_order=2)
    manager_post = f.PositionFactory(
        code="MGR", name="商务经理", is_sales_post=True, ladder_order=3
    )
    hr_post = f.PositionFactory(code="HRS", name="人力资源专员")
    platform = f.PlatformFactory(code="GOV", name="政企大客户部")

    wangfang, hr_admin = _person("XH00001", "王芳", sh, hr, hr_post, username="wangfang")
    liqiang, hrbp = _person("XH00002", "李强", sh, hr, hr_post, username="liqiang")
    zhangwei, manager = _person("XH00003", "张伟", sh, team_a, manager_post, username="zhangwei")
    chenjing, employee = _person("XH00004", "陈静", sh, team_a, rep, zhangwei, "chenjing")
    sunlei, other = _person("XH00005", "孙磊", sh, team_a, rep, zhangwei, "sunlei")
    liuyang, _u = _person("XH00006", "刘洋", sz, sales_south, rep, username="liuyang")
    zhouting, finance = _person("XH00007", "周婷", sh, hr, hr_post, username="zhouting")
    wuhao, auditor = _person("XH00008", "吴昊", sh, hr, hr_post, username="wuhao")

    org.RoleGrant.objects.create(user=hr_admin, role=Role.HR_ADMIN)
    org.RoleGrant.objects.create(user=hrbp, role=Role.HRBP, region=east)
    org.RoleGrant.objects.create(user=manager, role=Role.SALES_MANAGER)
    org.RoleGrant.objects.create(user=finance, role=Role.FINANCE)
    org.RoleGrant.objects.create(user=auditor, role=Role.AUDITOR)
    return World(
        sh=sh,
        sz=sz,
        east=east,
        south=south,
        root=root,
        sales_east=sales_east,
        team_a=team_a,
        sales_south=sales_south,
        hr=hr,
        rep=rep,
        senior=senior,
        manager_post=manager_post,
        hr_post=hr_post,
        platform=platform,
        wangfang=wangfang,
        liqiang=liqiang,
        zhangwei=zhangwei,
        chenjing=chenjing,
        sunlei=sunlei,
        liuyang=liuyang,
        zhouting=zhouting,
        wuhao=wuhao,
        hr_admin=hr_admin,
        hrbp=hrbp,
        manager=manager,
        employee=employee,
        other_employee=other,
        finance=finance,
        auditor=auditor,
    )
