"""The estimator, what-if on history, and the API endpoints."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.incentives.models import PlanVersion
from meritline.incentives.services.estimate import estimate
from meritline.incentives.services.plans import plan_version_create
from meritline.incentives.services.whatif import what_if
from tests.incentives.conftest import approved, counts, plan_text, sign

CUMULATIVE = """
name: 累计分档
components:
  - id: monthly
    kind: rate
    payee: owner
    bracket: cumulative
    tiers:
      - {from: 0, rate: "0.01", label: 基础档}
      - {from: 1000000, rate: "0.02", label: 百万档}
"""


def test_the_estimator_answers_with_the_tier_reached(iw):
    result = estimate(
        actor=iw.w.employee, employee=iw.w.chenjing, amount_fen=120_000_000, on=date(2026, 10, 20)
    )
    assert result.earned_fen == 2_400_000
    assert result.plans[0].bracket_to == "≥¥1,000,000.00"
    assert "¥24,000.00" in result.text


def test_the_estimator_says_which_bracket_a_deal_moves_you_to(iw):
    approved(  # beside PAY-2, which stays in force
        iw.sw, "CUM", CUMULATIVE
    )
    sign(iw.sw, date(2026, 10, 3), 400_000)
    result = estimate(
        actor=iw.w.employee, employee=iw.w.chenjing, amount_fen=70_000_000, on=date(2026, 10, 20)
    )
    cum = next(p for p in result.plans if p.plan == "CUM")
    assert (cum.bracket_from, cum.bracket_to) == ("基础档", "百万档")
    # 400 k earned 4,000 at 1 %; with 700 k more the month reaches 1.1 M: 2 % on both
    assert (cum.before_fen, cum.after_fen) == (400_000, 2_200_000)
    assert "基础档" in result.text and "百万档" in result.text


def test_estimates_stay_within_the_team(iw):
    estimate(actor=iw.w.manager, employee=iw.w.sunlei, amount_fen=100, on=date(2026, 10, 1))
    with pytest.raises(PermissionDeniedError):
        estimate(actor=iw.w.employee, employee=iw.w.sunlei, amount_fen=100)
    with pytest.raises(PermissionDeniedError):
        estimate(actor=iw.w.manager, employee=iw.w.liuyang, amount_fen=100)
    with pytest.raises(DomainError):
        estimate(actor=iw.w.employee, employee=iw.w.chenjing, amount_fen=0)


def test_what_if_compares_a_draft_with_the_version_in_force(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    sign(iw.sw, date(2026, 10, 9), 300_000, owner="XH00005")
    flat = "name: 统一费率\ncomponents:\n" + (
        '  - {id: deal_commission, kind: rate, payee: owner, tiers: [{from: 0, rate: "0.015"}]}\n'
    )
    draft = plan_version_create(
        actor=iw.w.hr_admin, plan=iw.plan, document=flat, valid_from=date(2026, 12, 1)
    )
    before = counts()
    result = what_if(actor=iw.w.finance, draft_version=draft, period="2026-10")
    assert counts() == before
    assert (result.before_fen, result.after_fen) == (2_700_000, 2_250_000)
    assert result.delta_fen == -450_000
    assert [(p.name, p.delta_fen) for p in result.winners] == [("孙磊", 150_000)]
    assert [(p.name, p.delta_fen) for p in result.losers] == [("陈静", -600_000)]
    with pytest.raises(DomainError):
        what_if(actor=iw.w.finance, draft_version=draft, period="2025-10")
    with pytest.raises(PermissionDeniedError):
        what_if(actor=iw.w.employee, draft_version=draft, period="2026-10")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_estimator_endpoint(iw):
    response = _client(iw.w.employee).post(
        "/api/v1/incentives/estimate",
        json.dumps({"amount_fen": 120_000_000, "on": "2026-10-20"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["earned_fen"] == 2_400_000 and body["plans"][0]["plan"] == "PAY2"


def test_the_validate_endpoint_lists_every_location(iw):
    bad = plan_text("pay2_tiered_commission").replace("from: 1000000", "from: 400000")
    response = _client(iw.w.employee).post(
        "/api/v1/incentives/plans/validate",
        json.dumps({"document": bad}),
        content_type="application/json",
    )
    body = response.json()
    assert body["valid"] is False
    assert [i["location"] for i in body["issues"]] == ["components[0].tiers[2].from"]


def test_a_bad_document_is_a_400_naming_the_field(iw):
    response = _client(iw.w.finance).post(
        "/api/v1/incentives/plans/PAY2/versions",
        json.dumps({"document": "name: x\ncomponents: []", "valid_from": "2026-12-01"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "document"
    assert PlanVersion.objects.count() == 1


def test_my_statements_endpoint_shows_lines_in_words(iw):
    from meritline.incentives.services.runs import run_approve, run_calculate

    sign(iw.sw, date(2026, 10, 8), 1_200_000, number="D-1024")
    sign(iw.sw, date(2026, 10, 8), 300_000, owner="XH00005")
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    run_approve(actor=iw.w.finance, run=run)
    response = _client(iw.w.employee).get("/api/v1/incentives/statements/mine")
    body = response.json()
    assert [s["payable_fen"] for s in body] == [2_400_000]
    assert body[0]["lines"][0]["explanation"].startswith("合同 D-1024")


def test_the_estimator_refuses_alike_whether_someone_out_of_scope_exists(iw):
    def ask(user, number):
        response = _client(user).post(
            "/api/v1/incentives/estimate",
            json.dumps({"amount_fen": 100, "on": "2026-10-20", "employee": number}),
            content_type="application/json",
        )
        return response.status_code, response.json()

    for user, outsider in ((iw.w.manager, "XH00006"), (iw.w.employee, "XH00005")):
        assert ask(user, outsider) == ask(user, "XH99999")
        status, body = ask(user, outsider)
        assert (status, body["code"]) == (403, "permission_denied")
    assert ask(iw.w.manager, "XH00005")[0] == 200
    # someone who sees everyone is told the number is unknown
    assert ask(iw.w.finance, "XH99999")[0] == 404
    assert ask(iw.w.finance, "XH00005")[0] == 200
