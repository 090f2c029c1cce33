"""A lead belongs to its source (LED-3): sales cannot re-register a marketing lead as
self-sourced; disputes are decided by HR or a sales director and recorded."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.org.models import Assignment, Position
from meritline.sales.access import decides_disputes, is_sales_director
from meritline.sales.models import Lead, LeadDispute, LeadStep, SourceKind, Step
from meritline.sales.selectors import dispute_list
from meritline.sales.services.lead_actions import lead_advance
from meritline.sales.services.leads import LeadRow, lead_bulk_upsert, lead_register
from meritline.sales.services.ownership import dispute_decide, dispute_raise
from tests.sales.conftest import at


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the catalogue translates them."""
    with translation.override("en"):
        yield


@pytest.fixture
def zhao_lead(sw):
    """赵敏 (marketing) brought 蓝海物流 in on 2025-03-02."""
    return lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流（中国）有限公司",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
        contact_phone="138-0013-8000",
        contact_email="wang@lanhai.cn",
        entered_at=at(date(2025, 3, 2)),
    )


def snapshot():
    return (Lead.objects.count(), LeadStep.objects.count(), AuditLog.objects.count())


def test_sunlei_cannot_register_zhaomins_marketing_lead_as_his_own(sw, zhao_lead):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        lead_register(
            actor=sw.w.other_employee,
            company_name="蓝海物流有限公司",
            source_kind=SourceKind.SELF_SOURCED,
            platform=sw.w.platform,
        )
    error = exc.value
    assert (error.code, error.field) == ("marketing_lead_match", "source_kind")
    message = str(error)
    assert zhao_lead.number in message
    assert "赵敏" in message
    assert "2025-03-02" in message
    assert "same company name" in message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("contact", "why"),
    [
        ({"contact_phone": "+86 13800138000"}, "same contact phone"),
        ({"contact_email": "WANG@lanhai.cn"}, "same contact e-mail"),
    ],
)
def test_a_match_on_phone_or_email_is_enough(sw, zhao_lead, contact, why):
    with pytest.raises(DomainError) as exc:
        lead_register(
            actor=sw.w.other_employee,
            company_name="LH Logistics",
            source_kind=SourceKind.SELF_SOURCED,
            platform=sw.w.platform,
            **contact,
        )
    assert why in str(exc.value) and zhao_lead.number in str(exc.value)


def test_a_lost_marketing_lead_no_longer_blocks(sw, zhao_lead):
    lead_advance(actor=sw.zhaomin_user, lead=zhao_lead, step=Step.LOST, lost_reason="无预算")
    lead = lead_register(
        actor=sw.w.other_employee,
        company_name="蓝海物流",
        source_kind=SourceKind.SELF_SOURCED,
        platform=sw.w.platform,
    )
    assert lead.owner == sw.w.sunlei


def test_other_sources_are_not_blocked(sw, zhao_lead):
    lead = lead_register(
        actor=sw.w.other_employee,
        company_name="蓝海物流",
        source_kind=SourceKind.REFERRAL,
        platform=sw.w.platform,
        referrer_name="老客户推荐",
    )
    assert lead.source_kind == SourceKind.REFERRAL


def test_imports_apply_the_rule_against_the_database_and_the_file(sw, zhao_lead):
    common = dict(
        source="crm",
        source_kind="self_sourced",
        platform="GOV",
        owner="XH00005",
        entered_at=at(date(2025, 4, 1)),
    )
    rows = [
        LeadRow(external_id="A", company_name="蓝海物流", **common, row=2),
        LeadRow(
            external_id="B",
            company_name="白云电子",
            source="crm",
            source_kind="marketing",
            platform="GOV",
            source_employee="XH00009",
            entered_at=at(date(2025, 4, 1)),
            row=3,
        ),
        LeadRow(external_id="C", company_name="白云电子股份有限公司", **common, row=4),
        LeadRow(external_id="D", company_name="远山制造", **common, row=5),
    ]
    before = snapshot()
    result = lead_bulk_upsert(actor=sw.w.hr_admin, rows=rows)
    assert [(e.row, e.code) for e in result.errors] == [
        (2, "marketing_lead_match"),
        (4, "marketing_lead_match"),
    ]
    assert zhao_lead.number in result.errors[0].message
    assert "row 3" in result.errors[1].message
    assert snapshot() == before
    kept = lead_bulk_upsert(actor=sw.w.hr_admin, rows=rows, mode="valid_rows")
    assert kept.created == 2
    assert set(Lead.objects.filter(source="crm").values_list("external_id", flat=True)) == {
        "B",
        "D",
    }


