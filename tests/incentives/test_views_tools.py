"""The estimator page (a rep's "if it closes at ¥X you earn ¥Y and move from bracket A to
B", from an amount or an open lead) and the what-if page (cost, per-payee deltas, chart
data), with their bad inputs."""

from __future__ import annotations

import json
from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from meritline.incentives.models import PlanVersion
from meritline.incentives.services.plans import plan_version_create
from meritline.sales.models import Lead
from tests.incentives.conftest import counts, plan_text, sign

BACKEND = "django.contrib.auth.backends.ModelBackend"
DAY = date(2026, 10, 20)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


@pytest.fixture
def on_day():
    with mock.patch("meritline.incentives.services.estimate.today", return_value=DAY):
        yield DAY


def estimate(client, **params):
    return client.get(reverse("incentives:estimate"), params)


def test_a_rep_estimates_a_deal_in_words(iw, as_user, on_day):
    sign(iw.sw, date(2026, 10, 8), 300_000)
    client = as_user(iw.w.employee)
    assert estimate(client).status_code == 200
    page = estimate(client, amount="1,200,000")
    assert page.status_code == 200
    result = page.context["result"]
    assert result.earned_fen == 2_400_000
    assert result.text in page.content.decode()
    assert "¥24,000.00" in result.text and "¥1,200,000.00" in result.text


@pytest.mark.parametrize("amount", ["", "abc", "0", "-5", "1.234"])
def test_a_bad_amount_is_400_under_the_field(iw, as_user, on_day, amount):
    before = counts()
    page = estimate(as_user(iw.w.employee), amount=amount)
    assert page.status_code == 400 and page.context["form"].errors["amount"]
    assert 'id="id_amount_error"' in page.content.decode()
    assert page.context["result"] is None
    assert counts() == before


def test_an_open_lead_gives_the_context(iw, as_user, on_day):
    now = timezone.now()
    lead = Lead.objects.create(
        source="crm",
        external_id="L-1",
        number="L-1",
        company_name="华星",
        company_name_normalised="华星",
        source_kind="marketing",
        owner=iw.w.chenjing,
        platform=iw.w.platform,
        step="intent",
        step_at=now,
        entered_at=now,
    )
    client = as_user(iw.w.employee)
    assert "L-1 · 华星" in estimate(client).content.decode()
    with mock.patch("meritline.incentives.views.tools.estimate") as service:
        service.return_value = None
        estimate(client, amount="600000", lead=lead.pk)
    kwargs = service.call_args.kwargs
    assert (kwargs["lead_source_kind"], kwargs["amount_fen"], kwargs["platform"]) == (
        "marketing",
        60_000_000,
        "GOV",
    )


def test_a_manager_estimates_for_the_team_only(iw, as_user, on_day):
    client = as_user(iw.w.manager)
    page = estimate(client, amount="1000", employee=iw.w.chenjing.pk)
    assert page.status_code == 200 and page.context["result"].employee_id == iw.w.chenjing.pk
    outside = estimate(client, amount="1000", employee=iw.w.liuyang.pk)
    assert outside.status_code == 400 and outside.context["form"].errors["employee"]


@pytest.fixture
def draft(iw):
    sign(iw.sw, date(2026, 9, 8), 1_200_000)
    sign(iw.sw, date(2026, 9, 9), 300_000, owner="XH00005")
    return plan_version_create(
        actor=iw.w.hr_admin,
        plan=iw.plan,
        document=plan_text("pay2_tiered_commission").replace('"0.02"', '"0.025"'),
        valid_from=date(2026, 11, 1),
    )


def test_what_if_compares_a_draft_with_the_version_in_force(iw, draft, as_user):
    client = as_user(iw.w.finance)
    assert client.get(reverse("incentives:whatif")).status_code == 200
    page = client.get(
        reverse("incentives:whatif"), {"draft_version": draft.pk, "period": "2026-09"}
    )
    assert page.status_code == 200
    result = page.context["result"]
    assert (result.before_fen, result.after_fen) == (2_700_000, 3_300_000)
    html = page.content.decode()
    assert "+¥6,000.00" in html and "陈静" in html
    chart = json.loads(
        html.split('id="whatif-chart-data" type="application/json">')[1].split("<")[0]
    )
    assert sum(chart["counts"]) == 2
    assert "whatif.js" in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2026-99"}, "period"),
        ({"period": "2020-01"}, "period"),
        ({"period": ""}, "period"),
    ],
)
def test_what_if_bad_inputs_are_400(iw, draft, as_user, params, field):
    page = as_user(iw.w.finance).get(
        reverse("incentives:whatif"), {"draft_version": draft.pk, **params}
    )
    assert page.status_code == 400 and page.context["form"].errors[field]


def test_what_if_is_for_finance_and_hr_admins(iw, draft, as_user):
    for user in (iw.w.employee, iw.w.manager, iw.w.auditor):
        assert as_user(user).get(reverse("incentives:whatif")).status_code == 403
    assert PlanVersion.objects.count() == 2
