"""Employee pages: scoped list, search/filter/sort, export, profile, and every form's bad
input (SPEC PLT-1, PLT-2, PLT-3)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from meritline.core import crypto
from meritline.core.models import User
from meritline.org import models as org

BACKEND = "django.contrib.auth.backends.ModelBackend"
VALID_ID = "11010519491231002X"  # GB 11643 example number


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def expected(response, msgid, *args, **kwargs):
    """``msgid`` translated into the response's language and formatted."""
    with translation.override(response.context["LANGUAGE_CODE"]):
        text = _(msgid)
    if args:
        return text % args
    return text % kwargs if kwargs else text


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def assert_field_error(response, field, message):
    assert response.status_code == 400
    assert message in field_errors(response, field), field_errors(response, field)
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html.replace("&#x27;", "'").replace("&quot;", '"')


def names_in_list(response):
    return [e.name for e in response.context["page_obj"].object_list]


# The list ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("hr_admin", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("finance", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("auditor", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("hrbp", {"李强", "张伟", "陈静", "孙磊"}),
        ("sales_manager", {"张伟", "陈静", "孙磊"}),
        ("employee", {"陈静"}),
    ],
)
def test_employee_list_shows_exactly_the_scope(world, as_user, role, visible):
    response = as_user(world.user(role)).get(reverse("org:employee_list"))
    assert response.status_code == 200
    assert set(names_in_list(response)) == visible
    html = response.content.decode()
    for name in {"王芳", "刘洋", "吴昊"} - visible:
        assert name not in html


def test_new_employee_button_only_for_people_managers(world, as_user):
    url = reverse("org:employee_list")
    create = reverse("org:employee_create")
    assert create in as_user(world.hr_admin).get(url).content.decode()
    assert create in as_user(world.hrbp).get(url).content.decode()
    assert create not in as_user(world.auditor).get(url).content.decode()
    assert create not in as_user(world.employee).get(url).content.decode()


@pytest.mark.parametrize(
    ("query", "expected_names"),
    [
        ({"q": "陈"}, ["陈静"]),
        ({"q": "xh00005"}, ["孙磊"]),
        ({"q": "13900001111"}, ["张伟"]),
        ({"department": "sales_east"}, ["张伟", "陈静", "孙磊"]),
        ({"department": "team_a", "position": "rep"}, ["陈静", "孙磊"]),
        ({"entity": "sz"}, ["刘洋"]),
        ({"platform": "platform"}, ["孙磊"]),
    ],
)
def test_employee_list_search_and_filters(world, as_user, query, expected_names):
    org.Employee.objects.filter(pk=world.zhangwei.pk).update(phone="13900001111")
    org.Assignment.objects.filter(employee=world.sunlei).update(platform=world.platform)
    params = {
        key: (getattr(world, value).pk if key != "q" else value) for key, value in query.items()
    }
    response = as_user(world.hr_admin).get(reverse("org:employee_list"), params)
    assert response.status_code == 200
    assert names_in_list(response) == expected_names


def test_department_filter_stays_inside_the_scope(world, as_user):
    response = as_user(world.hrbp).get(reverse("org:employee_list"), {"department": world.root.pk})
    assert set(names_in_list(response)) == {"李强", "张伟", "陈静", "孙磊"}


def test_people_who_left_are_hidden_unless_asked_for(world, as_user):
    world.liuyang.status = org.EmployeeStatus.LEFT
    world.liuyang.leave_date = date(2025, 1, 31)
    world.liuyang.save()
    client = as_user(world.hr_admin)
    url = reverse("org:employee_list")
    assert "刘洋" not in names_in_list(client.get(url))
    assert names_in_list(client.get(url, {"status": "left"})) == ["刘洋"]
    assert "刘洋" in names_in_list(client.get(url, {"status": "all"}))


