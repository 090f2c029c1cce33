"""Lead pages: scoped list and export, the lifecycle timeline, registration with the
ownership refusal (孙磊's story), advancing, review, assignment and "my leads"
(SPEC LED-1…LED-4, PLT-3)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meritline.core.models import AuditLog
from meritline.sales.models import Lead, LeadAlert, LeadStep, QualificationStandard, Step
from meritline.sales.services.lead_actions import lead_advance
from meritline.sales.services.leads import lead_register
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


def assert_field_error(response, field, contains):
    assert response.status_code == 400, response.status_code
    errors = field_errors(response, field)
    assert any(contains in e for e in errors), errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html


def numbers(response):
    return {lead.number for lead in response.context["page_obj"].object_list}


@pytest.fixture
def leads(sw):
    """A marketing lead of 赵敏 worked by 陈静, a self-sourced lead of 孙磊, one of 刘洋."""
    w = sw.w
    marketing = lead_register(
        actor=sw.zhaomin_user,
        company_name="华星科技有限公司",
        source_kind="marketing",
        platform=w.platform,
        contact_phone="138-0013-8000",
    )
    lead_advance(actor=w.hr_admin, lead=marketing, step=Step.RECEIVED, owner=w.chenjing)
    own = lead_register(
        actor=w.other_employee,
        company_name="远航物流有限公司",
        source_kind="self_sourced",
        platform=w.platform,
        contact_phone="13900000001",
    )
    south = lead_register(
        actor=w.hr_admin,
        company_name="南海贸易有限公司",
        source_kind="self_sourced",
        platform=w.platform,
        owner=w.liuyang,
        contact_phone="13900000002",
    )
    return {"marketing": marketing, "own": own, "south": south}


# The list and export ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("hr_admin", {"marketing", "own", "south"}),
        ("auditor", {"marketing", "own", "south"}),
        ("hrbp", {"marketing", "own"}),
        ("sales_manager", {"marketing", "own"}),
        ("employee", {"marketing"}),
    ],
)
def test_lead_list_shows_exactly_the_scope(sw, leads, as_user, role, visible):
    response = as_user(sw.w.user(role)).get(reverse("sales:lead_list"))
    assert response.status_code == 200
    assert numbers(response) == {leads[k].number for k in visible}
    if "south" not in visible:
        html = response.content.decode()
        assert "南海贸易" not in html
        assert "刘洋" not in html


def test_lead_list_filters_by_step_source_and_qualified(sw, leads, as_user):
    client = as_user(sw.w.hr_admin)
    url = reverse("sales:lead_list")
    assert numbers(client.get(url, {"step": "received"})) == {leads["marketing"].number}
    assert numbers(client.get(url, {"source_kind": "self_sourced"})) == {
        leads["own"].number,
        leads["south"].number,
    }
    assert numbers(client.get(url, {"qualified": "yes"})) == set()
    assert numbers(client.get(url, {"owner": sw.w.liuyang.pk})) == {leads["south"].number}
    assert numbers(client.get(url, {"q": "远航"})) == {leads["own"].number}


def test_lead_list_has_an_empty_state_for_filters(sw, leads, as_user):
    response = as_user(sw.w.hr_admin).get(reverse("sales:lead_list"), {"q": "不存在的公司"})
    assert response.status_code == 200
    assert 'class="empty ml-empty"' in response.content.decode()


def test_lead_list_sorts_along_the_chain(sw, leads, as_user):
    response = as_user(sw.w.hr_admin).get(reverse("sales:lead_list"), {"sort": "-step"})
    first = response.context["page_obj"].object_list[0]
    assert first.number == leads["marketing"].number


def test_lead_export_is_scoped(sw, leads, as_user):
    response = as_user(sw.w.manager).get(reverse("sales:lead_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {leads["marketing"].number, leads["own"].number}
    xlsx = as_user(sw.w.hr_admin).get(reverse("sales:lead_export"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# The detail and its timeline ----------------------------------------------------------------
def test_lead_detail_shows_the_lifecycle_with_times_and_owners(sw, leads, as_user):
    lead = leads["marketing"]
    response = as_user(sw.w.employee).get(reverse("sales:lead_detail", args=[lead.pk]))
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert [e.step for e in timeline] == [
        "entered",
        "visited",
        "received",
        "intent",
        "contract",
        "settled",
    ]
    reached = {e.step: e for e in timeline if e.reached}
    assert set(reached) == {"entered", "received"}
    assert reached["received"].owner == sw.w.chenjing
    assert reached["received"].current
    html = response.content.decode()
    assert "ml-lead-timeline" in html
    assert "陈静" in html


def test_a_lost_lead_ends_its_timeline_with_the_reason(sw, leads, as_user):
    lead = leads["own"]
    lead_advance(actor=sw.w.other_employee, lead=lead, step=Step.LOST, lost_reason="预算取消")
    response = as_user(sw.w.hr_admin).get(reverse("sales:lead_detail", args=[lead.pk]))
    timeline = response.context["timeline"]
    assert [e.step for e in timeline] == ["entered", "lost"]
    assert timeline[-1].note == "预算取消"


def test_lead_detail_outside_the_scope_is_404(sw, leads, as_user):
    url = reverse("sales:lead_detail", args=[leads["south"].pk])
    for role in ("hrbp", "sales_manager", "employee"):
        assert as_user(sw.w.user(role)).get(url).status_code == 404


def test_lead_detail_offers_only_the_allowed_actions(sw, leads, as_user):
    url = reverse("sales:lead_detail", args=[leads["marketing"].pk])
    rep = as_user(sw.w.employee).get(url).context["actions"]
    assert rep.advance and not rep.review and not rep.assign
    manager = as_user(sw.w.manager).get(url).context["actions"]
    assert manager.advance and manager.review and manager.assign
    auditor = as_user(sw.w.auditor).get(url).context["actions"]
    assert not auditor.advance and not auditor.review and not auditor.assign


# Registering a lead -------------------------------------------------------------------------
def test_a_rep_registers_a_self_sourced_lead_on_the_phone_form(sw, as_user):
    response = as_user(sw.w.other_employee).post(
        reverse("sales:lead_register"),
        {
            "company_name": "青松软件有限公司",
            "contact_phone": "13700000000",
            "source_kind": "self_sourced",
            "platform": sw.w.platform.pk,
        },
    )
    lead = Lead.objects.get(company_name="青松软件有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:lead_detail", args=[lead.pk])
    assert lead.owner == sw.w.sunlei and lead.source_employee == sw.w.sunlei
    assert lead.steps.get().step == "entered"


def test_register_form_offers_owner_fields_only_to_writers_and_managers(sw, as_user):
    url = reverse("sales:lead_register")
    assert "owner" not in as_user(sw.w.employee).get(url).context["form"].fields
    assert "owner" in as_user(sw.w.manager).get(url).context["form"].fields
    assert "owner" in as_user(sw.w.hr_admin).get(url).context["form"].fields


def test_sunlei_cannot_register_a_marketing_lead_as_his_own(sw, leads, as_user):
    """The ownership refusal appears under the company field, names the matching lead,
    and offers a dispute; nothing is written."""
    before = Lead.objects.count()
    response = as_user(sw.w.other_employee).post(
        reverse("sales:lead_register"),
        {
            "company_name": "华星科技（中国）有限公司",
            "contact_phone": "13911112222",
            "source_kind": "self_sourced",
            "platform": sw.w.platform.pk,
        },
    )
    number = leads["marketing"].number
    assert_field_error(response, "company_name", number)
    assert any("赵敏" in e for e in field_errors(response, "company_name"))
    assert Lead.objects.count() == before
    match_url = response.context["match_url"]
    assert match_url.startswith(reverse("sales:dispute_raise"))
    assert 'class="ml-match-dispute' in response.content.decode()
    follow = as_user(sw.w.other_employee).get(match_url)
    assert follow.status_code == 200
    assert follow.context["lead"] == leads["marketing"]


def test_register_matches_on_the_phone_number_too(sw, leads, as_user):
    response = as_user(sw.w.other_employee).post(
        reverse("sales:lead_register"),
        {
            "company_name": "另一家公司",
            "contact_phone": "+86 138 0013 8000",
            "source_kind": "self_sourced",
            "platform": sw.w.platform.pk,
        },
    )
    assert_field_error(response, "company_name", leads["marketing"].number)


def expected(response, msgid):
    """``msgid`` in the response's language (None: any message will do)."""
    if msgid is None:
        return ""
    with translation.override(response.context["LANGUAGE_CODE"]):
        return _(msgid)


