"""Platform pages (PRF-1): the platforms with their stage and its history, the monthly
comparison computed by the metrics engine over the deals in scope, and the stage change
for HR admins."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meritline.core.models import AuditLog
from meritline.org.models import Platform
from meritline.sales.models import PlatformStage
from meritline.sales.services.config import platform_stage_set
from tests import factories as f

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def month_start(months_back: int) -> date:
    day = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


@pytest.fixture
def sales(sw):
    w = sw.w
    this, last = month_start(1), month_start(2)  # the last two complete months
    f.DealFactory(owner=w.chenjing, customer=sw.customer, signed_on=last, amount_fen=1_000_000)
    f.DealFactory(owner=w.chenjing, customer=sw.customer, signed_on=this, amount_fen=1_500_000)
    f.DealFactory(owner=w.liuyang, customer=sw.customer, signed_on=this, amount_fen=4_000_000)
    return {"this": this, "last": last}


def row_of(response, code):
    return next(t for t in response.context["table"] if t["row"].platform.code == code)


def test_the_list_shows_every_platform_with_its_stage_and_history(sw, as_user):
    platform_stage_set(
        actor=sw.w.hr_admin, platform=sw.web, stage="new", valid_from=date(2019, 1, 1)
    )
    platform_stage_set(
        actor=sw.w.hr_admin, platform=sw.web, stage="mature", valid_from=date(2022, 1, 1)
    )
    response = as_user(sw.w.employee).get(reverse("sales:platform_list"))
    assert response.status_code == 200
    codes = {t["row"].platform.code for t in response.context["table"]}
    assert codes == set(Platform.objects.values_list("code", flat=True))
    web = row_of(response, "WEB")
    assert web["row"].stage == "mature"
    assert [h.stage for h in web["row"].history] == ["new", "mature"]
    assert not response.context["can_configure"]


def test_the_comparison_counts_the_deals_in_scope(sw, sales, as_user):
    code = sw.w.platform.code
    admin = row_of(as_user(sw.w.hr_admin).get(reverse("sales:platform_list")), code)
    assert admin["last"]["sales_fen"] == 5_500_000
    assert admin["last"]["growth"] == "450.0 %"
    assert admin["total_deals"] == 3
    rep_response = as_user(sw.w.employee).get(reverse("sales:platform_list"))
    rep = row_of(rep_response, code)
    assert rep["last"]["sales_fen"] == 1_500_000
    assert rep["last"]["growth"] == "50.0 %"
    assert not rep_response.context["comparison"].all_rows
    html = rep_response.content.decode()
    assert "platform-chart-data" in html and "sales/platforms.js" in html


def test_the_comparison_has_an_empty_state(sw, as_user):
    response = as_user(sw.w.hr_admin).get(reverse("sales:platform_list"))
    assert not response.context["has_data"]
    assert 'class="empty ml-empty"' in response.content.decode()


def test_the_export_has_a_row_per_platform_and_month(sw, sales, as_user):
    response = as_user(sw.w.employee).get(reverse("sales:platform_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 12 * Platform.objects.count()
    this = f"{sales['this']:%Y-%m}"
    line = next(r for r in rows if r[0] == sw.w.platform.code and r[4] == this)
    assert line[5] == "15000.00"  # his own deal only, not 刘洋's


def test_an_hr_admin_changes_a_stage(sw, as_user):
    url = reverse("sales:platform_stage", args=[sw.web.pk])
    client = as_user(sw.w.hr_admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"stage": "growing", "valid_from": "2020-01-01", "note": "起量"})
    assert response.status_code == 302
    assert PlatformStage.objects.get(platform=sw.web).stage == "growing"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"valid_from": "2018-01-01"}, "valid_from"),  # before the launch
        ({"valid_from": ""}, "valid_from"),
        ({"stage": "ancient"}, "stage"),
    ],
)
def test_stage_bad_input_is_shown_next_to_its_field(sw, as_user, data, field):
    url = reverse("sales:platform_stage", args=[sw.web.pk])
    before = (PlatformStage.objects.count(), AuditLog.objects.count())
    response = as_user(sw.w.hr_admin).post(
        url, {"stage": "growing", "valid_from": "2020-01-01", **data}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert f'id="id_{field}_error"' in response.content.decode()
    assert (PlatformStage.objects.count(), AuditLog.objects.count()) == before


def test_a_backdated_stage_change_is_refused(sw, as_user):
    platform_stage_set(
        actor=sw.w.hr_admin, platform=sw.web, stage="new", valid_from=date(2021, 1, 1)
    )
    response = as_user(sw.w.hr_admin).post(
        reverse("sales:platform_stage", args=[sw.web.pk]),
        {"stage": "growing", "valid_from": "2020-06-01"},
    )
    assert response.status_code == 400
    assert "2021-01-01" in " ".join(response.context["form"].errors["valid_from"])


def test_only_hr_admins_change_stages(sw, as_user):
    url = reverse("sales:platform_stage", args=[sw.web.pk])
    for role in ("hrbp", "sales_manager", "employee", "finance", "auditor"):
        assert as_user(sw.w.user(role)).get(url).status_code == 403
    assert (
        as_user(sw.w.hr_admin).get(reverse("sales:platform_stage", args=[999999])).status_code
        == 404
    )