def test_employee_list_sorts_by_whitelisted_columns(world, as_user):
    client = as_user(world.hr_admin)
    url = reverse("org:employee_list")
    by_no_desc = names_in_list(client.get(url, {"sort": "-employee_no"}))
    assert by_no_desc[0] == "吴昊" and by_no_desc[-1] == "王芳"
    by_department = client.get(url, {"sort": "department"})
    departments = [e.dept_name for e in by_department.context["page_obj"].object_list]
    assert departments == sorted(departments)
    assert by_department.context["sort"] == "department"
    unknown = client.get(url, {"sort": "id_number_encrypted"})
    assert unknown.status_code == 200
    assert unknown.context["sort"] == "employee_no"


def test_empty_search_shows_the_empty_state(world, as_user):
    response = as_user(world.hr_admin).get(reverse("org:employee_list"), {"q": "nobody-here"})
    assert response.status_code == 200
    assert "ml-empty" in response.content.decode()


# Export -----------------------------------------------------------------------------------
def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_has_the_filtered_scoped_rows_and_no_pay_for_hrbp(world, as_user):
    response = as_user(world.hrbp).get(
        reverse("org:employee_export"), {"format": "csv", "department": world.root.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    assert {r[1] for r in body} == {"李强", "张伟", "陈静", "孙磊"}
    assert len(header) == 15
    assert all(len(r) == 15 for r in body)


def test_xlsx_export_for_hr_admin_includes_salary_and_id_number(world, as_user):
    org.Employee.objects.filter(pk=world.chenjing.pk).update(
        id_number_encrypted=crypto.encrypt(VALID_ID), id_number_index=crypto.blind_index(VALID_ID)
    )
    response = as_user(world.hr_admin).get(
        reverse("org:employee_export"), {"format": "xlsx", "q": "陈静"}
    )
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    assert len(header) == 17
    assert row[0] == "XH00004"
    assert row[15] == "8000.00"
    assert row[16] == VALID_ID


def test_export_of_an_employee_is_only_their_own_row(world, as_user):
    response = as_user(world.employee).get(reverse("org:employee_export"), {"format": "csv"})
    body = _csv_rows(response)[1:]
    assert [r[1] for r in body] == ["陈静"]


def test_export_keeps_the_list_sort(world, as_user):
    response = as_user(world.manager).get(
        reverse("org:employee_export"), {"format": "csv", "sort": "-employee_no"}
    )
    assert [r[0] for r in _csv_rows(response)[1:]] == ["XH00005", "XH00004", "XH00003"]


# Profile ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "outsider"),
    [
        ("hrbp", "liuyang"),
        ("sales_manager", "wangfang"),
        ("sales_manager", "liuyang"),
        ("employee", "sunlei"),
        ("employee", "zhangwei"),
    ],
)
def test_profile_outside_the_scope_is_404(world, as_user, role, outsider):
    client = as_user(world.user(role))
    pk = getattr(world, outsider).pk
    assert client.get(reverse("org:employee_detail", args=[pk])).status_code == 404


def test_unknown_employee_is_404(world, as_user):
    response = as_user(world.hr_admin).get(reverse("org:employee_detail", args=[999999]))
    assert response.status_code == 404


def _profile(client, employee):
    return client.get(reverse("org:employee_detail", args=[employee.pk]))


@pytest.mark.parametrize(
    ("role", "sees_pay"),
    [
        ("hr_admin", True),
        ("finance", True),
        ("employee", True),  # their own profile
        ("hrbp", False),
        ("sales_manager", False),
        ("auditor", False),
    ],
)
def test_salary_and_id_number_only_for_pay_roles_and_self(world, as_user, role, sees_pay):
    org.Employee.objects.filter(pk=world.chenjing.pk).update(
        id_number_encrypted=crypto.encrypt(VALID_ID), id_number_index=crypto.blind_index(VALID_ID)
    )
    response = _profile(as_user(world.user(role)), world.chenjing)
    assert response.status_code == 200
    html = response.content.decode()
    assert ("ml-salary-history" in html) is sees_pay
    assert ("¥8,000.00" in html) is sees_pay
    assert (VALID_ID in html) is sees_pay
    assert VALID_ID[:4] + "*" not in html  # never a half-hidden number either
    assert (response.context["salaries"] is not None) is sees_pay


def test_employee_sees_own_profile_but_not_a_colleague(world, as_user):
    client = as_user(world.employee)
    own = _profile(client, world.chenjing)
    assert own.status_code == 200
    assert "陈静" in own.content.decode()
    assert _profile(client, world.sunlei).status_code == 404


def test_manager_sees_team_member_without_pay(world, as_user):
    response = _profile(as_user(world.manager), world.sunlei)
    assert response.status_code == 200
    assert "ml-salary-history" not in response.content.decode()


def test_profile_shows_history_certificates_training_and_tenure(world, as_user):
    org.Certificate.objects.create(
        employee=world.chenjing, name="阿里云ACP认证", issuer="阿里云", issued_on=date(2023, 5, 1)
    )
    org.TrainingRecord.objects.create(
        employee=world.chenjing, course="大客户谈判", completed_on=date(2024, 4, 2), hours=8
    )
    response = _profile(as_user(world.hr_admin), world.chenjing)
    html = response.content.decode()
    assert "阿里云ACP认证" in html
    assert "大客户谈判" in html
    assert "政企大客户部" in html
    assert response.context["tenure"] == world.chenjing.tenure_years()
    assert len(response.context["history"]) == 1


def test_action_buttons_follow_the_permissions(world, as_user):
    edit = reverse("org:employee_edit", args=[world.chenjing.pk])
    salary = reverse("org:employee_salary", args=[world.chenjing.pk])
    admin_html = _profile(as_user(world.hr_admin), world.chenjing).content.decode()
    assert edit in admin_html and salary in admin_html
    hrbp_html = _profile(as_user(world.hrbp), world.chenjing).content.decode()
    assert edit in hrbp_html and salary not in hrbp_html
    for role in ("employee", "auditor", "sales_manager"):
        html = _profile(as_user(world.user(role)), world.chenjing).content.decode()
        assert edit not in html and salary not in html


# Create -----------------------------------------------------------------------------------
def _new_employee(world, **overrides):
    data = {
        "employee_no": "XH00100",
        "name": "黄蕾",
        "gender": "F",
        "entity": world.sh.pk,
        "hire_date": "2024-02-01",
        "id_number": "",
        "email": "huanglei@example.com",
        "phone": "13800000000",
        "department": world.team_a.pk,
        "position": world.rep.pk,
        "level": "",
        "manager": world.zhangwei.pk,
        "platform": world.platform.pk,
        "base_salary": "8,000",
    }
    data.update(overrides)
    return data


def test_hr_admin_hires_an_employee(world, as_user):
    response = as_user(world.hr_admin).post(
        reverse("org:employee_create"), _new_employee(world, id_number=VALID_ID)
    )
    employee = org.Employee.objects.get(employee_no="XH00100")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:employee_detail", args=[employee.pk])
    assignment = employee.assignments.get()
    assert assignment.manager == world.zhangwei
    assert employee.salary_changes.get().base_salary_fen == 800_000
    assert crypto.decrypt(employee.id_number_encrypted) == VALID_ID


def test_create_form_renders_for_people_managers_only(world, as_user):
    url = reverse("org:employee_create")
    assert as_user(world.hr_admin).get(url).status_code == 200
    hrbp_page = as_user(world.hrbp).get(url)
    assert hrbp_page.status_code == 200
    assert "base_salary" not in hrbp_page.context["form"].fields
    assert set(hrbp_page.context["form"].fields["department"].queryset) == {
        world.sales_east,
        world.team_a,
    }
    for role in ("employee", "auditor", "finance", "sales_manager"):
        assert as_user(world.user(role)).get(url).status_code == 403


def _bad_create(client, world, field, message_of, **overrides):
    before = org.Employee.objects.count()
    assignments = org.Assignment.objects.count()
    response = client.post(reverse("org:employee_create"), _new_employee(world, **overrides))
    assert_field_error(response, field, message_of(response))
    assert org.Employee.objects.count() == before
    assert org.Assignment.objects.count() == assignments
    assert not org.Employee.objects.filter(name="黄蕾").exists()
    return response


def test_create_refuses_a_duplicate_employee_number(world, as_user):
    _bad_create(
        as_user(world.hr_admin),
        world,
        "employee_no",
        lambda r: expected(r, "Employee number %s is already in use.", "XH00004"),
        employee_no="XH00004",
    )


def test_create_refuses_an_invalid_id_number(world, as_user):
    _bad_create(
        as_user(world.hr_admin),
        world,
        "id_number",
        lambda r: expected(r, "The ID number's check digit is wrong."),
        id_number="110105194912310021",
    )


def test_create_refuses_a_negative_salary(world, as_user):
    _bad_create(
        as_user(world.hr_admin),
        world,
        "base_salary",
        lambda r: expected(r, "A salary cannot be negative."),
        base_salary="-100",
    )


def test_create_refuses_salary_text_that_is_not_money(world, as_user):
    _bad_create(
        as_user(world.hr_admin),
        world,
        "base_salary",
        lambda r: expected(
            r, "Enter an amount in yuan with at most two decimals, for example 8000 or 8,000.50."
        ),
        base_salary="八千",
    )


@pytest.mark.parametrize("field", ["employee_no", "name", "entity", "hire_date", "department"])
def test_create_names_each_missing_required_field(world, as_user, field):
    _bad_create(
        as_user(world.hr_admin),
        world,
        field,
        lambda r: expected(r, "This field is required."),
        **{field: ""},
    )


def test_hrbp_cannot_hire_into_another_region(world, as_user):
    _bad_create(
        as_user(world.hrbp),
        world,
        "department",
        lambda r: str(r.context["form"].fields["department"].error_messages["invalid_choice"]),
        department=world.sales_south.pk,
    )


# Edit -------------------------------------------------------------------------------------
def _edit_data(employee, **overrides):
    data = {
        "employee_no": employee.employee_no,
        "name": employee.name,
        "gender": employee.gender,
        "entity": employee.entity_id,
        "hire_date": employee.hire_date.isoformat(),
        "email": employee.email,
        "phone": employee.phone,
        "id_number": "",
    }
    data.update(overrides)
    return data


def test_edit_saves_personal_data(world, as_user):
    url = reverse("org:employee_edit", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, _edit_data(world.chenjing, phone="13700000000"))
    assert response.status_code == 302
    world.chenjing.refresh_from_db()
    assert world.chenjing.phone == "13700000000"


def test_edit_refuses_a_duplicate_employee_number(world, as_user):
    url = reverse("org:employee_edit", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(
        url, _edit_data(world.chenjing, employee_no="XH00005", phone="13700000000")
    )
    assert_field_error(
        response,
        "employee_no",
        expected(response, "Employee number %s is already in use.", "XH00005"),
    )
    world.chenjing.refresh_from_db()
    assert world.chenjing.employee_no == "XH00004"
    assert world.chenjing.phone == ""


def test_edit_refuses_an_invalid_id_number_and_keeps_the_old(world, as_user):
    url = reverse("org:employee_edit", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, _edit_data(world.chenjing, id_number="12345"))
    assert_field_error(
        response,
        "id_number",
        expected(response, "An ID number has 17 digits followed by a digit or X."),
    )
    world.chenjing.refresh_from_db()
    assert world.chenjing.id_number_encrypted == ""


def test_hrbp_edits_without_seeing_the_id_number(world, as_user):
    url = reverse("org:employee_edit", args=[world.chenjing.pk])
    response = as_user(world.hrbp).get(url)
    assert response.status_code == 200
    assert "id_number" not in response.context["form"].fields


@pytest.mark.parametrize(
    "name", ["employee_edit", "employee_assign", "employee_leave", "employee_login"]
)
def test_people_forms_are_forbidden_without_manage_people(world, as_user, name):
    url = reverse(f"org:{name}", args=[world.chenjing.pk])
    for role in ("employee", "auditor", "sales_manager", "finance"):
        assert as_user(world.user(role)).get(url).status_code == 403
        assert as_user(world.user(role)).post(url, {}).status_code == 403


@pytest.mark.parametrize(
    "name", ["employee_edit", "employee_assign", "employee_leave", "employee_salary"]
)
def test_people_forms_outside_the_scope_are_404(world, as_user, name):
    url = reverse(f"org:{name}", args=[world.liuyang.pk])
    assert as_user(world.hrbp).get(url).status_code == 404


# Reassign ---------------------------------------------------------------------------------
def _assign_data(world, **overrides):
    data = {
        "valid_from": "2025-01-01",
        "department": world.team_a.pk,
        "position": world.senior.pk,
        "level": "",
        "manager": world.zhangwei.pk,
        "platform": "",
        "reason": "竞聘晋升",
    }
    data.update(overrides)
    return data


def _assignments(employee):
    return list(
        org.Assignment.objects.filter(employee=employee)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "position_id", "manager_id")
    )


def test_reassign_closes_the_old_assignment(world, as_user):
    url = reverse("org:employee_assign", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, _assign_data(world))
    assert response.status_code == 302
    rows = _assignments(world.chenjing)
    assert rows[0][1] == date(2024, 12, 31)
    assert rows[1][:3] == (date(2025, 1, 1), None, world.senior.pk)


def test_reassign_refuses_a_manager_cycle(world, as_user):
    before = _assignments(world.zhangwei)
    url = reverse("org:employee_assign", args=[world.zhangwei.pk])
    response = as_user(world.hr_admin).post(
        url,
        _assign_data(
            world,
            position=world.manager_post.pk,
            manager=world.chenjing.pk,
            valid_from="2025-06-01",
        ),
    )
    message = expected(
        response,
        "%(manager)s reports to %(employee)s; making them the manager would create a cycle.",
        manager="陈静",
        employee="张伟",
    )
    assert_field_error(response, "manager", message)
    assert _assignments(world.zhangwei) == before


def test_reassign_refuses_an_overlapping_assignment(world, as_user):
    client = as_user(world.hr_admin)
    url = reverse("org:employee_assign", args=[world.chenjing.pk])
    assert client.post(url, _assign_data(world, valid_from="2025-01-01")).status_code == 302
    before = _assignments(world.chenjing)
    response = client.post(url, _assign_data(world, valid_from="2024-06-01"))
    assert_field_error(
        response,
        "valid_from",
        expected(response, "It overlaps the assignment that starts on %s.", date(2025, 1, 1)),
    )
    assert _assignments(world.chenjing) == before


def test_reassign_refuses_a_start_before_hire(world, as_user):
    before = _assignments(world.chenjing)
    url = reverse("org:employee_assign", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, _assign_data(world, valid_from="2020-01-01"))
    assert_field_error(
        response,
        "valid_from",
        expected(
            response,
            "The assignment cannot start before the hire date (%s).",
            world.chenjing.hire_date,
        ),
    )
    assert _assignments(world.chenjing) == before


def test_reassign_needs_a_reason(world, as_user):
    before = _assignments(world.chenjing)
    url = reverse("org:employee_assign", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, _assign_data(world, reason=""))
    assert_field_error(response, "reason", expected(response, "This field is required."))
    assert _assignments(world.chenjing) == before


def test_reassign_form_starts_from_the_current_assignment(world, as_user):
    url = reverse("org:employee_assign", args=[world.chenjing.pk])
    form = as_user(world.hr_admin).get(url).context["form"]
    assert form.initial["department"] == world.team_a.pk
    assert form.initial["manager"] == world.zhangwei.pk


# Leaving ----------------------------------------------------------------------------------
def test_recording_leaving_sets_status_and_disables_the_login(world, as_user):
    url = reverse("org:employee_leave", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(
        url, {"leave_date": "2025-03-31", "leave_reason": "resigned", "note": "个人原因"}
    )
    assert response.status_code == 302
    world.sunlei.refresh_from_db()
    assert world.sunlei.status == org.EmployeeStatus.LEFT
    assert world.sunlei.leave_date == date(2025, 3, 31)
    assert not User.objects.get(pk=world.other_employee.pk).is_active


def test_leaving_before_hire_is_refused(world, as_user):
    url = reverse("org:employee_leave", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(
        url, {"leave_date": "2020-01-01", "leave_reason": "resigned", "note": ""}
    )
    assert_field_error(
        response,
        "leave_date",
        expected(
            response,
            "The leave date cannot be before the hire date (%s).",
            world.sunlei.hire_date,
        ),
    )
    world.sunlei.refresh_from_db()
    assert world.sunlei.status == org.EmployeeStatus.ACTIVE
    assert world.sunlei.leave_date is None


def test_leaving_needs_a_valid_reason(world, as_user):
    url = reverse("org:employee_leave", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(
        url, {"leave_date": "2025-03-31", "leave_reason": "bored", "note": ""}
    )
    assert response.status_code == 400
    assert field_errors(response, "leave_reason")
    world.sunlei.refresh_from_db()
    assert world.sunlei.status == org.EmployeeStatus.ACTIVE


# Salary -----------------------------------------------------------------------------------
def _salaries(employee):
    return list(
        org.SalaryChange.objects.filter(employee=employee).values_list(
            "valid_from", "base_salary_fen"
        )
    )


@pytest.mark.parametrize("role", ["hr_admin", "finance"])
def test_pay_roles_record_a_salary_change_in_yuan(world, as_user, role):
    url = reverse("org:employee_salary", args=[world.chenjing.pk])
    response = as_user(world.user(role)).post(
        url, {"valid_from": "2025-01-01", "base_salary": "9,200.50", "reason": "晋升调薪"}
    )
    assert response.status_code == 302
    assert (date(2025, 1, 1), 920_050) in _salaries(world.chenjing)


@pytest.mark.parametrize(
    ("text", "msgid"),
    [
        ("-9200", "A salary cannot be negative."),
        (
            "9200.555",
            "Enter an amount in yuan with at most two decimals, for example 8000 or 8,000.50.",
        ),
        ("abc", "Enter an amount in yuan with at most two decimals, for example 8000 or 8,000.50."),
        ("", "This field is required."),
    ],
)
def test_salary_refuses_bad_amounts(world, as_user, text, msgid):
    before = _salaries(world.chenjing)
    url = reverse("org:employee_salary", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(
        url, {"valid_from": "2025-01-01", "base_salary": text, "reason": "调薪"}
    )
    assert_field_error(response, "base_salary", expected(response, msgid))
    assert _salaries(world.chenjing) == before


def test_salary_refuses_a_second_change_on_the_same_day(world, as_user):
    before = _salaries(world.chenjing)
    url = reverse("org:employee_salary", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(
        url, {"valid_from": "2021-03-01", "base_salary": "9000", "reason": "调薪"}
    )
    assert_field_error(
        response,
        "valid_from",
        expected(response, "A salary change on %s already exists.", date(2021, 3, 1)),
    )
    assert _salaries(world.chenjing) == before


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "auditor"])
def test_salary_form_is_forbidden_to_other_roles(world, as_user, role):
    url = reverse("org:employee_salary", args=[world.chenjing.pk])
    client = as_user(world.user(role))
    assert client.get(url).status_code == 403
    response = client.post(url, {"valid_from": "2025-01-01", "base_salary": "99999", "reason": "x"})
    assert response.status_code == 403
    assert len(_salaries(world.chenjing)) == 1


# Login ------------------------------------------------------------------------------------
def test_hr_creates_a_login_for_an_employee(world, as_user):
    url = reverse("org:employee_login", args=[world.liuyang.pk])
    org.Employee.objects.filter(pk=world.liuyang.pk).update(user=None)
    response = as_user(world.hr_admin).post(
        url, {"username": "liuyang2", "password1": "Xinghe#2025!", "password2": "Xinghe#2025!"}
    )
    assert response.status_code == 302
    world.liuyang.refresh_from_db()
    assert world.liuyang.user.username == "liuyang2"
    assert world.liuyang.user.check_password("Xinghe#2025!")


def test_login_refuses_a_taken_username(world, as_user):
    org.Employee.objects.filter(pk=world.liuyang.pk).update(user=None)
    users = User.objects.count()
    url = reverse("org:employee_login", args=[world.liuyang.pk])
    response = as_user(world.hr_admin).post(
        url, {"username": "chenjing", "password1": "Xinghe#2025!", "password2": "Xinghe#2025!"}
    )
    assert_field_error(
        response, "username", expected(response, "The username %s is taken.", "chenjing")
    )
    assert User.objects.count() == users


def test_login_refuses_different_passwords(world, as_user):
    org.Employee.objects.filter(pk=world.liuyang.pk).update(user=None)
    users = User.objects.count()
    url = reverse("org:employee_login", args=[world.liuyang.pk])
    response = as_user(world.hr_admin).post(
        url, {"username": "liuyang2", "password1": "Xinghe#2025!", "password2": "Xinghe#2026!"}
    )
    assert_field_error(response, "password2", expected(response, "The two passwords differ."))
    assert User.objects.count() == users


# Team on a date ---------------------------------------------------------------------------
def test_team_on_a_date_uses_the_assignment_history(world, as_user):
    client = as_user(world.hr_admin)
    url = reverse("org:employee_assign", args=[world.sunlei.pk])
    client.post(url, _assign_data(world, department=world.hr.pk, valid_from="2025-01-01"))
    team = reverse("org:team_on")
    before = client.get(team, {"department": world.team_a.pk, "on": "2024-12-31"})
    after = client.get(team, {"department": world.team_a.pk, "on": "2025-01-01"})
    assert before.status_code == 200
    assert {e.name for e, _a in before.context["members"]} == {"张伟", "陈静", "孙磊"}
    assert {e.name for e, _a in after.context["members"]} == {"张伟", "陈静"}


def test_team_on_stays_inside_the_scope(world, as_user):
    response = as_user(world.manager).get(
        reverse("org:team_on"), {"department": world.root.pk, "on": "2025-01-01"}
    )
    assert {e.name for e, _a in response.context["members"]} == {"张伟", "陈静", "孙磊"}


def test_team_on_rejects_a_bad_date(world, as_user):
    response = as_user(world.hr_admin).get(
        reverse("org:team_on"), {"department": world.team_a.pk, "on": "2025-13-45"}
    )
    assert response.status_code == 400
    assert field_errors(response, "on")


def test_team_on_renders_without_a_question(world, as_user):
    response = as_user(world.employee).get(reverse("org:team_on"))
    assert response.status_code == 200
    assert response.context["members"] is None


@pytest.mark.parametrize(
    ("name", "roles"),
    [
        ("employee_edit", ["hr_admin", "hrbp"]),
        ("employee_assign", ["hr_admin", "hrbp"]),
        ("employee_leave", ["hr_admin", "hrbp"]),
        ("employee_login", ["hr_admin", "hrbp"]),
        ("employee_salary", ["hr_admin", "finance"]),
    ],
)
def test_people_forms_render_for_the_roles_that_may_use_them(world, as_user, name, roles):
    url = reverse(f"org:{name}", args=[world.chenjing.pk])
    for role in roles:
        response = as_user(world.user(role)).get(url)
        assert response.status_code == 200
        assert "陈静" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/org/employees/", "/org/employees/export/?format=csv", "/org/chart/", "/org/posts/"],
)
def test_anonymous_visitors_are_sent_to_sign_in(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
