"""The org chart page: the scoped reporting tree as ECharts data plus a nested list."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def chart_data(response):
    match = re.search(
        r'<script id="org-chart-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the chart data is missing"
    return json.loads(match.group(1))


def names(nodes):
    found = set()
    for node in nodes:
        found.add(node["name"])
        found |= names(node["children"])
    return found


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("hr_admin", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("auditor", {"王芳", "李强", "张伟", "陈静", "孙磊", "刘洋", "周婷", "吴昊"}),
        ("hrbp", {"李强", "张伟", "陈静", "孙磊"}),
        ("sales_manager", {"张伟", "陈静", "孙磊"}),
        ("employee", {"陈静"}),
    ],
)
def test_chart_shows_the_scoped_reporting_tree(world, as_user, role, visible):
    response = as_user(world.user(role)).get(reverse("org:org_chart"))
    assert response.status_code == 200
    assert names(chart_data(response)) == visible


def test_reports_hang_under_their_manager_with_profile_links(world, as_user):
    response = as_user(world.manager).get(reverse("org:org_chart"))
    (root,) = chart_data(response)
    assert root["name"] == "张伟"
    assert [c["name"] for c in root["children"]] == ["陈静", "孙磊"]
    assert root["children"][0]["url"] == reverse("org:employee_detail", args=[world.chenjing.pk])
    assert root["position"] == "商务经理"


def test_chart_filters_by_department_subtree(world, as_user):
    response = as_user(world.hr_admin).get(
        reverse("org:org_chart"), {"department": world.sales_east.pk}
    )
    assert names(chart_data(response)) == {"张伟", "陈静", "孙磊"}
    response = as_user(world.hr_admin).get(reverse("org:org_chart"), {"department": world.hr.pk})
    assert names(chart_data(response)) == {"王芳", "李强", "周婷", "吴昊"}


def test_a_department_outside_the_scope_is_ignored(world, as_user):
    response = as_user(world.hrbp).get(
        reverse("org:org_chart"), {"department": world.sales_south.pk}
    )
    assert response.status_code == 200
    assert "刘洋" not in response.content.decode()


def test_chart_has_an_accessible_list_fallback_and_loads_its_script(world, as_user):
    html = as_user(world.hr_admin).get(reverse("org:org_chart")).content.decode()
    assert "ml-org-list" in html
    assert reverse("org:employee_detail", args=[world.sunlei.pk]) in html
    assert "<details" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "org/org_chart.js" in html
    assert "<script>" not in html  # no inline JavaScript (CSP)


def test_empty_department_shows_the_empty_state(world, as_user):
    from tests import factories as f

    empty = f.DepartmentFactory(code="EMPTY", name="空部门", entity=world.sh, parent=world.root)
    response = as_user(world.hr_admin).get(reverse("org:org_chart"), {"department": empty.pk})
    html = response.content.decode()
    assert "ml-empty" in html
    assert "org-chart-data" not in html