# Who decides


def test_a_sales_director_is_a_sales_manager_on_the_top_rung(sw):
    assert is_sales_director(sw.director)
    assert not is_sales_director(sw.w.manager)  # 商务经理 is below 销售总监
    assert decides_disputes(sw.w.hr_admin) and decides_disputes(sw.director)
    for user in (sw.w.manager, sw.w.employee, sw.w.hrbp, sw.w.finance, sw.w.auditor):
        assert not decides_disputes(user)


def test_without_the_manager_role_the_top_post_is_not_enough(sw):
    sw.director.role_grants.all().delete()
    assert not is_sales_director(sw.director)


def test_a_director_who_moved_off_the_top_post_no_longer_decides(sw):
    Assignment.objects.filter(employee=sw.qianjin).update(position=Position.objects.get(code="MGR"))
    assert not is_sales_director(sw.director)


# Disputes


def test_sunlei_raises_a_dispute_that_hr_decides_for_marketing(sw, zhao_lead):
    dispute = dispute_raise(
        actor=sw.w.other_employee, lead=zhao_lead, claim="我三月初在展会上先联系过这家客户。"
    )
    assert (dispute.status, dispute.claimant, dispute.raised_by) == (
        "open",
        sw.w.sunlei,
        sw.w.other_employee,
    )
    decided = dispute_decide(
        actor=sw.w.hr_admin,
        dispute=dispute,
        decision="市场部先录入且有到访记录,线索归市场部。",
        awarded_to=sw.zhaomin,
    )
    assert decided.status == "decided"
    assert (decided.decided_by, decided.awarded_to) == (sw.w.hr_admin, sw.zhaomin)
    assert decided.decided_at is not None
    lead = Lead.objects.get(pk=zhao_lead.pk)
    assert (lead.source_kind, lead.source_employee) == ("marketing", sw.zhaomin)
    entry = AuditLog.objects.filter(action="sales.dispute.decide").get()
    assert entry.after["awarded_to"] == sw.zhaomin.pk


def test_a_director_may_award_the_lead_to_the_claimant_as_self_sourced(sw, zhao_lead):
    dispute = dispute_raise(actor=sw.w.other_employee, lead=zhao_lead, claim="我先找到的。")
    dispute_decide(
        actor=sw.director,
        dispute=dispute,
        decision="销售有先前的拜访合同记录。",
        awarded_to=sw.w.sunlei,
        source_kind=SourceKind.SELF_SOURCED,
    )
    lead = Lead.objects.get(pk=zhao_lead.pk)
    assert (lead.source_kind, lead.source_employee, lead.owner) == (
        "self_sourced",
        sw.w.sunlei,
        sw.w.sunlei,
    )
    assert LeadDispute.objects.get().awarded_source_kind == "self_sourced"


def test_an_owner_dispute_moves_the_lead_to_the_winner(sw, zhao_lead):
    lead_advance(actor=sw.w.manager, lead=zhao_lead, step=Step.RECEIVED, owner=sw.w.chenjing)
    dispute = dispute_raise(
        actor=sw.w.other_employee, lead=zhao_lead, claim="客户点名要我跟进", kind="owner"
    )
    dispute_decide(
        actor=sw.director, dispute=dispute, decision="客户要求更换跟进人。", awarded_to=sw.w.sunlei
    )
    lead = Lead.objects.get(pk=zhao_lead.pk)
    assert (lead.owner, lead.source_employee) == (sw.w.sunlei, sw.zhaomin)


