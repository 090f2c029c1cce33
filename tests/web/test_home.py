"""The home dashboard, cut to each role and built from scoped selectors."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from meritline.org import models as org
from meritline.web import selectors
from tests import factories as f

ROLES = ["hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor"]
ROLE_LABEL = {
    "hr_admin": "HR admin",
    "hrbp": "HR business partner",
    "sales_manager": "Sales manager",
    "employee": "Employee",
    "finance": "Finance",
    "auditor": "Auditor",
}


def _chart(html: str) -> dict:
    match = re.search(
        r'<script id="department-chart-data" type="application/json">(.*?)</script>', html
    )
    assert match, "no chart data"
    return json.loads(match.group(1))


@pytest.mark.parametrize("role", ROLES)
def test_home_renders_for_every_role_with_its_badge(client, world, role) -> None:
    client.force_login(world.user(role))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"ml-role-{role}" in html
    assert ROLE_LABEL[role] in html
    assert "My profile" in html  # everyone in the world fixture is also an employee


@pytest.mark.parametrize("role", ["hr_admin", "finance", "auditor"])
def test_company_wide_roles_see_the_whole_headcount(client, world, role) -> None:
    client.force_login(world.user(role))
    response = client.get("/")
    overview = response.context["overview"]
    assert overview.active == 8 and overview.left == 0
    chart = _chart(response.content.decode())
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {
        "人力资源部": 4,
        "政企大客户部": 3,
        "华南销售部": 1,
    }


def test_hrbp_sees_only_her_region_in_the_numbers(client, world) -> None:
    client.force_login(world.hrbp)
    response = client.get("/")
    overview = response.context["overview"]
    names = dict(overview.by_department)
    assert names == {"政企大客户部": 3, "人力资源部": 1}  # her region, and herself
    html = response.content.decode()
    assert "华东" in html  # the scope is explained
    assert "华南销售部" not in html


def test_recent_hires_and_leavers_of_the_last_90_days(client, world) -> None:
    today = timezone.localdate()
    fresh = f.EmployeeFactory(name="新同事", entity=world.sh, hire_date=today - timedelta(days=10))
    f.AssignmentFactory(employee=fresh, department=world.team_a, position=world.rep)
    old = f.EmployeeFactory(name="老员工", entity=world.sh, hire_date=today - timedelta(days=400))
    f.AssignmentFactory(employee=old, department=world.hr, position=world.hr_post)
    gone = f.EmployeeFactory(name="离职者", entity=world.sh, hire_date=date(2020, 1, 1))
    gone.status = org.EmployeeStatus.LEFT
    gone.leave_date = today - timedelta(days=5)
    gone.save()
    client.force_login(world.hr_admin)
    response = client.get("/")
    overview = response.context["overview"]
    assert [e.name for e in overview.hires] == ["新同事"]
    assert [e.name for e in overview.leavers] == ["离职者"]
    assert overview.hires_count == 1 and overview.leavers_count == 1
    assert overview.left == 1
    html = response.content.decode()
    assert "新同事" in html and "离职者" in html and "老员工" not in html


def test_manager_sees_the_team_and_no_company_numbers(client, world) -> None:
    client.force_login(world.manager)
    response = client.get("/")
    assert response.context["overview"] is None
    team = [person.name for person, _a in response.context["team"]]
    assert team == ["陈静", "孙磊"]
    html = response.content.decode()
    assert "My team" in html and "商务代表" in html
    assert "刘洋" not in html and "王芳" not in html
    assert "department-chart-data" not in html


def test_employee_sees_her_own_card_and_nobody_else(client, world) -> None:
    client.force_login(world.employee)
    response = client.get("/")
    assert response.context["overview"] is None
    assert response.context["team"] == []
    html = response.content.decode()
    assert "陈静" in html and "商务代表" in html and "政企大客户部" in html
    assert "张伟" in html  # her manager on the card
    assert "孙磊" not in html
    assert f"/org/employees/{world.chenjing.pk}/" in html or "Open my profile" not in html


def test_an_employee_finds_her_own_pages_on_the_home_page(client, world) -> None:
    client.force_login(world.employee)
    html = client.get("/").content.decode()
    for url in (
        "/analytics/me/",
        "/sales/leads/mine/",
        "/incentives/statements/",
        "/performance/reviews/",
        "/inbox/",
    ):
        assert f'href="{url}' in html, url


def test_a_login_without_an_employee_record_has_no_pages_of_its_own(client, db) -> None:
    user = f.UserFactory(username="robot")
    client.force_login(user)
    assert 'href="/analytics/me/"' not in client.get("/").content.decode()


def test_login_without_person_or_role_still_gets_a_home(client, db) -> None:
    user = f.UserFactory(username="lonely")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "You have no role yet" in response.content.decode()


def test_team_members_selector_is_empty_for_non_managers(world) -> None:
    assert selectors.team_members(user=world.employee) == []
    assert [e.name for e in selectors.team_members(user=world.manager)] == ["陈静", "孙磊"]
