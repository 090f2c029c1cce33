"""Pushing customers and leads through the REST API: counts, bad input, the ownership
rule, times without an offset, and who may push."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meritline.core.models import AuditLog
from meritline.sales.models import Customer, Lead, LeadStep
from tests.api.conftest import ApiClient, token_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def api(sw):
    roles = ("hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor")
    clients = {role: ApiClient(token_for(sw.w.user(role))) for role in roles}
    return lambda role="hr_admin": clients[role]


def customer(external_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "source": "crm",
        "external_id": external_id,
        "name": f"客户{external_id}有限公司",
        "platform": "GOV",
        "kind": "enterprise",
        "region": "EAST",
        **fields,
    }


def lead(external_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "source": "crm",
        "external_id": external_id,
        "company_name": "华星科技有限公司",
        "source_kind": "marketing",
        "source_employee": "XH00009",
        "platform": "GOV",
        "entered_at": "2025-03-01T09:00:00+08:00",
        **fields,
    }


def push(client: ApiClient, kind: str, rows: list[Any], **options: Any) -> dict[str, Any]:
    response = client.post(f"/sales/{kind}/batch", {"rows": rows, **options})
    assert response.status_code == 200, response.content
    return response.json()


def codes(result: dict[str, Any]) -> list[tuple[int, str, str | None]]:
    return [(e["row"], e["code"], e["field"]) for e in result["errors"]]


def counts() -> tuple[int, int, int, int]:
    return (
        Customer.objects.count(),
        Lead.objects.count(),
        LeadStep.objects.count(),
        AuditLog.objects.count(),
    )


# --- customers --------------------------------------------------------------------------


def test_customers_are_created_then_unchanged_then_updated(api):
    rows = [customer("C-10"), customer("C-11", kind="smb", region="")]
    assert push(api(), "customers", rows)["created"] == 2
    before = counts()
    assert push(api(), "customers", rows)["unchanged"] == 2
    assert counts() == before
    result = push(api(), "customers", [customer("C-10", industry="制造业"), rows[1]])
    assert (result["updated"], result["unchanged"]) == (1, 1)
    stored = Customer.objects.get(external_id="C-10")
    assert (stored.industry, stored.region.code) == ("制造业", "EAST")


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"platform": "NOPE"}, "unknown_platform", "platform"),
        ({"region": "MARS"}, "unknown_region", "region"),
        ({"kind": "giant"}, "bad_choice", "kind"),
        ({"email": "not-an-address"}, "invalid", "email"),
        ({"name": "  "}, "required", "name"),
        ({"name": ["a"]}, "invalid", "name"),
    ],
)
def test_a_bad_customer_is_reported_and_nothing_is_written(api, fields, code, field):
    before = counts()
    result = push(api(), "customers", [customer("C-10"), customer("C-11", **fields)])
    assert codes(result) == [(2, code, field)]
    assert counts() == before


def test_sales_managers_push_customers_but_employees_may_not(api):
    assert push(api("sales_manager"), "customers", [customer("C-10")])["created"] == 1
    for role in ("employee", "auditor", "hrbp"):
        response = api(role).post("/sales/customers/batch", {"rows": [customer("C-12")]})
        assert response.status_code == 403, role
    assert not Customer.objects.filter(external_id="C-12").exists()


def test_put_customer_answers_201_then_200_and_400_on_a_bad_row(api):
    body = customer("-")
    del body["source"], body["external_id"]
    created = api().request("PUT", "/sales/customers/crm/C-20", body)
    assert created.status_code == 201, created.content
    assert created.json()["region"]["code"] == "EAST"
    assert api().request("PUT", "/sales/customers/crm/C-20", body).status_code == 200
    bad = api().request("PUT", "/sales/customers/crm/C-20", {**body, "platform": "NOPE"})
    assert bad.status_code == 400
    assert (bad.json()["code"], bad.json()["field"]) == ("unknown_platform", "platform")
    assert Customer.objects.get(external_id="C-20").platform.code == "GOV"


# --- leads ------------------------------------------------------------------------------


def test_leads_are_created_with_their_steps_and_a_repush_changes_nothing(api):
    steps = [{"step": "visited", "at": "2025-03-02T10:00:00+08:00"}]
    rows = [lead("L-1", steps=steps), lead("L-2", company_name="远航物流")]
    assert push(api(), "leads", rows)["created"] == 2
    stored = Lead.objects.get(external_id="L-1")
    assert stored.step == "visited"
    assert set(stored.steps.values_list("step", flat=True)) == {"entered", "visited"}
    before = counts()
    assert push(api(), "leads", rows)["unchanged"] == 2
    assert counts() == before


def test_a_time_without_an_offset_is_shanghai_time(api):
    push(api(), "leads", [lead("L-1", entered_at="2025-03-01T09:00:00")])
    entered = Lead.objects.get().entered_at
    assert entered == datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI)


def test_a_self_sourced_lead_matching_a_marketing_lead_is_refused_naming_it(api):
    push(api(), "leads", [lead("L-1")])
    number = Lead.objects.get().number
    result = push(
        api(),
        "leads",
        [lead("L-2", source_kind="self_sourced", source_employee="", owner="XH00004")],
    )
    assert codes(result) == [(1, "marketing_lead_match", "source_kind")]
    assert number in result["errors"][0]["message"]
    assert Lead.objects.count() == 1


def _future() -> str:
    return (timezone.now() + timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"owner": "XH09999"}, "unknown_owner", "owner"),
        ({"platform": "NOPE"}, "unknown_platform", "platform"),
        ({"customer": "C-404"}, "unknown_customer", "customer"),
        ({"source_employee": ""}, "source_employee_required", "source_employee"),
        ({"source_kind": "cold_call"}, "bad_choice", "source_kind"),
        ({"entered_at": "2025-02-30T09:00:00"}, "invalid", "entered_at"),
        ({"steps": [{"step": "flying", "at": "2025-03-02T10:00:00"}]}, "bad_choice", "steps"),
        ({"steps": [{"step": "visited", "at": "2025-02-01T10:00:00"}]}, "step_order", "steps"),
        ({"steps": [{"step": "visited"}]}, "required", "steps"),
    ],
)
def test_a_bad_lead_is_reported_and_nothing_is_written(api, fields, code, field):
    before = counts()
    result = push(api(), "leads", [lead("L-1"), lead("L-2", **fields)])
    assert codes(result) == [(2, code, field)]
    assert result["written"] is False
    assert counts() == before


def test_a_lead_step_in_the_future_is_refused(api):
    result = push(api(), "leads", [lead("L-1", steps=[{"step": "visited", "at": _future()}])])
    assert codes(result) == [(1, "future_date", "steps")]


def test_valid_rows_keeps_the_good_leads(api):
    rows = [lead("L-1"), lead("L-2", owner="XH09999"), lead("L-3", company_name="远航物流")]
    result = push(api(), "leads", rows, mode="valid_rows")
    assert (result["created"], result["written"]) == (2, True)
    assert set(Lead.objects.values_list("external_id", flat=True)) == {"L-1", "L-3"}


def test_put_lead_returns_its_timeline(api):
    body = lead("-", steps=[{"step": "visited", "at": "2025-03-02T10:00:00+08:00"}])
    del body["source"], body["external_id"]
    response = api().request("PUT", "/sales/leads/crm/L-9", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("L")
    assert [s["step"] for s in data["steps"]] == ["entered", "visited"]
    assert data["source_employee"]["employee_no"] == "XH00009"
    assert api().request("PUT", "/sales/leads/crm/L-9", body).status_code == 200


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "auditor"])
def test_only_hr_admins_and_finance_push_leads(api, role):
    body = lead("-")
    del body["source"], body["external_id"]
    assert api(role).request("PUT", "/sales/leads/crm/L-9", body).status_code == 403
    assert api(role).post("/sales/leads/batch", {"rows": [lead("L-1")]}).status_code == 403
    assert not Lead.objects.exists()


def test_a_nested_schema_error_names_the_exact_place(api):
    steps = [{"step": "visited", "at": "2025-03-02T10:00:00"}, {"step": "intent"}]
    result = push(api(), "leads", [lead("L-1", steps=steps)])
    [error] = result["errors"]
    assert (error["code"], error["field"]) == ("required", "steps")
    assert "steps.1.at" in error["message"]
