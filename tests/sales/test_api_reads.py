"""Reading sales records through the REST API: every list and detail is scoped to the
user, filters and pages work, and the OpenAPI document describes every operation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import ApiClient, token_for

ALL_DEALS = {"D-CJ", "D-SL", "D-LY"}
SEES_DEALS = {
    "hr_admin": ALL_DEALS,
    "finance": ALL_DEALS,
    "auditor": ALL_DEALS,
    "hrbp": {"D-CJ", "D-SL"},  # 华东
    "sales_manager": {"D-CJ", "D-SL"},  # 张伟's team
    "employee": {"D-CJ", "D-SL"},  # 陈静 owns one and is credited on the other
}
ALL_ROWS = ("hr_admin", "finance", "auditor")
SEES_LEADS = {role: {"L-CJ", "L-LY"} if role in ALL_ROWS else {"L-CJ"} for role in SEES_DEALS}
SEES_CUSTOMERS = {role: {"C-1", "C-S"} if role in ALL_ROWS else {"C-1"} for role in SEES_DEALS}
ROLES = list(SEES_DEALS)


def _deal(external_id: str, owner: str, customer: str, **fields: Any) -> dict[str, Any]:
    return {
        "source": "crm",
        "external_id": external_id,
        "signed_on": "2025-03-10",
        "amount_fen": 1_200_000,
        "platform": "GOV",
        "customer": customer,
        "owner": owner,
        **fields,
    }


def _lead(external_id: str, owner: str) -> dict[str, Any]:
    return {
        "source": "crm",
        "external_id": external_id,
        "company_name": f"{external_id}公司",
        "source_kind": "referral",
        "referrer_name": "老客户",
        "owner": owner,
        "platform": "GOV",
        "entered_at": "2025-03-01T09:00:00+08:00",
    }


@pytest.fixture
def api(sw):
    clients = {role: ApiClient(token_for(sw.w.user(role))) for role in ROLES}
    admin = clients["hr_admin"]
    south = {"name": "南方贸易", "platform": "WEB", "region": "SOUTH"}
    assert admin.request("PUT", "/sales/customers/crm/C-S", south).status_code == 201
    halves = [{"employee": "XH00005", "share": "0.5"}, {"employee": "XH00004", "share": "0.5"}]
    rows = [
        _deal("D-CJ", "XH00004", "C-1"),
        _deal("D-SL", "XH00005", "C-1", amount_fen=500_000, signed_on="2025-06-01", splits=halves),
        _deal("D-LY", "XH00006", "C-S", platform="WEB", signed_on="2024-05-01"),
    ]
    assert admin.post("/sales/deals/batch", {"rows": rows}).json()["created"] == 3
    leads = [_lead("L-CJ", "XH00004"), _lead("L-LY", "XH00006")]
    assert admin.post("/sales/leads/batch", {"rows": leads}).json()["created"] == 2
    return lambda role="hr_admin": clients[role]


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["external_id"] for item in body["items"]}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_exactly_its_deals_leads_and_customers(api, role):
    assert ids(api(role).get("/sales/deals")) == SEES_DEALS[role]
    assert ids(api(role).get("/sales/leads")) == SEES_LEADS[role]
    assert ids(api(role).get("/sales/customers")) == SEES_CUSTOMERS[role]


@pytest.mark.parametrize("role", ROLES)
def test_a_detail_outside_the_scope_is_404(api, role):
    for kind, key, seen in (
        ("deals", "D-LY", SEES_DEALS),
        ("leads", "L-LY", SEES_LEADS),
        ("customers", "C-S", SEES_CUSTOMERS),
    ):
        response = api(role).get(f"/sales/{kind}/crm/{key}")
        if key in seen[role]:
            assert response.status_code == 200, (role, kind)
            assert response.json()["external_id"] == key
        else:
            assert response.status_code == 404, (role, kind)
            assert response.json()["code"] == "not_found"


def test_an_unknown_key_is_404(api):
    assert api().get("/sales/deals/crm/D-404").status_code == 404
    assert api().get("/sales/deals/erp/D-CJ").status_code == 404


def test_the_customer_figures_count_only_the_deals_the_user_sees(api):
    mine = api("employee").get("/sales/customers/crm/C-1").json()
    assert (mine["deal_count"], mine["sales_fen"]) == (2, 1_700_000)
    assert api().get("/sales/customers/crm/C-S").json()["deal_count"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"owner": "XH00005"}, {"D-SL"}),
        ({"owner": "XH00004"}, {"D-CJ", "D-SL"}),
        ({"platform": "WEB"}, {"D-LY"}),
        ({"customer": "C-1"}, {"D-CJ", "D-SL"}),
        ({"segment": "big"}, {"D-CJ", "D-LY"}),
        ({"segment": "small"}, {"D-SL"}),
        ({"signed_from": "2025-01-01", "signed_to": "2025-04-30"}, {"D-CJ"}),
        ({"q": "D-L"}, {"D-LY"}),
        ({"source": "erp"}, set()),
        ({"repurchase": "true"}, {"D-SL"}),
        ({"status": "cancelled"}, set()),
    ],
)
def test_deal_filters(api, query, expected):
    assert ids(api().get("/sales/deals", **query)) == expected


def test_the_owner_filter_stays_inside_the_scope(api):
    assert ids(api("employee").get("/sales/deals", owner="XH00006")) == set()


def test_lead_and_customer_filters(api):
    assert ids(api().get("/sales/leads", owner="XH00006")) == {"L-LY"}
    assert ids(api().get("/sales/leads", step="visited")) == set()
    assert ids(api().get("/sales/customers", region="SOUTH")) == {"C-S"}
    assert ids(api().get("/sales/customers", platform="GOV", kind="enterprise")) == {"C-1"}


def test_lists_are_paged_newest_first(api):
    page = api().get("/sales/deals", limit=2, offset=0).json()
    assert page["count"] == 3
    assert [d["external_id"] for d in page["items"]] == ["D-SL", "D-CJ"]
    rest = api().get("/sales/deals", limit=2, offset=2).json()
    assert [d["external_id"] for d in rest["items"]] == ["D-LY"]


def test_the_deal_list_shows_money_in_fen_and_references(api):
    [item] = api().get("/sales/deals", q="D-CJ").json()["items"]
    assert item["amount_fen"] == 1_200_000 and item["net_amount_fen"] == 1_200_000
    assert item["customer"] == {
        "id": item["customer"]["id"],
        "source": "crm",
        "external_id": "C-1",
        "name": "华星科技有限公司",
    }
    assert item["platform"]["code"] == "GOV"
    assert item["owner"]["employee_no"] == "XH00004"


def test_the_lead_detail_shows_its_timeline(api):
    lead = api("employee").get("/sales/leads/crm/L-CJ").json()
    assert [(s["step"], s["owner"]["employee_no"]) for s in lead["steps"]] == [
        ("entered", "XH00004")
    ]


# --- the OpenAPI document -------------------------------------------------------------

SALES_OPERATIONS = {
    ("get", "/api/v1/sales/deals"): "sales_deal_list",
    ("get", "/api/v1/sales/deals/{source}/{external_id}"): "sales_deal_get",
    ("put", "/api/v1/sales/deals/{source}/{external_id}"): "sales_deal_put",
    ("post", "/api/v1/sales/deals/batch"): "sales_deal_batch",
    ("get", "/api/v1/sales/customers"): "sales_customer_list",
    ("get", "/api/v1/sales/customers/{source}/{external_id}"): "sales_customer_get",
    ("put", "/api/v1/sales/customers/{source}/{external_id}"): "sales_customer_put",
    ("post", "/api/v1/sales/customers/batch"): "sales_customer_batch",
    ("get", "/api/v1/sales/leads"): "sales_lead_list",
    ("get", "/api/v1/sales/leads/{source}/{external_id}"): "sales_lead_get",
    ("put", "/api/v1/sales/leads/{source}/{external_id}"): "sales_lead_put",
    ("post", "/api/v1/sales/leads/batch"): "sales_lead_batch",
    ("put", "/api/v1/sales/collections/{source}/{external_id}"): "sales_collection_put",
    ("post", "/api/v1/sales/collections/batch"): "sales_collection_batch",
    ("put", "/api/v1/sales/refunds/{source}/{external_id}"): "sales_refund_put",
    ("post", "/api/v1/sales/refunds/batch"): "sales_refund_batch",
}


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _ref(node: dict[str, Any]) -> str:
    return node["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_the_document_lists_every_sales_operation(schema):
    found = {
        (method, path): op["operationId"]
        for path, item in schema["paths"].items()
        if "/sales/" in path
        for method, op in item.items()
    }
    assert found == SALES_OPERATIONS
    for method, path in SALES_OPERATIONS:
        assert schema["paths"][path][method]["tags"] == ["sales"]


def test_writes_document_their_bodies_and_answers(schema):
    for kind, name in (
        ("deals", "Deal"),
        ("customers", "Customer"),
        ("leads", "Lead"),
        ("collections", "Collection"),
        ("refunds", "Refund"),
    ):
        put = schema["paths"][f"/api/v1/sales/{kind}/{{source}}/{{external_id}}"]["put"]
        assert _ref(put["requestBody"]) == f"{name}Fields"
        assert {"200", "201", "400", "403", "404"} <= set(put["responses"])
        batch = schema["paths"][f"/api/v1/sales/{kind}/batch"]["post"]
        assert _ref(batch["requestBody"]) == f"{name}BatchIn"
        assert _ref(batch["responses"]["200"]) == "BatchResultOut"
        rows = schema["components"]["schemas"][f"{name}BatchIn"]["properties"]["rows"]
        assert rows["items"]["$ref"].endswith(f"/{name}RowIn")
    deal_put = schema["paths"]["/api/v1/sales/deals/{source}/{external_id}"]["put"]
    assert _ref(deal_put["responses"]["201"]) == "DealDetailOut"


def test_the_row_schemas_type_money_as_integer_fen(schema):
    row = schema["components"]["schemas"]["DealRowIn"]
    assert row["properties"]["amount_fen"]["type"] == "integer"
    assert {"source", "external_id", "signed_on", "amount_fen"} <= set(row["required"])
    errors = schema["components"]["schemas"]["RowErrorOut"]["properties"]
    assert set(errors) == {"row", "key", "code", "message", "field"}
