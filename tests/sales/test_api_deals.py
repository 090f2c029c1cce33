"""Pushing deals through the REST API: batches and single PUTs, their counts, every bad
input with its code, the two modes, and who may push."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from meritline.core.models import AuditLog
from meritline.sales.api.batch import MAX_ROWS
from meritline.sales.models import Deal, DealSplit
from tests.api.conftest import ApiClient, token_for


@pytest.fixture
def api(sw):
    """``api("finance")`` → a client with a token of that role (``hr_admin`` by default);
    the tokens are made up front so that their audit rows precede what a test counts."""
    roles = ("hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor")
    clients = {role: ApiClient(token_for(sw.w.user(role))) for role in roles}
    return lambda role="hr_admin": clients[role]


def deal(external_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "source": "crm",
        "external_id": external_id,
        "signed_on": "2025-03-10",
        "amount_fen": 1_200_000,
        "platform": "GOV",
        "customer": "C-1",
        "owner": "XH00004",
        **fields,
    }


def push(client: ApiClient, rows: list[Any], **options: Any) -> Any:
    return client.post("/sales/deals/batch", {"rows": rows, **options})


def put(client: ApiClient, external_id: str, body: dict[str, Any], source: str = "crm") -> Any:
    return client.request("PUT", f"/sales/deals/{source}/{external_id}", body)


def report(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


def counts() -> tuple[int, int, int]:
    return Deal.objects.count(), DealSplit.objects.count(), AuditLog.objects.count()


def test_a_batch_creates_the_deals_and_the_same_push_again_changes_nothing(api):
    rows = [deal("D-1"), deal("D-2", amount_fen=50_000, owner="XH00005")]
    first = report(push(api(), rows))
    assert first == {
        "total": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "written": True,
        "errors": [],
    }
    stored = Deal.objects.get(source="crm", external_id="D-2")
    assert (stored.amount_fen, stored.owner.employee_no) == (50_000, "XH00005")
    before = counts()
    again = report(push(api(), rows))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert counts() == before


def test_a_corrected_row_updates_only_its_deal(api):
    report(push(api(), [deal("D-1"), deal("D-2")]))
    result = report(push(api(), [deal("D-1"), deal("D-2", amount_fen=1_300_000)]))
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    assert Deal.objects.get(external_id="D-2").amount_fen == 1_300_000
    assert Deal.objects.get(external_id="D-1").amount_fen == 1_200_000


def _future() -> str:
    return (timezone.localdate() + timedelta(days=5)).isoformat()


BAD_ROWS = {
    "negative amount": ({"amount_fen": -500}, "not_positive", "amount_fen"),
    "zero amount": ({"amount_fen": 0}, "not_positive", "amount_fen"),
    "text amount": ({"amount_fen": "12O0"}, "invalid", "amount_fen"),
    "amount in yuan": ({"amount_fen": 12.5}, "invalid", "amount_fen"),
    "negative cost": ({"cost_fen": -1}, "negative_cost", "cost_fen"),
    "no amount": ({"amount_fen": None}, "required", "amount_fen"),
    "null amount": ({"amount_fen": "null"}, "invalid", "amount_fen"),
    "bad date": ({"signed_on": "2025-13-01"}, "invalid", "signed_on"),
    "future date": ({"signed_on": _future}, "future_date", "signed_on"),
    "unknown platform": ({"platform": "NOPE"}, "unknown_platform", "platform"),
    "unknown owner": ({"owner": "XH09999"}, "unknown_owner", "owner"),
    "unknown customer": ({"customer": "C-404"}, "unknown_customer", "customer"),
    "unknown lead": ({"lead": "L9999999"}, "unknown_lead", "lead"),
    "shares not 100 %": (
        {
            "splits": [
                {"employee": "XH00004", "share": "0.5"},
                {"employee": "XH00005", "share": "0.4"},
            ]
        },
        "shares_not_100",
        "splits",
    ),
    "unknown credited person": (
        {"splits": [{"employee": "XH09999", "share": "1"}]},
        "unknown_employee",
        "splits",
    ),
    "share with five decimals": (
        {"splits": [{"employee": "XH00004", "share": "0.99999"}]},
        "bad_share",
        "splits",
    ),
    "external id too long": ({"external_id": "X" * 65}, "too_long", "external_id"),
}


def _bad(fields: dict[str, Any]) -> dict[str, Any]:
    row = deal("D-BAD")
    for name, value in fields.items():
        value = value() if callable(value) else value
        if value is None:
            del row[name]
        else:
            row[name] = None if value == "null" else value
    return row


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_reported_with_its_code_and_nothing_is_written(api, case):
    fields, code, field = BAD_ROWS[case]
    before = counts()
    result = report(push(api(), [deal("D-GOOD"), _bad(fields)]))
    assert result["written"] is False
    assert result["errors"], result
    assert {e["row"] for e in result["errors"]} == {2}
    assert (code, field) == (result["errors"][0]["code"], result["errors"][0]["field"])
    assert all(e["message"] for e in result["errors"])
    assert counts() == before


def test_a_missing_field_is_required(api):
    row = deal("D-BAD")
    del row["owner"]
    result = report(push(api(), [row]))
    assert [(e["code"], e["field"], e["key"]) for e in result["errors"]] == [
        ("required", "owner", "D-BAD")
    ]
    assert "owner" in result["errors"][0]["message"]


def test_a_row_that_is_not_an_object_is_reported_by_its_number(api):
    result = report(push(api(), [deal("D-1"), "D-2"]))
    assert [(e["row"], e["code"], e["field"]) for e in result["errors"]] == [(2, "invalid", None)]


def test_the_messages_say_what_is_wrong(api):
    result = report(
        push(
            api(),
            [
                deal("D-1", platform="NOPE"),
                deal("D-2", amount_fen="abc"),
                deal("D-3", amount_fen=-500),
            ],
        )
    )
    messages = [e["message"] for e in result["errors"]]
    assert messages == [
        "Unknown sales platform “NOPE”.",
        "The amount must be a whole number of fen.",
        "The contract amount must be more than zero (got -¥5.00); record refunds separately.",
    ]


def test_valid_rows_mode_keeps_the_good_rows_and_reports_the_bad(api):
    rows = [deal("D-1"), deal("D-2", amount_fen="abc"), deal("D-3", owner="XH09999"), deal("D-4")]
    result = report(push(api(), rows, mode="valid_rows"))
    assert result["written"] is True
    assert (result["total"], result["created"]) == (4, 2)
    assert [(e["row"], e["key"], e["code"]) for e in result["errors"]] == [
        (2, "D-2", "invalid"),
        (3, "D-3", "unknown_owner"),
    ]
    assert set(Deal.objects.values_list("external_id", flat=True)) == {"D-1", "D-4"}


def test_a_row_that_does_not_match_the_schema_stops_an_all_or_nothing_batch(api):
    result = report(push(api(), [deal("D-1"), deal("D-2", signed_on="yesterday")]))
    assert (result["written"], result["created"]) == (False, 1)
    assert not Deal.objects.exists()


def test_duplicate_external_ids_in_one_batch_are_refused(api):
    result = report(push(api(), [deal("D-1"), deal("D-2"), deal("D-1", amount_fen=9)]))
    assert result["written"] is False
    [error] = result["errors"]
    assert (error["row"], error["key"], error["code"]) == (3, "crm:D-1", "duplicate_key")
    assert "row 1" in error["message"]
    assert not Deal.objects.exists()


def test_a_batch_over_the_limit_is_refused_whole(api):
    rows = [deal(f"D-{i}") for i in range(MAX_ROWS + 1)]
    response = push(api(), rows, mode="valid_rows")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("batch_too_large", "rows")
    assert "5000" in body["message"] and "5001" in body["message"]
    assert not Deal.objects.exists()


def test_a_dry_run_counts_but_writes_nothing(api):
    report(push(api(), [deal("D-1")]))
    before = counts()
    result = report(push(api(), [deal("D-1", amount_fen=7), deal("D-2")], dry_run=True))
    assert (result["created"], result["updated"], result["written"]) == (1, 1, False)
    assert counts() == before


def test_an_unknown_mode_is_a_schema_error(api):
    assert push(api(), [deal("D-1")], mode="some_rows").status_code == 422


def test_numeric_external_ids_are_read_as_text(api):
    report(push(api(), [deal(1042)]))
    assert Deal.objects.filter(external_id="1042").exists()


# --- single PUT -----------------------------------------------------------------------


def _body(**fields: Any) -> dict[str, Any]:
    row = deal("-", **fields)
    del row["source"], row["external_id"]
    return row


def test_put_creates_with_201_then_answers_200(api):
    created = put(api(), "D-9", _body())
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["source"], body["external_id"], body["amount_fen"]) == ("crm", "D-9", 1_200_000)
    assert body["owner"]["employee_no"] == "XH00004"
    assert body["segment"] == "big"
    assert [s["employee"]["employee_no"] for s in body["splits"]] == ["XH00004"]
    same = put(api(), "D-9", _body())
    assert same.status_code == 200
    changed = put(api(), "D-9", _body(amount_fen=200_000))
    assert changed.status_code == 200
    assert changed.json()["amount_fen"] == 200_000
    assert changed.json()["segment"] == "small"
    assert Deal.objects.count() == 1


def test_put_credits_the_split_shares_exactly(api):
    splits = [{"employee": "XH00004", "share": "0.6"}, {"employee": "XH00005", "share": "0.4"}]
    response = put(api(), "D-9", _body(amount_fen=100_001, splits=splits))
    assert response.status_code == 201, response.content
    credits = {s["employee"]["employee_no"]: s for s in response.json()["splits"]}
    assert {k: v["amount_fen"] for k, v in credits.items()} == {
        "XH00004": 60_001,
        "XH00005": 40_000,
    }
    assert credits["XH00004"]["share"] in ("0.6", "0.6000")


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"amount_fen": -1}, "not_positive", "amount_fen"),
        ({"platform": "NOPE"}, "unknown_platform", "platform"),
        ({"customer": "C-404"}, "unknown_customer", "customer"),
        (
            {"splits": [{"employee": "XH00004", "share": "0.7"}]},
            "shares_not_100",
            "splits",
        ),
    ],
)
def test_put_refuses_a_bad_row_with_400_and_writes_nothing(api, fields, code, field):
    before = counts()
    response = put(api(), "D-9", _body(**fields))
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert counts() == before


def test_put_with_a_text_amount_is_a_schema_error(api):
    assert put(api(), "D-9", _body(amount_fen="lots")).status_code == 422
    assert not Deal.objects.exists()


def test_put_takes_an_external_id_with_a_slash(api):
    assert put(api(), "2025/HT-7", _body()).status_code == 201
    assert api().get("/sales/deals/crm/2025/HT-7").json()["external_id"] == "2025/HT-7"


def test_put_cannot_cut_the_amount_below_what_was_collected(api):
    put(api(), "D-9", _body(amount_fen=100_000))
    api().request(
        "PUT",
        "/sales/collections/crm/P-1",
        {"deal": "D-9", "received_on": "2025-04-01", "amount_fen": 80_000},
    )
    response = put(api(), "D-9", _body(amount_fen=50_000))
    assert response.status_code == 400
    assert response.json()["code"] == "amount_below_paid"


# --- who may push ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "auditor"])
def test_only_hr_admins_and_finance_push_deals(api, role):
    before = counts()
    for response in (push(api(role), [deal("D-1")]), put(api(role), "D-1", _body())):
        assert response.status_code == 403, (role, response.content)
        assert response.json()["code"] == "permission_denied"
    assert counts() == before


def test_finance_pushes_deals(api):
    assert report(push(api("finance"), [deal("D-1")]))["created"] == 1
    assert put(api("finance"), "D-2", _body()).status_code == 201


def test_each_push_is_audited_as_its_pusher(api, sw):
    report(push(api("finance"), [deal("D-1"), deal("D-2")]))
    row = AuditLog.objects.filter(action="sales.deal.upsert").get()
    assert row.actor == sw.w.finance
    assert sorted(row.after["created"]) == ["crm:D-1", "crm:D-2"]
