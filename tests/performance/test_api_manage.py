"""The performance management API: cycles, appraisals (scoped), targets (read and set)
and templates (read)."""

from __future__ import annotations

import json

import pytest

from meritline.core.models import AuditLog
from meritline.performance.models import Target
from meritline.performance.services.cycles import cycle_open
from tests.performance.clients import client_for


@pytest.fixture
def cycle(pw):
    return cycle_open(actor=pw.w.hr_admin, period="2026-10", cadence="monthly")


def get(user, url):
    response = client_for(user).get(url)
    return response.status_code, response.json()


def post(user, url, body):
    response = client_for(user).post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_cycles_and_their_appraisals_are_scoped(pw, cycle):
    w = pw.w
    status, body = get(w.manager, "/api/v1/performance/cycles")
    assert status == 200 and [c["period"] for c in body["items"]] == ["2026-10"]
    status, body = get(w.manager, f"/api/v1/performance/cycles/{cycle.pk}/appraisals")
    assert {a["employee"] for a in body["items"]} == {"陈静", "孙磊"}
    status, body = get(w.hr_admin, f"/api/v1/performance/cycles/{cycle.pk}/appraisals")
    assert {a["employee"] for a in body["items"]} == {"陈静", "孙磊", "刘洋"}
    liuyang = cycle.appraisals.get(employee=w.liuyang)
    assert get(w.manager, f"/api/v1/performance/appraisals/{liuyang.pk}")[0] == 404
    status, body = get(w.hr_admin, f"/api/v1/performance/appraisals/{liuyang.pk}")
    assert status == 200 and body["template"]["id"] == "NEW-PLATFORM@v1"


# 陈静's 2026-Q4 sales target, as the API takes it
TARGET = {
    "level": "employee",
    "period": "2026-Q4",
    "metric": "sales_amount",
    "value": "30000000",
    "employee": "XH00004",
}


def test_setting_a_target_a_negative_one_and_one_in_fractions_of_a_fen(pw):
    w = pw.w
    body = TARGET
    status, out = post(w.manager, "/api/v1/performance/targets", body)
    assert status == 200 and out["employee_no"] == "XH00004" and out["value"] == "30000000"
    status, out = post(w.manager, "/api/v1/performance/targets", {**body, "value": "-1"})
    assert (status, out["code"], out["field"]) == (400, "negative_target", "value")
    status, out = post(w.manager, "/api/v1/performance/targets", {**body, "value": "100.5"})
    assert (status, out["code"], out["field"]) == (400, "invalid", "value")
    status, out = post(w.manager, "/api/v1/performance/targets", {**body, "employee": "XH00006"})
    assert status == 403
    status, out = post(w.hr_admin, "/api/v1/performance/targets", {**body, "employee": "XH0"})
    assert status == 404
    assert Target.objects.get().value == 30000000
    status, out = get(w.employee, "/api/v1/performance/targets?period=2026-Q4")
    assert [t["employee_no"] for t in out["items"]] == ["XH00004"]
    assert get(w.other_employee, "/api/v1/performance/targets")[1]["items"] == []


def test_a_manager_naming_someone_out_of_scope_is_refused_alike_whether_they_exist(pw):
    w = pw.w
    body = {**TARGET, "value": "100"}
    audit_rows = AuditLog.objects.count()
    outsider = post(w.manager, "/api/v1/performance/targets", {**body, "employee": "XH00006"})
    unknown = post(w.manager, "/api/v1/performance/targets", {**body, "employee": "XH99999"})
    assert outsider == unknown
    status, out = outsider
    assert (status, out["code"]) == (403, "permission_denied")
    assert out["message"] == "You may not set targets for this employee."
    assert not Target.objects.exists() and AuditLog.objects.count() == audit_rows


def test_templates_with_their_history(pw):
    status, body = get(pw.w.employee, "/api/v1/performance/templates")
    assert status == 200 and {t["code"] for t in body} == {
        "NEW-PLATFORM",
        "MATURE-PLATFORM",
        "KEY-ACCOUNTS",
    }
    status, body = get(pw.w.employee, "/api/v1/performance/templates/KEY-ACCOUNTS")
    weights = [{i["id"]: i["weight"] for i in v["items"]} for v in body["versions"]]
    assert weights[0]["volume"] == "60" and weights[1]["big_clients"] == "30"
    assert get(pw.w.employee, "/api/v1/performance/templates/NOPE")[0] == 404
