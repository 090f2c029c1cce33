"""Pushing collections (回款) and refunds through the REST API, and reading them back
with their deal."""

from __future__ import annotations

from typing import Any

import pytest

from meritline.core.models import AuditLog
from meritline.sales.models import Collection, Deal, Refund
from tests.api.conftest import ApiClient, token_for


@pytest.fixture
def api(sw):
    roles = ("hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor")
    clients = {role: ApiClient(token_for(sw.w.user(role))) for role in roles}
    client = clients["hr_admin"]
    client.post(
        "/sales/deals/batch",
        {
            "rows": [
                {
                    "source": "crm",
                    "external_id": "D-1",
                    "signed_on": "2025-03-10",
                    "amount_fen": 100_000,
                    "platform": "GOV",
                    "customer": "C-1",
                    "owner": "XH00004",
                }
            ]
        },
    )
    assert Deal.objects.count() == 1
    return lambda role="hr_admin": clients[role]


def collection(external_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "source": "bank",
        "external_id": external_id,
        "deal": "D-1",
        "deal_source": "crm",
        "received_on": "2025-04-01",
        "amount_fen": 30_000,
        **fields,
    }


def refund(external_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "source": "crm",
        "external_id": external_id,
        "deal": "D-1",
        "refunded_on": "2025-05-01",
        "amount_fen": 10_000,
        **fields,
    }


def push(client: ApiClient, kind: str, rows: list[Any], **options: Any) -> dict[str, Any]:
    response = client.post(f"/sales/{kind}/batch", {"rows": rows, **options})
    assert response.status_code == 200, response.content
    return response.json()


def counts() -> tuple[int, int, int]:
    return Collection.objects.count(), Refund.objects.count(), AuditLog.objects.count()


def codes(result: dict[str, Any]) -> list[tuple[int, str, str | None]]:
    return [(e["row"], e["code"], e["field"]) for e in result["errors"]]


def test_collections_are_created_once_and_keep_the_deal_total(api):
    rows = [collection("P-1"), collection("P-2", amount_fen=20_000)]
    assert push(api(), "collections", rows)["created"] == 2
    before = counts()
    again = push(api(), "collections", rows)
    assert (again["created"], again["unchanged"]) == (0, 2)
    assert counts() == before
    assert Deal.objects.get().collected_fen == 50_000


def test_a_corrected_collection_updates_the_deal_total(api):
    push(api(), "collections", [collection("P-1")])
    result = push(api(), "collections", [collection("P-1", amount_fen=45_000)])
    assert result["updated"] == 1
    assert Deal.objects.get().collected_fen == 45_000


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"deal": "D-404"}, "unknown_deal", "deal"),
        ({"deal_source": "erp"}, "unknown_deal", "deal"),
        ({"amount_fen": -100}, "not_positive", "amount_fen"),
        ({"amount_fen": "三万"}, "invalid", "amount_fen"),
        ({"amount_fen": 100_001}, "collection_too_large", "amount_fen"),
        ({"received_on": "2999-01-01"}, "future_date", "received_on"),
    ],
)
def test_a_bad_collection_is_reported_and_nothing_is_written(api, fields, code, field):
    before = counts()
    result = push(api(), "collections", [collection("P-1"), collection("P-2", **fields)])
    assert codes(result) == [(2, code, field)]
    assert result["written"] is False
    assert counts() == before


def test_collections_of_one_batch_together_may_not_exceed_the_deal(api):
    rows = [collection("P-1", amount_fen=60_000), collection("P-2", amount_fen=60_000)]
    result = push(api(), "collections", rows, mode="valid_rows")
    assert codes(result) == [(2, "collection_too_large", "amount_fen")]
    assert Deal.objects.get().collected_fen == 60_000


def test_a_refund_larger_than_the_deal_is_refused(api):
    result = push(api(), "refunds", [refund("R-1", amount_fen=100_001)])
    assert codes(result) == [(1, "refund_too_large", "amount_fen")]
    assert "¥1,000.01" in result["errors"][0]["message"]
    assert not Refund.objects.exists()


def test_a_refund_on_an_unknown_deal_is_refused(api):
    result = push(api(), "refunds", [refund("R-1", deal="D-404")])
    assert codes(result) == [(1, "unknown_deal", "deal")]


def test_a_refund_without_an_amount_must_be_a_cancellation(api):
    result = push(api(), "refunds", [refund("R-1", amount_fen=None)])
    assert codes(result) == [(1, "required", "amount_fen")]


def test_a_cancellation_refunds_the_rest_and_cancels_the_deal(api):
    push(api(), "refunds", [refund("R-1")])
    result = push(api(), "refunds", [refund("R-2", amount_fen=None, cancel=True)])
    assert result["created"] == 1
    deal = api().get("/sales/deals/crm/D-1").json()
    assert (deal["status"], deal["refunded_fen"], deal["net_amount_fen"]) == (
        "cancelled",
        100_000,
        0,
    )
    assert [(r["external_id"], r["kind"], r["amount_fen"]) for r in deal["refunds"]] == [
        ("R-1", "refund", 10_000),
        ("R-2", "cancellation", 90_000),
    ]


def test_the_deal_detail_shows_its_collections_and_refunds(api):
    push(api(), "collections", [collection("P-1"), collection("P-2", amount_fen=5_000)])
    push(api(), "refunds", [refund("R-1")])
    deal = api().get("/sales/deals/crm/D-1").json()
    assert (deal["collected_fen"], deal["refunded_fen"], deal["net_amount_fen"]) == (
        35_000,
        10_000,
        90_000,
    )
    assert [(c["source"], c["external_id"], c["amount_fen"]) for c in deal["collections"]] == [
        ("bank", "P-1", 30_000),
        ("bank", "P-2", 5_000),
    ]
    assert deal["splits"][0]["collected_fen"] == 35_000


def test_put_collection_creates_then_updates(api):
    body = collection("-")
    del body["source"], body["external_id"]
    created = api().request("PUT", "/sales/collections/bank/P-7", body)
    assert created.status_code == 201, created.content
    assert created.json()["deal"]["external_id"] == "D-1"
    assert api().request("PUT", "/sales/collections/bank/P-7", body).status_code == 200
    too_much = api().request("PUT", "/sales/collections/bank/P-7", {**body, "amount_fen": 10**6})
    assert too_much.status_code == 400
    assert (too_much.json()["code"], too_much.json()["field"]) == (
        "collection_too_large",
        "amount_fen",
    )
    assert Collection.objects.get().amount_fen == 30_000


def test_put_refund_refuses_more_than_remains(api):
    body = refund("-", amount_fen=200_000)
    del body["source"], body["external_id"]
    response = api().request("PUT", "/sales/refunds/crm/R-7", body)
    assert response.status_code == 400
    assert response.json()["code"] == "refund_too_large"
    ok = api().request("PUT", "/sales/refunds/crm/R-7", {**body, "amount_fen": 1_000})
    assert ok.status_code == 201
    assert ok.json()["kind"] == "refund"


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "auditor"])
def test_only_hr_admins_and_finance_record_money_lines(api, role):
    before = counts()
    for kind, row in (("collections", collection("P-1")), ("refunds", refund("R-1"))):
        response = api(role).post(f"/sales/{kind}/batch", {"rows": [row]})
        assert response.status_code == 403, (role, kind)
    assert counts() == before
