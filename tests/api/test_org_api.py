"""The org REST API: scopes per role, pay fields, filters, writes and their bad input."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from meritline.core.models import AuditLog
from meritline.org import models as org
from meritline.org.id_numbers import check_digit
from meritline.org.services.employees import Placement, employee_assign, employee_update
from meritline.org.services.structure import criterion_add
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.urls("tests.api.token_urlconf")

EVERYONE = {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}
SEES = {
    "hr_admin": EVERYONE,
    "auditor": EVERYONE,
    "finance": EVERYONE,
    "hrbp": {"李强", "张伟", "陈静", "孙磊"},
    "sales_manager": {"张伟", "陈静", "孙磊"},
    "employee": {"陈静"},
}
ALL_ROLES = list(SEES)
ID_NUMBER = "11010519491231002" + check_digit("11010519491231002")
BAD_CHECK_DIGIT = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] != "1" else "2")


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {e["name"] for e in response.json()["items"]}


def snapshot_counts() -> dict[str, int]:
    models = (org.Employee, org.Assignment, org.Department, org.SalaryChange, AuditLog)
    return {m.__name__: m.objects.count() for m in models}


def assert_refused(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["field"] == field
    return body


# --- reads and scopes -----------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_lists_exactly_its_employees(api_as, role):
    response = api_as(role).get("/org/employees")
    assert names(response) == SEES[role]
    assert response.json()["count"] == len(SEES[role])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_sees_the_detail_of_exactly_its_employees(world, api_as, role):
    client = api_as(role)
    for employee in org.Employee.objects.all():
        response = client.get(f"/org/employees/{employee.pk}")
        if employee.name in SEES[role]:
            assert response.status_code == 200, (role, employee.name)
            assert response.json()["employee_no"] == employee.employee_no
        else:
            assert_refused(response, 404, "not_found")


def test_an_unknown_employee_is_404(api_as):
    assert_refused(api_as("hr_admin").get("/org/employees/999999"), 404, "not_found")


PAY_SEEN = {
    # role → does it see 陈静's pay fields?
    "hr_admin": True,
    "finance": True,
    "employee": True,  # 陈静 herself
    "auditor": False,
    "hrbp": False,
    "sales_manager": False,
}


@pytest.mark.parametrize(("role", "visible"), PAY_SEEN.items())
def test_pay_fields_only_for_pay_roles_and_self(world, api_as, role, visible):
    employee_update(actor=world.hr_admin, employee=world.chenjing, data={}, id_number=ID_NUMBER)
    body = api_as(role).get(f"/org/employees/{world.chenjing.pk}").json()
    assert body["pay_visible"] is visible
    if visible:
        assert body["base_salary_fen"] == 800_000
        assert body["id_number"] == ID_NUMBER
        assert body["salary_history"] == [
            {"valid_from": "2021-03-01", "base_salary_fen": 800_000, "reason": "入职定薪"}
        ]
    else:
        assert body["base_salary_fen"] is None
        assert body["id_number"] is None
        assert body["salary_history"] is None


def test_a_manager_sees_their_own_pay_but_not_their_reports(world, api_as):
    client = api_as("sales_manager")
    assert client.get(f"/org/employees/{world.zhangwei.pk}").json()["pay_visible"] is True
    assert client.get(f"/org/employees/{world.sunlei.pk}").json()["pay_visible"] is False


def test_the_list_never_carries_pay_fields(api_as):
    item = api_as("hr_admin").get("/org/employees").json()["items"][0]
    assert not {"base_salary_fen", "id_number", "salary_history", "pay_visible"} & set(item)


def test_the_list_shows_the_current_assignment(world, api_as):
    items = api_as("sales_manager").get("/org/employees", q="陈静").json()["items"]
    (chen,) = items
    assert chen["department"]["code"] == "S-E-A"
    assert chen["position"]["code"] == "REP"
    assert chen["manager"] == {"id": world.zhangwei.pk, "employee_no": "XH00003", "name": "张伟"}
    assert chen["entity"]["code"] == "SH"
    assert chen["hire_date"] == "2021-03-01"
    assert chen["status"] == "active"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "XH0000"}, EVERYONE),
        ({"q": "孙"}, {"孙磊"}),
        ({"department": "S-E"}, {"张伟", "陈静", "孙磊"}),
        ({"department": "S-S"}, {"刘洋"}),
        ({"position": "REP"}, {"陈静", "孙磊", "刘洋"}),
        ({"platform": "GOV"}, set()),
        ({"status": "left"}, set()),
        ({"status": "active", "department": "HR"}, {"王芳", "李强", "周婷", "吴昊"}),
    ],
)
def test_the_list_filters(api_as, params, expected):
    assert names(api_as("hr_admin").get("/org/employees", **params)) == expected


def test_filters_stay_inside_the_scope(api_as):
    assert names(api_as("hrbp").get("/org/employees", position="REP")) == {"陈静", "孙磊"}


def test_filtering_by_an_unknown_department_is_a_400(api_as):
    response = api_as("hr_admin").get("/org/employees", department="NOPE")
    assert_refused(response, 400, "unknown_department", "department")


def test_filtering_by_a_bad_status_is_a_422(api_as):
    assert api_as("hr_admin").get("/org/employees", status="zombie").status_code == 422


def test_the_list_pages(api_as):
    client = api_as("hr_admin")
    first = client.get("/org/employees", limit=3).json()
    second = client.get("/org/employees", limit=3, offset=3).json()
    assert first["count"] == second["count"] == 8
    assert [e["employee_no"] for e in first["items"]] == ["XH00001", "XH00002", "XH00003"]
    assert [e["employee_no"] for e in second["items"]] == ["XH00004", "XH00005", "XH00006"]


def test_assignment_history_is_scoped(world, api_as):
    history = api_as("employee").get(f"/org/employees/{world.chenjing.pk}/assignments")
    assert history.status_code == 200
    (only,) = history.json()
    assert only["valid_from"] == "2021-03-01" and only["valid_to"] is None
    assert only["department"]["code"] == "S-E-A"
    other = api_as("employee").get(f"/org/employees/{world.sunlei.pk}/assignments")
    assert_refused(other, 404, "not_found")


def test_hrbp_lists_the_departments_of_their_region(api_as):
    response = api_as("hrbp").get("/org/departments")
    codes = {d["code"] for d in response.json()}
    assert {"S-E", "S-E-A"} <= codes and "S-S" not in codes


def test_departments_carry_their_place_in_the_tree(world, api_as):
    departments = {d["code"]: d for d in api_as("hr_admin").get("/org/departments").json()}
    assert departments["S-E-A"]["parent"]["code"] == "S-E"
    assert departments["S-E-A"]["region"]["code"] == "EAST"
    assert departments["ROOT"]["parent"] is None
    assert departments["S-E-A"]["depth"] == 2


@pytest.mark.parametrize(
    ("path", "codes"),
    [
        ("/org/entities", {"SH", "SZ"}),
        ("/org/regions", {"EAST", "SOUTH"}),
        ("/org/platforms", {"GOV"}),
        ("/org/positions", {"REP", "SREP", "MGR", "HRS"}),
    ],
)
def test_every_member_of_staff_reads_reference_data(api_as, path, codes):
    response = api_as("employee").get(path)
    assert response.status_code == 200
    assert {row["code"] for row in response.json()} == codes


def test_levels_are_listed(world, api_as):
    org.JobLevel.objects.create(code="P5", name="P5", rank=5)
    (level,) = api_as("employee").get("/org/levels").json()
    assert level == {"id": level["id"], "code": "P5", "name": "P5", "rank": 5, "family": None}


def test_positions_carry_criteria_in_words_and_as_rules(world, api_as):
    criterion_add(
        actor=world.hr_admin,
        position=world.senior,
        kind="tenure_years",
        params={"min_years": 3},
    )
    world.senior.competencies.create(name="客户洞察", competency_code="C-INSIGHT")
    positions = {p["code"]: p for p in api_as("employee").get("/org/positions").json()}
    senior = positions["SREP"]
    assert senior["criteria"] == [
        {
            "kind": "tenure_years",
            "description": "At least 3 years of tenure",
            "params": {"min_years": 3},
        }
    ]
    assert senior["competencies"][0]["competency_code"] == "C-INSIGHT"
    assert senior["is_sales_post"] is True and senior["ladder_order"] == 2


def test_the_chart_of_a_manager_is_their_team(world, api_as):
    chart = api_as("sales_manager").get("/org/chart").json()
    (root,) = chart
    assert root["name"] == "张伟"
    assert [c["name"] for c in root["children"]] == ["陈静", "孙磊"]


def test_team_members_on_a_date(world, api_as):
    employee_assign(
        actor=world.hr_admin,
        employee=world.sunlei,
        valid_from=date(2025, 1, 1),
        placement=Placement(department=world.sales_south, position=world.rep),
        reason="调岗",
    )
    client = api_as("hr_admin")
    url = f"/org/teams/{world.team_a.pk}/members"
    before = client.get(url, on="2024-06-30").json()
    assert {e["name"] for e in before} == {"张伟", "陈静", "孙磊"}
    assert {e["department"]["code"] for e in before} == {"S-E-A"}
    after = client.get(url, on="2025-06-30").json()
    assert {e["name"] for e in after} == {"张伟", "陈静"}
    east = client.get(f"/org/teams/{world.sales_east.pk}/members", on="2024-06-30").json()
    assert {e["name"] for e in east} == {"张伟", "陈静", "孙磊"}


def test_team_members_stay_inside_the_scope(world, api_as):
    url = f"/org/teams/{world.team_a.pk}/members"
    assert {e["name"] for e in api_as("employee").get(url).json()} == {"陈静"}
    south = api_as("hrbp").get(f"/org/teams/{world.sales_south.pk}/members")
    assert_refused(south, 404, "not_found")


# --- writes: employees ----------------------------------------------------------------


def new_employee(**overrides) -> dict:
    body = {
        "employee_no": "XH00100",
        "name": "赵敏",
        "entity": "SH",
        "hire_date": "2025-04-01",
        "department": "S-E-A",
        "position": "REP",
        "manager": "XH00003",
        "gender": "F",
        "email": "zhaomin@example.com",
        "base_salary_fen": 900_000,
    }
    body.update(overrides)
    return body


def test_hr_admin_creates_an_employee(world, api_as):
    response = api_as("hr_admin").post("/org/employees", new_employee())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["employee_no"] == "XH00100"
    assert body["department"]["code"] == "S-E-A"
    assert body["manager"]["employee_no"] == "XH00003"
    assert body["base_salary_fen"] == 900_000 and body["pay_visible"] is True
    employee = org.Employee.objects.get(employee_no="XH00100")
    assert employee.assignments.get().valid_from == date(2025, 4, 1)
    assert AuditLog.objects.filter(action="org.employee.create", target_id=employee.pk).exists()


def test_hrbp_creates_in_their_region_without_seeing_pay(world, api_as):
    response = api_as("hrbp").post("/org/employees", new_employee())
    assert response.status_code == 201, response.content
    assert response.json()["pay_visible"] is False


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"employee_no": "XH00004"}, "duplicate_employee_no", "employee_no"),
        ({"employee_no": "  "}, "required", "employee_no"),
        ({"department": "NOPE"}, "unknown_department", "department"),
        ({"position": "NOPE"}, "unknown_position", "position"),
        ({"level": "NOPE"}, "unknown_level", "level"),
        ({"platform": "NOPE"}, "unknown_platform", "platform"),
        ({"entity": "NOPE"}, "unknown_entity", "entity"),
        ({"manager": "XH09999"}, "unknown_manager", "manager"),
        ({"id_number": "123"}, "id_number_format", "id_number"),
        ({"email": "not-an-email"}, "invalid", "email"),
        ({"base_salary_fen": -1}, "negative_salary", "base_salary_fen"),
    ],
)
def test_creating_rejects_bad_input_and_writes_nothing(api_as, overrides, code, field):
    before = snapshot_counts()
    response = api_as("hr_admin").post("/org/employees", new_employee(**overrides))
    assert_refused(response, 400, code, field)
    assert snapshot_counts() == before


def test_the_duplicate_number_message_is_specific(api_as):
    response = api_as("hr_admin").post("/org/employees", new_employee(employee_no="XH00004"))
    assert response.json()["message"] == "Employee number XH00004 is already in use."


def test_hrbp_cannot_hire_outside_their_region(world, api_as):
    before = snapshot_counts()
    response = api_as("hrbp").post("/org/employees", new_employee(department="HR", manager=None))
    assert_refused(response, 403, "permission_denied")
    assert snapshot_counts() == before


def test_a_department_outside_the_hrbp_scope_is_unknown_to_them(world, api_as):
    response = api_as("hrbp").post("/org/employees", new_employee(department="S-S", manager=None))
    assert_refused(response, 400, "unknown_department", "department")


@pytest.mark.parametrize("role", ["sales_manager", "employee", "finance", "auditor"])
def test_roles_without_people_rights_cannot_hire(api_as, role):
    before = snapshot_counts()
    # Even with bad references the answer is 403: permission is checked first.
    response = api_as(role).post("/org/employees", new_employee(department="NOPE"))
    assert_refused(response, 403, "permission_denied")
    assert snapshot_counts() == before


def test_a_malformed_body_is_a_422(api_as):
    response = api_as("hr_admin").post("/org/employees", new_employee(hire_date="yesterday"))
    assert response.status_code == 422
    assert response.json()["detail"]


def test_hr_admin_edits_an_employee(world, api_as):
    response = api_as("hr_admin").patch(
        f"/org/employees/{world.chenjing.pk}", {"name": "陈晶", "phone": "13800000000"}
    )
    assert response.status_code == 200, response.content
    world.chenjing.refresh_from_db()
    assert (world.chenjing.name, world.chenjing.phone) == ("陈晶", "13800000000")
    assert world.chenjing.employee_no == "XH00004"  # untouched


def test_editing_sets_and_clears_the_id_number(world, api_as):
    client = api_as("hr_admin")
    url = f"/org/employees/{world.chenjing.pk}"
    assert client.patch(url, {"id_number": ID_NUMBER}).json()["id_number"] == ID_NUMBER
    assert client.patch(url, {"name": "陈静"}).json()["id_number"] == ID_NUMBER
    assert client.patch(url, {"id_number": None}).json()["id_number"] == ""


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"employee_no": "XH00005"}, "duplicate_employee_no", "employee_no"),
        ({"name": None}, "required", "name"),
        ({"entity": "NOPE"}, "unknown_entity", "entity"),
        ({"hire_date": "2022-01-01"}, "hire_after_assignment", "hire_date"),
        ({"id_number": BAD_CHECK_DIGIT}, "id_number_check", "id_number"),
    ],
)
def test_editing_rejects_bad_input_and_writes_nothing(world, api_as, body, code, field):
    before = snapshot_counts()
    response = api_as("hr_admin").patch(f"/org/employees/{world.chenjing.pk}", body)
    assert_refused(response, 400, code, field)
    world.chenjing.refresh_from_db()
    assert world.chenjing.employee_no == "XH00004" and world.chenjing.name == "陈静"
    assert snapshot_counts() == before


@pytest.mark.parametrize("role", ["sales_manager", "employee", "finance", "auditor"])
def test_roles_without_people_rights_cannot_edit(world, api_as, role):
    response = api_as(role).patch(f"/org/employees/{world.chenjing.pk}", {"name": "X"})
    assert_refused(response, 403, "permission_denied")
    world.chenjing.refresh_from_db()
    assert world.chenjing.name == "陈静"


def test_editing_out_of_scope_is_404(world, api_as):
    response = api_as("hrbp").patch(f"/org/employees/{world.liuyang.pk}", {"name": "X"})
    assert_refused(response, 404, "not_found")


def test_hr_admin_moves_an_employee(world, api_as):
    response = api_as("hr_admin").post(
        f"/org/employees/{world.sunlei.pk}/assignments",
        {
            "valid_from": "2025-01-01",
            "department": "S-S",
            "position": "SREP",
            "platform": "GOV",
            "reason": "晋升调岗",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["department"]["code"] == "S-S" and body["valid_to"] is None
    assert body["platform"]["code"] == "GOV"
    history = api_as("hr_admin").get(f"/org/employees/{world.sunlei.pk}/assignments").json()
    assert [(a["valid_from"], a["valid_to"]) for a in history] == [
        ("2025-01-01", None),
        ("2021-03-01", "2024-12-31"),
    ]


def assignment(**overrides) -> dict:
    body = {
        "valid_from": "2025-01-01",
        "department": "S-E-A",
        "position": "REP",
        "reason": "调整",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("who", "overrides", "code", "field"),
    [
        ("zhangwei", {"manager": "XH00004"}, "manager_cycle", "manager"),
        ("zhangwei", {"manager": "XH00003"}, "manager_self", "manager"),
        ("chenjing", {"valid_from": "2021-03-01"}, "assignment_overlap", "valid_from"),
        ("chenjing", {"valid_from": "2020-01-01"}, "before_hire", "valid_from"),
        ("chenjing", {"reason": "  "}, "required", "reason"),
        ("chenjing", {"department": "NOPE"}, "unknown_department", "department"),
        ("chenjing", {"manager": "XH09999"}, "unknown_manager", "manager"),
    ],
)
def test_assigning_rejects_bad_input_and_writes_nothing(world, api_as, who, overrides, code, field):
    employee = getattr(world, who)
    before = snapshot_counts()
    response = api_as("hr_admin").post(
        f"/org/employees/{employee.pk}/assignments", assignment(**overrides)
    )
    assert_refused(response, 400, code, field)
    assert snapshot_counts() == before
    assert employee.assignments.get().valid_to is None


def test_the_cycle_message_names_both_people(world, api_as):
    response = api_as("hr_admin").post(
        f"/org/employees/{world.zhangwei.pk}/assignments", assignment(manager="XH00004")
    )
    message = response.json()["message"]
    assert "陈静" in message and "张伟" in message and "cycle" in message


def test_an_overlap_with_a_closed_assignment_is_refused(world, api_as):
    client = api_as("hr_admin")
    url = f"/org/employees/{world.chenjing.pk}/assignments"
    assert client.post(url, assignment(valid_from="2024-01-01")).status_code == 201
    before = snapshot_counts()
    response = client.post(url, assignment(valid_from="2023-06-01"))
    assert_refused(response, 400, "assignment_overlap", "valid_from")
    assert snapshot_counts() == before


@pytest.mark.parametrize("role", ["sales_manager", "employee", "finance", "auditor"])
def test_roles_without_people_rights_cannot_assign(world, api_as, role):
    before = snapshot_counts()
    response = api_as(role).post(f"/org/employees/{world.chenjing.pk}/assignments", assignment())
    assert_refused(response, 403, "permission_denied")
    assert snapshot_counts() == before


def test_hr_admin_records_leaving(world, api_as):
    response = api_as("hr_admin").post(
        f"/org/employees/{world.sunlei.pk}/leave",
        {"leave_date": "2025-06-30", "leave_reason": "resigned", "leave_note": "回老家"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "left" and body["leave_date"] == "2025-06-30"
    assert body["leave_reason"] == "resigned" and body["leave_note"] == "回老家"
    world.other_employee.refresh_from_db()
    assert world.other_employee.is_active is False


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            {"leave_date": "2020-12-31", "leave_reason": "resigned"},
            400,
            "leave_before_hire",
            "leave_date",
        ),
        ({"leave_date": "2025-06-30", "leave_reason": "bored"}, 422, None, None),
    ],
)
def test_leaving_rejects_bad_input_and_writes_nothing(world, api_as, body, status, code, field):
    before = snapshot_counts()
    response = api_as("hr_admin").post(f"/org/employees/{world.sunlei.pk}/leave", body)
    assert response.status_code == status
    if code:
        assert_refused(response, status, code, field)
    assert snapshot_counts() == before
    world.sunlei.refresh_from_db()
    assert world.sunlei.status == "active"


def test_leaving_twice_is_refused(world, api_as):
    client = api_as("hr_admin")
    url = f"/org/employees/{world.sunlei.pk}/leave"
    client.post(url, {"leave_date": "2025-06-30", "leave_reason": "resigned"})
    again = client.post(url, {"leave_date": "2025-07-30", "leave_reason": "resigned"})
    assert_refused(again, 400, "employee_left")


@pytest.mark.parametrize("role", ["sales_manager", "employee", "finance", "auditor"])
def test_roles_without_people_rights_cannot_record_leaving(world, api_as, role):
    response = api_as(role).post(
        f"/org/employees/{world.chenjing.pk}/leave",
        {"leave_date": "2025-06-30", "leave_reason": "resigned"},
    )
    assert_refused(response, 403, "permission_denied")
    world.chenjing.refresh_from_db()
    assert world.chenjing.status == "active"


# --- writes: departments --------------------------------------------------------------


def test_hr_admin_creates_and_moves_a_department(world, api_as):
    client = api_as("hr_admin")
    created = client.post(
        "/org/departments",
        {"code": "S-E-B", "name": "中小企业部", "entity": "SH", "parent": "S-E", "region": "EAST"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["parent"]["code"] == "S-E" and body["region"]["code"] == "EAST"
    moved = client.patch(f"/org/departments/{body['id']}", {"parent": "S-S", "region": "SOUTH"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["parent"]["code"] == "S-S"
    assert moved.json()["path"].startswith(world.sales_south.path)
    assert moved.json()["name"] == "中小企业部"


def test_moving_a_department_moves_its_subtree(world, api_as):
    response = api_as("hr_admin").patch(f"/org/departments/{world.sales_east.pk}", {"parent": "HR"})
    assert response.status_code == 200
    world.team_a.refresh_from_db()
    assert world.team_a.path.startswith(world.hr.path)


def test_a_department_cannot_move_under_its_child(world, api_as):
    before = snapshot_counts()
    paths = dict(org.Department.objects.values_list("code", "path"))
    response = api_as("hr_admin").patch(
        f"/org/departments/{world.sales_east.pk}", {"parent": "S-E-A"}
    )
    body = assert_refused(response, 400, "department_cycle", "parent")
    assert "华东销售部" in body["message"]
    assert dict(org.Department.objects.values_list("code", "path")) == paths
    assert snapshot_counts() == before


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"code": "S-E", "name": "重复", "entity": "SH"}, "invalid", "code"),
        ({"code": "NEW", "name": "新", "entity": "NOPE"}, "unknown_entity", "entity"),
        (
            {"code": "NEW", "name": "新", "entity": "SH", "parent": "NOPE"},
            "unknown_department",
            "parent",
        ),
        (
            {"code": "NEW", "name": "新", "entity": "SH", "region": "NOPE"},
            "unknown_region",
            "region",
        ),
        ({"code": "", "name": "新", "entity": "SH"}, "invalid", "code"),
    ],
)
def test_creating_a_department_rejects_bad_input(api_as, body, code, field):
    before = snapshot_counts()
    assert_refused(api_as("hr_admin").post("/org/departments", body), 400, code, field)
    assert snapshot_counts() == before


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "finance", "auditor"])
def test_only_hr_admin_changes_departments(world, api_as, role):
    client = api_as(role)
    before = snapshot_counts()
    created = client.post("/org/departments", {"code": "NEW", "name": "新", "entity": "SH"})
    assert_refused(created, 403, "permission_denied")
    moved = client.patch(f"/org/departments/{world.team_a.pk}", {"name": "改名"})
    assert moved.status_code in {403, 404}  # 404 when the department is outside the scope
    assert snapshot_counts() == before
    world.team_a.refresh_from_db()
    assert world.team_a.name == "政企大客户部"


def test_editing_an_unknown_department_is_404(api_as):
    response = api_as("hr_admin").patch("/org/departments/999999", {"name": "X"})
    assert_refused(response, 404, "not_found")


# --- language -------------------------------------------------------------------------


def test_messages_follow_the_request_language(world, api_as):
    body = new_employee(department="NOPE")
    english = api_as("hr_admin", language="en").post("/org/employees", body).json()
    assert english["message"] == "Unknown department code “NOPE”."
    msgid = "Unknown department code “%(code)s”."
    with translation.override("zh-hans"):
        chinese = translation.gettext(msgid)
    assert chinese != msgid, "the Simplified Chinese catalogue lacks this message"
    default = api_as("hr_admin", language=None).post("/org/employees", body).json()
    assert default["message"] == chinese % {"code": "NOPE"}
    explicit = api_as("hr_admin", language="zh-CN").post("/org/employees", body).json()
    assert explicit["message"] == default["message"]
    anonymous = ApiClient(language=None).get("/org/employees").json()
    assert anonymous["message"] != ApiClient().get("/org/employees").json()["message"]
