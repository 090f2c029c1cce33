"""Dispute pages (LED-3): 孙磊 raises a dispute about the marketing lead his registration
matched; a sales director decides it; the queue is scoped; bad inputs change nothing."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from meritline.core.models import AuditLog
from meritline.sales.models import Lead, LeadDispute
from meritline.sales.services.leads import lead_register
from meritline.sales.services.ownership import dispute_raise
from tests import factories as f

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def assert_field_error(response, field, contains=""):
    assert response.status_code == 400, response.status_code
    errors = field_errors(response, field)
    assert errors and any(contains in e for e in errors), errors
    assert f'id="id_{field}_error"' in response.content.decode()


def translated(response, msgid):
    with translation.override(response.context["LANGUAGE_CODE"]):
        return _(msgid)


@pytest.fixture
def marketing_lead(sw):
    return lead_register(
        actor=sw.zhaomin_user,
        company_name="华星科技有限公司",
        source_kind="marketing",
        platform=sw.w.platform,
        contact_phone="13800138000",
    )


def raise_url(**contact):
    return reverse("sales:dispute_raise") + "?" + urlencode(contact)


def test_sunlei_raises_a_dispute_about_the_lead_his_registration_matched(
    sw, marketing_lead, as_user
):
    client = as_user(sw.w.other_employee)
    url = raise_url(company_name="华星科技", contact_phone="13911112222")
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["lead"] == marketing_lead
    assert not page.context["lead_visible"]
    response = client.post(
        url,
        {
            "kind": "source",
            "claim": "我三月就拜访过这家公司，有拜访记录。",
            "company_name": "华星科技",
            "contact_phone": "13911112222",
        },
    )
    dispute = LeadDispute.objects.get(lead=marketing_lead)
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:dispute_detail", args=[dispute.pk])
    assert dispute.claimant == sw.w.sunlei and dispute.status == "open"
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert detail.context["form"] is None  # he cannot decide his own dispute
    mine = client.get(reverse("sales:my_leads"))
    assert mine.context["mine"].disputes_open == 1


def test_raising_needs_a_lead_the_user_sees_or_matched(sw, marketing_lead, as_user):
    client = as_user(sw.w.other_employee)
    assert client.get(reverse("sales:dispute_raise")).status_code == 404
    assert client.get(raise_url(company_name="别的公司")).status_code == 404
    url = reverse("sales:dispute_raise") + f"?lead={marketing_lead.pk}"
    assert client.get(url).status_code == 404  # not his to see by id


@pytest.mark.parametrize(
    ("data", "field", "msgid"),
    [
        ({"claim": ""}, "claim", None),
        ({"claim": "   "}, "claim", None),
        ({"kind": "other"}, "kind", None),
    ],
)
def test_raise_bad_input_is_shown_next_to_its_field(
    sw, marketing_lead, as_user, data, field, msgid
):
    before = (LeadDispute.objects.count(), AuditLog.objects.count())
    url = raise_url(company_name="华星科技")
    response = as_user(sw.w.other_employee).post(
        url, {"kind": "source", "claim": "是我的", "company_name": "华星科技", **data}
    )
    assert_field_error(response, field)
    assert (LeadDispute.objects.count(), AuditLog.objects.count()) == before


def test_claiming_what_one_already_holds_is_refused_next_to_the_kind(sw, as_user):
    lead = lead_register(
        actor=sw.w.other_employee,
        company_name="远航物流",
        source_kind="self_sourced",
        platform=sw.w.platform,
        contact_phone="13900000001",
    )
    response = as_user(sw.w.other_employee).post(
        reverse("sales:dispute_raise") + f"?lead={lead.pk}",
        {"kind": "source", "claim": "是我的", "lead": lead.pk},
    )
    assert_field_error(response, "kind", lead.number)
    assert not LeadDispute.objects.exists()


def test_a_second_open_dispute_is_refused(sw, marketing_lead, as_user):
    dispute_raise(actor=sw.w.other_employee, lead=marketing_lead, claim="是我的")
    client = as_user(sw.w.employee)  # 陈静 also claims it
    url = raise_url(company_name="华星科技")
    response = client.post(
        url, {"kind": "source", "claim": "我先联系的", "company_name": "华星科技"}
    )
    assert response.status_code == 400
    assert any(marketing_lead.number in e for e in response.context["form"].non_field_errors())
    assert LeadDispute.objects.count() == 1


# Deciding ----------------------------------------------------------------------------------
@pytest.fixture
def dispute(sw, marketing_lead):
    return dispute_raise(actor=sw.w.other_employee, lead=marketing_lead, claim="是我的")


def test_a_sales_director_decides_for_the_claimant(sw, dispute, as_user):
    client = as_user(sw.director)
    detail = client.get(reverse("sales:dispute_detail", args=[dispute.pk]))
    assert detail.status_code == 200
    choices = set(detail.context["form"].fields["awarded_to"].queryset)
    assert choices == {sw.w.sunlei, sw.zhaomin}
    response = client.post(
        reverse("sales:dispute_decide", args=[dispute.pk]),
        {
            "awarded_to": sw.w.sunlei.pk,
            "source_kind": "self_sourced",
            "decision": "拜访记录早于市场登记，归孙磊。",
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    lead = Lead.objects.get(pk=dispute.lead_id)
    assert dispute.status == "decided" and dispute.awarded_to == sw.w.sunlei
    assert lead.source_kind == "self_sourced" and lead.owner == sw.w.sunlei
    after = as_user(sw.w.other_employee).get(reverse("sales:dispute_detail", args=[dispute.pk]))
    assert "拜访记录早于市场登记" in after.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": ""}, "decision"),
        ({"awarded_to": ""}, "awarded_to"),
        ({"awarded_to": "999999"}, "awarded_to"),
        ({"source_kind": "guess"}, "source_kind"),
    ],
)
def test_decide_bad_input_is_shown_next_to_its_field(sw, dispute, as_user, data, field):
    before = (AuditLog.objects.count(), Lead.objects.get(pk=dispute.lead_id).source_employee_id)
    response = as_user(sw.w.hr_admin).post(
        reverse("sales:dispute_decide", args=[dispute.pk]),
        {"awarded_to": sw.w.sunlei.pk, "decision": "归孙磊", **data},
    )
    assert_field_error(response, field)
    dispute.refresh_from_db()
    assert dispute.status == "open"
    assert (
        AuditLog.objects.count(),
        Lead.objects.get(pk=dispute.lead_id).source_employee_id,
    ) == before


def test_awarding_a_third_person_is_refused(sw, dispute, as_user):
    response = as_user(sw.w.hr_admin).post(
        reverse("sales:dispute_decide", args=[dispute.pk]),
        {"awarded_to": sw.w.chenjing.pk, "decision": "给陈静"},
    )
    assert_field_error(response, "awarded_to")


def test_who_may_not_decide(sw, dispute, as_user):
    url = reverse("sales:dispute_decide", args=[dispute.pk])
    body = {"awarded_to": sw.w.sunlei.pk, "decision": "x"}
    assert as_user(sw.w.other_employee).post(url, body).status_code == 403  # the claimant
    assert as_user(sw.w.finance).post(url, body).status_code == 403
    assert as_user(sw.w.manager).post(url, body).status_code == 403  # sees it, not a director
    decided = as_user(sw.w.hr_admin).post(url, body)
    assert decided.status_code == 302
    assert as_user(sw.w.hr_admin).post(url, body).status_code == 403  # already decided


# The queue --------------------------------------------------------------------------------
@pytest.fixture
def south_dispute(sw):
    lead = f.LeadFactory(
        company_name="南海贸易", source_kind="referral", referrer_name="老客户", owner=sw.w.liuyang
    )
    return dispute_raise(actor=sw.w.liuyang.user, lead=lead, claim="我的")


def leads_in(response):
    return {d.lead.company_name for d in response.context["page_obj"].object_list}


def test_the_queue_is_scoped(sw, dispute, south_dispute, as_user):
    url = reverse("sales:dispute_list")
    for user in (sw.w.hr_admin, sw.w.auditor, sw.director):
        assert leads_in(as_user(user).get(url)) == {"华星科技有限公司", "南海贸易"}
    assert leads_in(as_user(sw.w.other_employee).get(url)) == {"华星科技有限公司"}
    for role in ("hrbp", "sales_manager", "employee"):
        response = as_user(sw.w.user(role)).get(url)
        assert "南海贸易" not in leads_in(response)
        assert "刘洋" not in response.content.decode()
    detail = reverse("sales:dispute_detail", args=[south_dispute.pk])
    assert as_user(sw.w.hrbp).get(detail).status_code == 404
    assert as_user(sw.w.employee).get(detail).status_code == 404


def test_the_queue_shows_open_disputes_unless_asked(sw, dispute, south_dispute, as_user):
    client = as_user(sw.w.hr_admin)
    client.post(
        reverse("sales:dispute_decide", args=[south_dispute.pk]),
        {"awarded_to": sw.w.liuyang.pk, "decision": "归刘洋"},
    )
    url = reverse("sales:dispute_list")
    assert leads_in(client.get(url)) == {"华星科技有限公司"}
    assert leads_in(client.get(url, {"status": "decided"})) == {"南海贸易"}
    assert leads_in(client.get(url, {"status": "all"})) == {"华星科技有限公司", "南海贸易"}
    empty = client.get(url, {"q": "无此线索"})
    assert 'class="empty ml-empty"' in empty.content.decode()


def test_the_queue_exports(sw, dispute, as_user):
    response = as_user(sw.w.hr_admin).get(reverse("sales:dispute_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == dispute.lead.number and rows[1][3] == "孙磊"