@pytest.mark.parametrize(
    ("data", "field", "msgid"),
    [
        ({"company_name": ""}, "company_name", None),
        ({"source_kind": "guess"}, "source_kind", None),
        ({"platform": "999999"}, "platform", None),
        (
            {"contact_phone": "", "contact_email": ""},
            "contact_phone",
            "Give a contact: a name, a phone number or an e-mail address.",
        ),
        ({"contact_email": "not-an-address"}, "contact_email", None),
        ({"source_kind": "referral"}, "referrer_name", "Say who referred the lead."),
    ],
)
def test_register_bad_input_is_shown_next_to_its_field(sw, as_user, data, field, msgid):
    good = {
        "company_name": "青松软件有限公司",
        "contact_phone": "13700000000",
        "source_kind": "self_sourced",
        "platform": sw.w.platform.pk,
    }
    before = (Lead.objects.count(), AuditLog.objects.count())
    client = as_user(sw.w.other_employee)
    response = client.post(reverse("sales:lead_register"), {**good, **data})
    assert_field_error(response, field, expected(response, msgid))
    assert (Lead.objects.count(), AuditLog.objects.count()) == before


def test_a_rep_registers_a_referral_as_its_owner(sw, as_user):
    response = as_user(sw.w.other_employee).post(
        reverse("sales:lead_register"),
        {
            "company_name": "青松软件有限公司",
            "contact_phone": "13700000000",
            "source_kind": "referral",
            "referrer_name": "老客户王总",
            "platform": sw.w.platform.pk,
        },
    )
    assert response.status_code == 302
    lead = Lead.objects.get(company_name="青松软件有限公司")
    assert lead.owner == sw.w.sunlei and lead.referrer_name == "老客户王总"


