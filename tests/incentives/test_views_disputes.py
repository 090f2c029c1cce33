"""Dispute pages: finance's queue and decide form (an adjustment needs its amount, a
rejection its reason: 400 under the field, nothing written), and the payee following
the status of their own questions."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from meritline.incentives.models import DisputeStatus
from meritline.incentives.services.disputes import line_dispute_raise
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from tests.incentives.conftest import counts, sign

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


@pytest.fixture
def dispute(iw):
    sign(iw.sw, date(2026, 9, 8), 1_200_000, number="D-1024")
    sign(iw.sw, date(2026, 9, 9), 300_000, owner="XH00005")
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-09")
    run_approve(actor=iw.w.finance, run=run)
    run_close(actor=iw.w.finance, run=run)
    line = run.lines.get(payee=iw.w.chenjing)
    return line_dispute_raise(actor=iw.w.employee, line=line, reason="漏算大客户上浮")


def decide(client, dispute, **body):
    return client.post(reverse("incentives:dispute_decide", args=[dispute.pk]), body)


def test_finance_sees_the_open_queue(iw, dispute, as_user):
    page = as_user(iw.w.finance).get(reverse("incentives:dispute_list"))
    assert [d.pk for d in page.context["page_obj"].object_list] == [dispute.pk]
    assert "陈静" in page.content.decode()
    detail = as_user(iw.w.finance).get(reverse("incentives:dispute_detail", args=[dispute.pk]))
    html = detail.content.decode()
    assert "漏算大客户上浮" in html and "D-1024" in html
    assert reverse("incentives:dispute_decide", args=[dispute.pk]) in html


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "adjust", "amount": "", "reason": "补发"}, "amount"),
        ({"decision": "adjust", "amount": "0", "reason": "补发"}, "amount"),
        ({"decision": "adjust", "amount": "12.345", "reason": "补发"}, "amount"),
        ({"decision": "reject", "amount": "", "reason": "  "}, "reason"),
        ({"decision": "maybe", "amount": "", "reason": "x"}, "decision"),
    ],
)
def test_a_decision_needs_its_amount_or_reason(iw, dispute, as_user, body, field):
    before = counts()
    response = decide(as_user(iw.w.finance), dispute, **body)
    assert response.status_code == 400
    assert response.context["form"].errors[field], response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert counts() == before


def test_a_rejection_with_its_reason_is_shown_to_the_payee(iw, dispute, as_user):
    response = decide(as_user(iw.w.finance), dispute, decision="reject", reason="未达大客户门槛")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REJECTED
    client = as_user(iw.w.employee)
    mine = client.get(reverse("incentives:dispute_list"))
    assert [d.pk for d in mine.context["page_obj"].object_list] == [dispute.pk]
    detail = client.get(reverse("incentives:dispute_detail", args=[dispute.pk])).content.decode()
    assert "未达大客户门槛" in detail
    assert reverse("incentives:dispute_decide", args=[dispute.pk]) not in detail


def test_an_adjustment_waits_for_the_next_run(iw, dispute, as_user):
    client = as_user(iw.w.hr_admin)
    response = decide(client, dispute, decision="adjust", amount="3,600", reason="补发上浮")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.adjustment_fen) == (DisputeStatus.ADJUSTED, 360_000)
    again = decide(client, dispute, decision="reject", reason="x")
    assert again.status_code == 403


def test_others_cannot_decide_or_see_the_dispute(iw, dispute, as_user):
    assert decide(as_user(iw.w.employee), dispute, decision="reject", reason="x").status_code == 403
    assert decide(as_user(iw.w.auditor), dispute, decision="reject", reason="x").status_code == 403
    other = as_user(iw.w.other_employee)
    assert other.get(reverse("incentives:dispute_detail", args=[dispute.pk])).status_code == 404
    assert not other.get(reverse("incentives:dispute_list")).context["page_obj"].object_list
