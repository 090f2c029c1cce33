"""Customer pages: the list and export show the customers of the deals and leads in
scope, with figures over those deals only; the detail lists them (SPEC PLT-3)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from meritline.sales.models import Customer
from tests import factories as f

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


@pytest.fixture
def customers(sw):
    w = sw.w
    south = Customer.objects.create(
        source="crm",
        external_id="C-S",
        name="南海贸易有限公司",
        name_normalised="南海贸易",
        kind="smb",
        industry="零售",
        region=w.south,
        platform=w.platform,
    )
    f.DealFactory(number="HT-1", owner=w.chenjing, customer=sw.customer, amount_fen=800_000)
    f.DealFactory(
        number="HT-2",
        owner=w.liuyang,
        customer=sw.customer,
        amount_fen=200_000,
        signed_on=date(2025, 7, 1),
    )
    f.DealFactory(number="HT-3", owner=w.liuyang, customer=south, amount_fen=100_000)
    f.LeadFactory(company_name="南海贸易", customer=south, owner=w.liuyang)
    return {"shared": sw.customer, "south": south}


def names(response):
    return {c.name for c in response.context["page_obj"].object_list}


def test_the_list_shows_customers_of_deals_in_scope(sw, customers, as_user):
    assert names(as_user(sw.w.hr_admin).get(reverse("sales:customer_list"))) == {
        "华星科技有限公司",
        "南海贸易有限公司",
    }
    for role in ("hrbp", "sales_manager", "employee"):
        response = as_user(sw.w.user(role)).get(reverse("sales:customer_list"))
        assert names(response) == {"华星科技有限公司"}
        assert "南海贸易" not in response.content.decode()


def test_figures_count_only_the_deals_in_scope(sw, customers, as_user):
    admin = as_user(sw.w.hr_admin).get(reverse("sales:customer_list"))
    row = next(c for c in admin.context["page_obj"].object_list if c.name == "华星科技有限公司")
    assert (row.deal_count, row.sales_fen) == (2, 1_000_000)
    rep = as_user(sw.w.employee).get(reverse("sales:customer_list"))
    row = rep.context["page_obj"].object_list[0]
    assert (row.deal_count, row.sales_fen) == (1, 800_000)


def test_filters_and_empty_state(sw, customers, as_user):
    client = as_user(sw.w.hr_admin)
    url = reverse("sales:customer_list")
    assert names(client.get(url, {"kind": "smb"})) == {"南海贸易有限公司"}
    assert names(client.get(url, {"region": sw.w.south.pk})) == {"南海贸易有限公司"}
    assert names(client.get(url, {"industry": "零售"})) == {"南海贸易有限公司"}
    assert 'class="empty ml-empty"' in client.get(url, {"q": "无此客户"}).content.decode()
    first = client.get(url, {"sort": "-sales"}).context["page_obj"].object_list[0]
    assert first.name == "华星科技有限公司"


def test_export_is_scoped(sw, customers, as_user):
    response = as_user(sw.w.manager).get(reverse("sales:customer_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["华星科技有限公司"]
    assert rows[1][7] == "8000.00"


def test_detail_lists_the_deals_and_leads_in_scope(sw, customers, as_user):
    url = reverse("sales:customer_detail", args=[customers["shared"].pk])
    admin = as_user(sw.w.hr_admin).get(url)
    assert {d.number for d in admin.context["deals"]} == {"HT-1", "HT-2"}
    rep = as_user(sw.w.employee).get(url)
    assert {d.number for d in rep.context["deals"]} == {"HT-1"}
    assert rep.context["sales_fen"] == 800_000
    assert "刘洋" not in rep.content.decode()


def test_detail_outside_the_scope_is_404(sw, customers, as_user):
    url = reverse("sales:customer_detail", args=[customers["south"].pk])
    for role in ("hrbp", "sales_manager", "employee"):
        assert as_user(sw.w.user(role)).get(url).status_code == 404
    response = as_user(sw.w.auditor).get(url)
    assert response.status_code == 200
    assert len(response.context["leads"]) == 1