# Advancing, reviewing, assigning ------------------------------------------------------------
def test_the_owner_moves_a_lead_on(sw, leads, as_user):
    lead = leads["marketing"]
    response = as_user(sw.w.employee).post(
        reverse("sales:lead_advance", args=[lead.pk]), {"step": "intent", "note": "已报价"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.step == "intent"
    assert LeadStep.objects.get(lead=lead, step="intent").note == "已报价"


def test_advancing_from_my_leads_returns_there(sw, leads, as_user):
    lead = leads["own"]
    response = as_user(sw.w.other_employee).post(
        reverse("sales:lead_advance", args=[lead.pk]), {"step": "visited", "next": "my_leads"}
    )
    assert response["Location"] == reverse("sales:my_leads")


@pytest.mark.parametrize(
    ("data", "field", "msgid"),
    [
        ({"step": "lost"}, "lost_reason", "Say why the lead was lost."),
        ({"step": "entered"}, "step", None),
        ({"step": "visited", "at": "2001-01-01T09:00"}, "at", None),
        ({"step": "visited", "at": "2099-01-01T09:00"}, "at", "The time is in the future."),
        ({"step": "visited", "at": "yesterday"}, "at", None),
    ],
)
def test_advance_bad_input_is_shown_next_to_its_field(sw, leads, as_user, data, field, msgid):
    lead = leads["own"]
    before = (LeadStep.objects.count(), AuditLog.objects.count())
    response = as_user(sw.w.other_employee).post(
        reverse("sales:lead_advance", args=[lead.pk]), data
    )
    assert_field_error(response, field, expected(response, msgid))
    lead.refresh_from_db()
    assert lead.step == "entered"
    assert (LeadStep.objects.count(), AuditLog.objects.count()) == before


def test_received_without_an_owner_asks_for_one(sw, as_user):
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="东方电子有限公司",
        source_kind="marketing",
        platform=sw.w.platform,
        contact_phone="13600000000",
    )
    response = as_user(sw.zhaomin_user).post(
        reverse("sales:lead_advance", args=[lead.pk]), {"step": "received"}
    )
    assert response.status_code == 400
    assert field_errors(response, "owner")
    lead.refresh_from_db()
    assert lead.step == "entered"


def test_someone_else_cannot_move_a_lead_on(sw, leads, as_user):
    url = reverse("sales:lead_advance", args=[leads["own"].pk])
    # 陈静 does not see 孙磊's lead at all; the auditor sees it but may not move it.
    assert as_user(sw.w.employee).get(url).status_code == 404
    assert as_user(sw.w.auditor).post(url, {"step": "visited"}).status_code == 403


def test_a_manager_reviews_a_lead_and_a_rejection_needs_a_note(sw, leads, as_user):
    lead = leads["marketing"]
    url = reverse("sales:lead_review", args=[lead.pk])
    client = as_user(sw.w.manager)
    response = client.post(url, {"qualified": "no", "note": ""})
    assert_field_error(response, "note", "")
    lead.refresh_from_db()
    assert lead.qualified is None
    response = client.post(url, {"qualified": "no", "note": "联系方式无效"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.qualified is False and lead.review_note == "联系方式无效"


def test_a_lead_failing_the_standard_cannot_be_passed(sw, leads, as_user):
    QualificationStandard.objects.create(
        valid_from=timezone.localdate() - timedelta(days=30),
        name="2026 标准",
        criteria=[{"kind": "required", "field": "contact_email"}],
    )
    lead = leads["marketing"]
    response = as_user(sw.w.manager).post(
        reverse("sales:lead_review", args=[lead.pk]), {"qualified": "yes"}
    )
    assert_field_error(response, "qualified", lead.number)
    lead.refresh_from_db()
    assert lead.qualified is None


def test_a_rep_may_not_review_or_assign(sw, leads, as_user):
    lead = leads["marketing"]
    client = as_user(sw.w.employee)
    assert client.get(reverse("sales:lead_review", args=[lead.pk])).status_code == 403
    assert client.get(reverse("sales:lead_assign", args=[lead.pk])).status_code == 403


def test_a_manager_assigns_within_the_team(sw, leads, as_user):
    lead = leads["marketing"]
    url = reverse("sales:lead_assign", args=[lead.pk])
    client = as_user(sw.w.manager)
    form = client.get(url).context["form"]
    assert set(form.fields["owner"].queryset) == {sw.w.zhangwei, sw.w.chenjing, sw.w.sunlei}
    bad = client.post(url, {"owner": sw.w.liuyang.pk})
    assert bad.status_code == 400 and field_errors(bad, "owner")
    lead.refresh_from_db()
    assert lead.owner == sw.w.chenjing
    assert client.post(url, {"owner": sw.w.sunlei.pk}).status_code == 302
    lead.refresh_from_db()
    assert lead.owner == sw.w.sunlei


# My leads ---------------------------------------------------------------------------------
def test_my_leads_groups_by_step_and_puts_overdue_first(sw, leads, as_user):
    mine = lead_register(
        actor=sw.w.employee,
        company_name="北辰医疗有限公司",
        source_kind="self_sourced",
        platform=sw.w.platform,
        contact_phone="13500000000",
    )
    LeadAlert.objects.create(
        lead=leads["marketing"],
        step="received",
        due_at=timezone.now() - timedelta(hours=3),
        responsible=sw.w.chenjing,
        raised_at=timezone.now(),
    )
    response = as_user(sw.w.employee).get(reverse("sales:my_leads"))
    assert response.status_code == 200
    data = response.context["mine"]
    assert [a.lead for a in data.alerts] == [leads["marketing"]]
    by_step = {step: leads_ for step, _label, leads_ in data.by_step}
    assert by_step["entered"] == [mine]
    assert by_step["received"] == [leads["marketing"]]
    assert by_step["received"][0].overdue
    html = response.content.decode()
    assert html.index("ml-todo") < html.index("ml-step-card")
    assert "远航物流" not in html  # 孙磊's lead


def test_my_leads_for_a_login_without_an_employee(sw, as_user):
    admin = f.UserFactory(username="root", is_superuser=True)
    response = as_user(admin).get(reverse("sales:my_leads"))
    assert response.status_code == 200
    assert not response.context["is_employee"]


def test_an_alert_leaves_my_leads_once_the_lead_moves_on(sw, leads, as_user):
    LeadAlert.objects.create(
        lead=leads["marketing"],
        step="received",
        due_at=timezone.now() - timedelta(hours=3),
        responsible=sw.w.chenjing,
        raised_at=timezone.now(),
    )
    client = as_user(sw.w.employee)
    client.post(
        reverse("sales:lead_advance", args=[leads["marketing"].pk]),
        {"step": "intent", "next": "my_leads"},
    )
    assert client.get(reverse("sales:my_leads")).context["mine"].alerts == []
    detail = client.get(reverse("sales:lead_detail", args=[leads["marketing"].pk]))
    assert detail.context["alerts"] == []
