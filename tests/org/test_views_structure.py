"""Structure pages: department tree, post ladder, positions and criteria, reference data
(SPEC PLT-1, SEL-1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from meritline.org import models as org

BACKEND = "django.contrib.auth.backends.ModelBackend"
ROLES = ["hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor"]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def expected(response, msgid, **kwargs):
    with translation.override(response.context["LANGUAGE_CODE"]):
        text = _(msgid)
    return text % kwargs if kwargs else text


def assert_field_error(response, field, message=None):
    assert response.status_code == 400
    errors = [str(e) for e in response.context["form"].errors.get(field, [])]
    assert errors, response.context["form"].errors
    if message is not None:
        assert message in errors, errors
    assert f'id="id_{field}_error"' in response.content.decode()


# Departments ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_department_tree_renders_for_every_role(world, as_user, role):
    response = as_user(world.user(role)).get(reverse("org:department_list"))
    assert response.status_code == 200


def test_department_tree_is_indented_with_subtree_headcounts(world, as_user):
    response = as_user(world.hr_admin).get(reverse("org:department_list"))
    rows = {row["department"].code: row for row in response.context["rows"]}
    assert rows["ROOT"]["indent"] == 0
    assert rows["S-E-A"]["indent"] == 2
    assert rows["ROOT"]["headcount"] == 8
    assert rows["S-E"]["headcount"] == 3
    assert rows["S-E-A"]["headcount"] == 3
    assert rows["HR"]["headcount"] == 4
    html = response.content.decode()
    assert "星河云服(上海)有限公司" in html and "华东" in html


def test_hrbp_sees_their_region_in_the_tree_and_headcounts_in_scope(world, as_user):
    response = as_user(world.hrbp).get(reverse("org:department_list"))
    rows = {row["department"].code: row for row in response.context["rows"]}
    assert "S-S" not in rows
    assert rows["ROOT"]["headcount"] == 4  # 李强 (self) and the 华东 team, not 华南
    assert reverse("org:department_create") not in response.content.decode()


def _department_data(world, **overrides):
    data = {
        "code": "S-E-B",
        "name": "渠道销售部",
        "entity": world.sh.pk,
        "parent": world.sales_east.pk,
        "region": world.east.pk,
        "active": "on",
    }
    data.update(overrides)
    return data


def test_hr_admin_creates_a_department_under_a_parent(world, as_user):
    response = as_user(world.hr_admin).post(
        reverse("org:department_create"), _department_data(world)
    )
    assert response.status_code == 302
    created = org.Department.objects.get(code="S-E-B")
    assert created.path == f"{world.sales_east.path}{created.pk}/"


def test_department_create_refuses_a_duplicate_code(world, as_user):
    count = org.Department.objects.count()
    response = as_user(world.hr_admin).post(
        reverse("org:department_create"), _department_data(world, code="S-E-A")
    )
    assert_field_error(response, "code")
    assert org.Department.objects.count() == count


def test_department_create_names_missing_fields(world, as_user):
    count = org.Department.objects.count()
    response = as_user(world.hr_admin).post(
        reverse("org:department_create"), _department_data(world, name="", entity="")
    )
    assert_field_error(response, "name", expected(response, "This field is required."))
    assert_field_error(response, "entity", expected(response, "This field is required."))
    assert org.Department.objects.count() == count


def _tree():
    return list(org.Department.objects.order_by("pk").values_list("pk", "parent_id", "path"))


def test_moving_a_department_under_its_own_child_is_refused(world, as_user):
    before = _tree()
    response = as_user(world.hr_admin).post(
        reverse("org:department_edit", args=[world.sales_east.pk]),
        _department_data(world, code="S-E", name="华东销售部", parent=world.team_a.pk),
    )
    message = expected(
        response,
        "“%(dept)s” cannot be moved under “%(parent)s”: that is inside its own subtree.",
        dept="华东销售部",
        parent="政企大客户部",
    )
    assert_field_error(response, "parent", message)
    assert _tree() == before


def test_moving_a_department_moves_its_subtree(world, as_user):
    response = as_user(world.hr_admin).post(
        reverse("org:department_edit", args=[world.sales_east.pk]),
        _department_data(world, code="S-E", name="华东销售部", parent=world.sales_south.pk),
    )
    assert response.status_code == 302
    world.team_a.refresh_from_db()
    assert world.team_a.path.startswith(world.sales_south.path)


def test_department_edit_offers_every_parent_but_itself(world, as_user):
    response = as_user(world.hr_admin).get(
        reverse("org:department_edit", args=[world.sales_east.pk])
    )
    parents = set(response.context["form"].fields["parent"].queryset)
    assert world.sales_east not in parents
    assert world.team_a in parents


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "finance", "auditor"])
def test_department_writes_are_forbidden_without_manage_org(world, as_user, role):
    client = as_user(world.user(role))
    count = org.Department.objects.count()
    assert client.get(reverse("org:department_create")).status_code == 403
    assert client.post(reverse("org:department_create"), _department_data(world)).status_code == 403
    assert org.Department.objects.count() == count


def test_department_edit_outside_the_scope_is_404(world, as_user):
    url = reverse("org:department_edit", args=[world.sales_south.pk])
    assert as_user(world.hrbp).get(url).status_code == 404


# Post ladder and positions ----------------------------------------------------------------
@pytest.fixture
def ladder(world):
    level = org.JobLevel.objects.create(code="S2", name="S2 高级", rank=2)
    world.senior.level = level
    world.senior.pay_structure = "基本工资 + 提成 + 奖金"
    world.senior.next_position = world.manager_post
    world.senior.save()
    world.rep.next_position = world.senior
    world.rep.save()
    org.PostCriterion.objects.create(
        position=world.senior, kind="tenure_years", params={"min_years": 3}, order=0
    )
    org.PostCriterion.objects.create(
        position=world.senior,
        kind="metric_threshold",
        params={"metric": "sales_amount", "window_months": 12, "min_value": "80000000"},
        order=1,
    )
    org.PostCompetency.objects.create(position=world.senior, name="独立谈判能力")
    return world


@pytest.mark.parametrize("role", ROLES)
def test_post_ladder_is_published_to_every_role(ladder, as_user, role):
    response = as_user(ladder.user(role)).get(reverse("org:post_ladder"))
    assert response.status_code == 200
    html = response.content.decode()
    assert [p.name for p in response.context["ladder"]] == ["商务代表", "高级商务代表", "商务经理"]
    assert "基本工资 + 提成 + 奖金" in html
    assert "S2 高级" in html
    assert "独立谈判能力" in html
    for criterion in org.PostCriterion.objects.filter(position=ladder.senior):
        assert str(criterion) in html
    assert "人力资源专员" in html  # the other positions
    assert (reverse("org:position_create") in html) is (role == "hr_admin")


@pytest.mark.parametrize("role", ROLES)
def test_position_detail_renders_for_every_role(ladder, as_user, role):
    response = as_user(ladder.user(role)).get(
        reverse("org:position_detail", args=[ladder.senior.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "独立谈判能力" in html
    assert (reverse("org:criterion_add", args=[ladder.senior.pk]) in html) is (role == "hr_admin")


def test_unknown_position_is_404(world, as_user):
    response = as_user(world.hr_admin).get(reverse("org:position_detail", args=[99999]))
    assert response.status_code == 404


def _position_data(**overrides):
    data = {
        "code": "DIR",
        "name": "销售总监",
        "family": "",
        "level": "",
        "is_sales_post": "on",
        "ladder_order": "4",
        "next_position": "",
        "pay_structure": "基本工资 + 年度奖金",
        "description": "负责区域销售",
    }
    data.update(overrides)
    return data


def test_hr_admin_creates_and_edits_a_position(world, as_user):
    client = as_user(world.hr_admin)
    response = client.post(reverse("org:position_create"), _position_data())
    assert response.status_code == 302
    director = org.Position.objects.get(code="DIR")
    assert director.is_sales_post and director.ladder_order == 4
    response = client.post(
        reverse("org:position_edit", args=[world.manager_post.pk]),
        _position_data(code="MGR", name="商务经理", ladder_order="3", next_position=director.pk),
    )
    assert response.status_code == 302
    world.manager_post.refresh_from_db()
    assert world.manager_post.next_position == director


def test_position_create_refuses_a_duplicate_code(world, as_user):
    count = org.Position.objects.count()
    response = as_user(world.hr_admin).post(
        reverse("org:position_create"), _position_data(code="REP")
    )
    assert_field_error(response, "code")
    assert org.Position.objects.count() == count


def test_position_edit_refuses_a_career_path_loop(ladder, as_user):
    response = as_user(ladder.hr_admin).post(
        reverse("org:position_edit", args=[ladder.manager_post.pk]),
        _position_data(code="MGR", name="商务经理", ladder_order="3", next_position=ladder.rep.pk),
    )
    assert_field_error(
        response,
        "next_position",
        expected(response, "The career path would loop back to this post."),
    )
    ladder.manager_post.refresh_from_db()
    assert ladder.manager_post.next_position is None


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "finance", "auditor"])
def test_position_writes_are_forbidden_without_manage_org(ladder, as_user, role):
    client = as_user(ladder.user(role))
    pk = ladder.senior.pk
    criterion = ladder.senior.criteria.first()
    assert client.get(reverse("org:position_create")).status_code == 403
    assert client.get(reverse("org:position_edit", args=[pk])).status_code == 403
    assert client.get(reverse("org:criterion_add", args=[pk])).status_code == 403
    assert client.get(reverse("org:competency_add", args=[pk])).status_code == 403
    assert client.post(reverse("org:criterion_remove", args=[criterion.pk])).status_code == 403
    assert org.PostCriterion.objects.filter(pk=criterion.pk).exists()


# Criteria ---------------------------------------------------------------------------------
def _criterion(**fields):
    data = {
        "kind": "",
        "min_years": "",
        "job_family": "",
        "metric": "",
        "window_months": "",
        "min_value": "",
        "min_count": "",
        "certificate": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        ({"kind": "tenure_years", "min_years": "3"}, {"min_years": 3}),
        (
            {
                "kind": "metric_threshold",
                "metric": "sales_amount",
                "window_months": "12",
                "min_value": "800,000",
            },
            {"metric": "sales_amount", "window_months": 12, "min_value": "80000000"},
        ),
        (
            {
                "kind": "metric_threshold",
                "metric": "collection_rate",
                "window_months": "12",
                "min_value": "85%",
            },
            {"metric": "collection_rate", "window_months": 12, "min_value": "0.85"},
        ),
        (
            {"kind": "client_count", "min_count": "30"},
            {"min_count": 30, "client_kind": "enterprise"},
        ),
        ({"kind": "certificate", "certificate": "阿里云ACP"}, {"name": "阿里云ACP"}),
    ],
)
def test_criteria_of_each_kind_are_stored_as_structured_rules(world, as_user, fields, stored):
    response = as_user(world.hr_admin).post(
        reverse("org:criterion_add", args=[world.senior.pk]), _criterion(**fields)
    )
    assert response.status_code == 302
    criterion = world.senior.criteria.get()
    assert criterion.kind == fields["kind"]
    assert criterion.params == stored


def test_a_sales_threshold_reads_like_the_seed(world, as_user):
    as_user(world.hr_admin).post(
        reverse("org:criterion_add", args=[world.senior.pk]),
        _criterion(
            kind="metric_threshold", metric="sales_amount", window_months="12", min_value="800000"
        ),
    )
    page = as_user(world.hr_admin).get(reverse("org:position_detail", args=[world.senior.pk]))
    assert "¥800,000.00" in page.content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "msgid"),
    [
        ({"kind": "tenure_years"}, "min_years", "Required for this kind of criterion."),
        ({"kind": "tenure_years", "min_years": "-1"}, "min_years", None),
        (
            {"kind": "metric_threshold", "metric": "sales_amount", "window_months": "12"},
            "min_value",
            "Required for this kind of criterion.",
        ),
        (
            {
                "kind": "metric_threshold",
                "metric": "sales_amount",
                "window_months": "12",
                "min_value": "八十万",
            },
            "min_value",
            "Enter an amount in yuan with at most two decimals, for example 8000 or 8,000.50.",
        ),
        (
            {
                "kind": "metric_threshold",
                "metric": "conversion_rate",
                "window_months": "12",
                "min_value": "150",
            },
            "min_value",
            "A rate is between 0 and 100 percent.",
        ),
        (
            {
                "kind": "metric_threshold",
                "metric": "sales_amount",
                "window_months": "0",
                "min_value": "1",
            },
            "window_months",
            None,
        ),
        ({"kind": "client_count", "min_count": "0"}, "min_count", None),
        ({"kind": "certificate"}, "certificate", "Required for this kind of criterion."),
        ({"kind": "astrology"}, "kind", None),
    ],
)
def test_bad_criteria_are_refused_next_to_the_field(world, as_user, fields, field, msgid):
    response = as_user(world.hr_admin).post(
        reverse("org:criterion_add", args=[world.senior.pk]), _criterion(**fields)
    )
    assert_field_error(response, field, expected(response, msgid) if msgid else None)
    assert not org.PostCriterion.objects.exists()


def test_criterion_is_removed_by_post_only(ladder, as_user):
    client = as_user(ladder.hr_admin)
    criterion = ladder.senior.criteria.first()
    url = reverse("org:criterion_remove", args=[criterion.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("org:position_detail", args=[ladder.senior.pk])
    assert not org.PostCriterion.objects.filter(pk=criterion.pk).exists()


def test_removing_an_unknown_criterion_is_404(world, as_user):
    response = as_user(world.hr_admin).post(reverse("org:criterion_remove", args=[4242]))
    assert response.status_code == 404


def test_competency_is_added_and_needs_a_name(world, as_user):
    client = as_user(world.hr_admin)
    url = reverse("org:competency_add", args=[world.senior.pk])
    response = client.post(url, {"name": "", "description": "", "competency_code": ""})
    assert_field_error(response, "name", expected(response, "This field is required."))
    assert not org.PostCompetency.objects.exists()
    response = client.post(
        url, {"name": "云计算知识", "description": "熟悉主流云产品", "competency_code": "TECH-01"}
    )
    assert response.status_code == 302
    assert world.senior.competencies.get().competency_code == "TECH-01"


def test_whitespace_competency_name_is_refused_by_the_service(world, as_user):
    response = as_user(world.hr_admin).post(
        reverse("org:competency_add", args=[world.senior.pk]),
        {"name": "   ", "description": "", "competency_code": ""},
    )
    assert response.status_code == 400
    assert not org.PostCompetency.objects.exists()


# Reference data ---------------------------------------------------------------------------
KINDS = ["entity", "region", "family", "level", "platform"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["hr_admin", "employee", "auditor"])
def test_reference_lists_render(world, as_user, kind, role):
    response = as_user(world.user(role)).get(reverse("org:reference_list", args=[kind]))
    assert response.status_code == 200
    has_button = reverse("org:reference_create", args=[kind]) in response.content.decode()
    assert has_button is (role == "hr_admin")


def test_reference_list_shows_the_rows(world, as_user):
    html = as_user(world.hr_admin).get(reverse("org:reference_list", args=["platform"]))
    assert "政企大客户部" in html.content.decode()
    html = as_user(world.hr_admin).get(reverse("org:reference_list", args=["entity"]))
    assert "星河云服(深圳)有限公司" in html.content.decode()


def test_unknown_reference_kind_is_404(world, as_user):
    client = as_user(world.hr_admin)
    assert client.get(reverse("org:reference_list", args=["planet"])).status_code == 404
    assert client.get(reverse("org:reference_create", args=["planet"])).status_code == 404


@pytest.mark.parametrize(
    ("kind", "data", "model"),
    [
        (
            "entity",
            {"code": "BJ", "name": "星河云服(北京)有限公司", "credit_code": ""},
            org.LegalEntity,
        ),
        ("region", {"code": "NORTH", "name": "华北"}, org.Region),
        ("family", {"code": "SALES", "name": "销售序列"}, org.JobFamily),
        ("level", {"code": "S3", "name": "S3", "rank": "3"}, org.JobLevel),
        (
            "platform",
            {"code": "DOUYIN", "name": "抖音企业号", "launched_on": "2026-02-01", "stage": "new"},
            org.Platform,
        ),
    ],
)
def test_reference_rows_are_created_and_edited(world, as_user, kind, data, model):
    client = as_user(world.hr_admin)
    response = client.post(reverse("org:reference_create", args=[kind]), data)
    assert response.status_code == 302, response.context["form"].errors
    row = model.objects.get(code=data["code"])
    response = client.post(
        reverse("org:reference_edit", args=[kind, row.pk]), {**data, "name": data["name"] + "2"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.name == data["name"] + "2"


def test_reference_create_refuses_a_duplicate_code(world, as_user):
    count = org.Region.objects.count()
    response = as_user(world.hr_admin).post(
        reverse("org:reference_create", args=["region"]), {"code": "EAST", "name": "华东二区"}
    )
    assert_field_error(response, "code")
    assert org.Region.objects.count() == count


def test_reference_edit_refuses_an_entity_as_its_own_parent(world, as_user):
    response = as_user(world.hr_admin).post(
        reverse("org:reference_edit", args=["entity", world.sh.pk]),
        {"code": "SH", "name": world.sh.name, "credit_code": "", "parent": world.sh.pk},
    )
    assert_field_error(
        response, "parent", expected(response, "An entity cannot be its own parent.")
    )
    world.sh.refresh_from_db()
    assert world.sh.parent is None


def test_reference_create_refuses_a_bad_platform_date(world, as_user):
    count = org.Platform.objects.count()
    response = as_user(world.hr_admin).post(
        reverse("org:reference_create", args=["platform"]),
        {"code": "X", "name": "X", "launched_on": "2026-02-30", "stage": "new"},
    )
    assert_field_error(response, "launched_on")
    assert org.Platform.objects.count() == count


@pytest.mark.parametrize("role", ["hrbp", "employee", "finance", "auditor"])
def test_reference_writes_are_forbidden_without_manage_org(world, as_user, role):
    client = as_user(world.user(role))
    assert client.get(reverse("org:reference_create", args=["region"])).status_code == 403
    response = client.post(
        reverse("org:reference_edit", args=["region", world.east.pk]),
        {"code": "EAST", "name": "改名"},
    )
    assert response.status_code == 403
    world.east.refresh_from_db()
    assert world.east.name == "华东"


def test_unknown_reference_row_is_404(world, as_user):
    response = as_user(world.hr_admin).get(reverse("org:reference_edit", args=["region", 999]))
    assert response.status_code == 404