def test_dispute_raise_refuses_bad_claims(sw, zhao_lead):
    cases = [
        (sw.w.other_employee, dict(claim="  "), "required"),
        (sw.zhaomin_user, dict(claim="是我的"), "dispute_nothing_to_claim"),
        (sw.w.other_employee, dict(claim="x", kind="price"), "bad_choice"),
        (sw.w.hr_admin, dict(claim="x"), None),
    ]
    for actor, kwargs, code in cases:
        if code is None:
            continue
        with pytest.raises(DomainError) as exc:
            dispute_raise(actor=actor, lead=zhao_lead, **kwargs)
        assert exc.value.code == code
    dispute_raise(actor=sw.w.other_employee, lead=zhao_lead, claim="x")
    with pytest.raises(DomainError) as exc:
        dispute_raise(actor=sw.w.employee, lead=zhao_lead, claim="也是我的")
    assert exc.value.code == "dispute_open"
    assert LeadDispute.objects.count() == 1


def test_auditors_and_logins_without_an_employee_cannot_raise_disputes(sw, zhao_lead):
    from tests import factories as f

    for actor in (sw.w.auditor, f.UserFactory(username="robot")):
        with pytest.raises(DomainError) as exc:
            dispute_raise(actor=actor, lead=zhao_lead, claim="x")
        assert exc.value.code == "not_an_employee"


def test_dispute_decide_permissions_and_bad_decisions(sw, zhao_lead):
    dispute = dispute_raise(actor=sw.w.other_employee, lead=zhao_lead, claim="我先找到的。")
    for user in (sw.w.manager, sw.w.employee, sw.w.finance, sw.w.hrbp, sw.w.auditor):
        with pytest.raises(PermissionDeniedError):
            dispute_decide(actor=user, dispute=dispute, decision="x", awarded_to=sw.w.sunlei)
    cases = [
        (dict(decision=" ", awarded_to=sw.w.sunlei), "required"),
        (dict(decision="x", awarded_to=sw.w.chenjing), "invalid"),
        (dict(decision="x", awarded_to=sw.w.sunlei, source_kind="cold"), "bad_choice"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as exc:
            dispute_decide(actor=sw.w.hr_admin, dispute=dispute, **kwargs)
        assert exc.value.code == code
    assert LeadDispute.objects.get().status == "open"
    assert Lead.objects.get(pk=zhao_lead.pk).source_employee == sw.zhaomin
    dispute_decide(actor=sw.w.hr_admin, dispute=dispute, decision="维持", awarded_to=sw.zhaomin)
    with pytest.raises(DomainError) as exc:
        dispute_decide(
            actor=sw.w.hr_admin, dispute=dispute, decision="改判", awarded_to=sw.w.sunlei
        )
    assert exc.value.code == "dispute_decided"


def test_nobody_decides_a_dispute_they_are_party_to(sw):
    lead = lead_register(
        actor=sw.director,
        company_name="远山制造",
        source_kind=SourceKind.SELF_SOURCED,
        platform=sw.w.platform,
    )
    dispute = dispute_raise(actor=sw.w.other_employee, lead=lead, claim="我先拜访的")
    with pytest.raises(DomainError) as exc:
        dispute_decide(actor=sw.director, dispute=dispute, decision="x", awarded_to=sw.qianjin)
    assert exc.value.code == "dispute_party"


def test_disputes_are_listed_to_the_parties_and_the_deciders(sw, zhao_lead):
    dispute = dispute_raise(actor=sw.w.other_employee, lead=zhao_lead, claim="我先找到的。")
    sees = {
        "sunlei": sw.w.other_employee,
        "zhaomin": sw.zhaomin_user,
        "manager": sw.w.manager,
        "director": sw.director,
        "hr_admin": sw.w.hr_admin,
        "auditor": sw.w.auditor,
    }
    for name, user in sees.items():
        assert list(dispute_list(user=user)) == [dispute], name
    for user in (sw.w.employee, sw.w.hrbp.__class__.objects.get(username="liuyang")):
        assert list(dispute_list(user=user)) == []
