"""Platforms, thresholds, customers, leads and deals: the services and their bad inputs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.org.models import Platform
from meritline.sales import normalise
from meritline.sales.models import (
    Customer,
    Deal,
    DealSplit,
    Lead,
    LeadStep,
    PlatformStage,
    QualificationStandard,
    SegmentThreshold,
    SourceKind,
    Step,
)
from meritline.sales.selectors import (
    big_client_threshold_on,
    platform_list_with_stage,
    platform_stage_on,
    segment_of,
)
from meritline.sales.services.common import Outcome
from meritline.sales.services.config import (
    platform_stage_refresh,
    platform_stage_set,
    qualification_standard_set,
    segment_threshold_set,
)
from meritline.sales.services.customers import CustomerRow, customer_bulk_upsert, customer_upsert
from meritline.sales.services.deals import DealRow, deal_bulk_upsert, deal_upsert
from meritline.sales.services.lead_actions import lead_advance, lead_assign, lead_review
from meritline.sales.services.leads import LeadRow, lead_bulk_upsert, lead_register, lead_upsert
from tests.sales.conftest import at


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the catalogue translates them."""
    with translation.override("en"):
        yield


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Customer, Deal, DealSplit, Lead, LeadStep, AuditLog))


# Normalisation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("星河云服（中国）有限公司", "星河云服"),
        (" 星河 云服 ", "星河云服"),
        ("星河云服股份有限公司", "星河云服"),
        ("星河云服有限责任公司", "星河云服"),
        ("ＡＢＣ科技有限公司", "abc科技"),
        ("ACME Co., Ltd.", "acme"),
        ("Cisco", "cisco"),
        ("公司", "公司"),
    ],
)
def test_company_names_normalise_for_matching(raw, expected):
    assert normalise.company_name(raw) == expected


def test_phones_and_emails_normalise_for_matching():
    assert normalise.phone("+86 138-0013-8000") == "13800138000"
    assert normalise.phone("0086 13800138000") == "13800138000"
    assert normalise.phone("021-6222 8888") == "02162228888"
    assert normalise.email(" Zhao@Example.COM ") == "zhao@example.com"


# Platform stages


def test_platform_stage_history_is_kept_and_the_current_stage_cached(sw):
    web = sw.web
    platform_stage_set(actor=sw.w.hr_admin, platform=web, stage="new", valid_from=date(2019, 1, 1))
    platform_stage_set(
        actor=sw.w.hr_admin, platform=web, stage="growing", valid_from=date(2021, 1, 1)
    )
    web.refresh_from_db()
    assert web.stage == "growing"
    assert platform_stage_on(web, date(2020, 6, 1)) == "new"
    assert platform_stage_on(web, date(2022, 6, 1)) == "growing"
    listed = {
        p.code: p.stage_on
        for p in platform_list_with_stage(user=sw.w.employee, on=date(2020, 6, 1))
    }
    assert listed["WEB"] == "new"
    assert listed["GOV"] == "mature"  # no history: its own stage
    assert AuditLog.objects.filter(action="sales.platform.stage_set").count() == 2


def test_platform_stage_refuses_backdating_overlap_launch_and_no_change(sw):
    web = sw.w.platform
    platform_stage_set(
        actor=sw.w.hr_admin, platform=web, stage="growing", valid_from=date(2022, 1, 1)
    )
    before = PlatformStage.objects.count()
    cases = [
        (dict(stage="mature", valid_from=date(2021, 1, 1)), "stage_backdated"),
        (dict(stage="mature", valid_from=date(2022, 1, 1)), "stage_backdated"),
        (dict(stage="growing", valid_from=date(2023, 1, 1)), "stage_unchanged"),
        (dict(stage="ancient", valid_from=date(2023, 1, 1)), "bad_choice"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as exc:
            platform_stage_set(actor=sw.w.hr_admin, platform=web, **kwargs)
        assert exc.value.code == code
    new = Platform.objects.create(code="DY", name="抖音企业号", launched_on=date(2026, 1, 1))
    with pytest.raises(DomainError) as exc:
        platform_stage_set(
            actor=sw.w.hr_admin, platform=new, stage="new", valid_from=date(2025, 12, 1)
        )
    assert exc.value.code == "stage_before_launch"
    assert "2026-01-01" in str(exc.value)
    assert PlatformStage.objects.count() == before


def test_only_hr_admin_changes_platform_stages(sw):
    for user in (sw.w.manager, sw.w.finance, sw.w.employee, sw.director):
        with pytest.raises(PermissionDeniedError):
            platform_stage_set(
                actor=user, platform=sw.web, stage="new", valid_from=date(2019, 1, 1)
            )


def test_future_stage_change_reaches_the_cache_on_its_day(sw):
    today = timezone.localdate()
    platform_stage_set(
        actor=sw.w.hr_admin, platform=sw.web, stage="growing", valid_from=today + timedelta(days=10)
    )
    sw.web.refresh_from_db()
    assert sw.web.stage == "mature"
    assert platform_stage_refresh(on=today + timedelta(days=10)) == 1
    sw.web.refresh_from_db()
    assert sw.web.stage == "growing"
    assert platform_stage_refresh(on=today + timedelta(days=10)) == 0


# Segment threshold


def test_segment_follows_the_threshold_in_force_on_the_signing_date(sw):
    # conftest: 3,000 CNY from 2020, 10,000 CNY from 2025 (PAY-5)
    assert big_client_threshold_on(date(2024, 12, 31)) == 300_000
    assert big_client_threshold_on(date(2025, 1, 1)) == 1_000_000
    assert big_client_threshold_on(date(2019, 1, 1)) == 300_000  # the first one before it
    deal = Deal(amount_fen=500_000, signed_on=date(2024, 6, 1))
    assert segment_of(deal) == "big"
    deal.signed_on = date(2025, 6, 1)
    assert segment_of(deal) == "small"


def test_no_threshold_means_no_segment(db):
    assert big_client_threshold_on(date(2025, 1, 1)) is None
    assert segment_of(Deal(amount_fen=1, signed_on=date(2025, 1, 1))) is None


def test_threshold_refuses_backdating_and_non_positive_amounts(sw):
    before = SegmentThreshold.objects.count()
    for kwargs, code in [
        (dict(valid_from=date(2024, 1, 1), big_client_min_fen=500_000), "threshold_backdated"),
        (dict(valid_from=date(2026, 1, 1), big_client_min_fen=0), "not_positive"),
        (dict(valid_from=date(2026, 1, 1), big_client_min_fen=-5), "not_positive"),
    ]:
        with pytest.raises(DomainError) as exc:
            segment_threshold_set(actor=sw.w.hr_admin, **kwargs)
        assert exc.value.code == code
    assert SegmentThreshold.objects.count() == before
    segment_threshold_set(
        actor=sw.w.hr_admin, valid_from=date(2026, 1, 1), big_client_min_fen=2_000_000
    )
    assert big_client_threshold_on(date(2026, 2, 1)) == 2_000_000


# Customers


def test_customer_upsert_is_idempotent_and_normalises(sw):
    args = dict(
        source="crm",
        external_id="C-9",
        name="蓝海物流（中国）有限公司",
        platform="GOV",
        kind="enterprise",
        region="华东",
        phone="+86 138 0013 8000",
        email="Li@LanHai.cn",
    )
    customer, outcome = customer_upsert(actor=sw.w.hr_admin, **args)
    assert outcome is Outcome.CREATED
    assert customer.name_normalised == "蓝海物流"
    assert customer.phone_normalised == "13800138000"
    assert customer.email_normalised == "li@lanhai.cn"
    assert customer.region == sw.w.east
    audits = AuditLog.objects.count()
    assert customer_upsert(actor=sw.w.hr_admin, **args)[1] is Outcome.UNCHANGED
    assert AuditLog.objects.count() == audits
    changed, outcome = customer_upsert(actor=sw.w.hr_admin, **{**args, "industry": "物流"})
    assert outcome is Outcome.UPDATED and changed.pk == customer.pk
    entry = AuditLog.objects.latest("id")
    assert entry.after["updated"]["crm:C-9"]["industry"] == ["", "物流"]


def test_customer_bad_rows_are_reported_and_nothing_is_written(sw):
    before = counts()
    rows = [
        CustomerRow("crm", "C-10", "好客户", "GOV", row=2),
        CustomerRow("crm", "C-11", "", "GOV", row=3),
        CustomerRow("crm", "C-12", "某公司", "NOPE", row=4),
        CustomerRow("crm", "C-13", "某公司", "GOV", kind="giant", row=5),
        CustomerRow("crm", "C-14", "某公司", "GOV", email="not-an-email", row=6),
        CustomerRow("crm", "C-10", "重复", "GOV", row=7),
        CustomerRow("crm", "C-15", "某公司", "GOV", region="火星", row=8),
    ]
    result = customer_bulk_upsert(actor=sw.w.hr_admin, rows=rows)
    assert not result.written
    assert [(e.row, e.code) for e in result.errors] == [
        (3, "required"),
        (4, "unknown_platform"),
        (5, "bad_choice"),
        (6, "invalid"),
        (7, "duplicate_key"),
        (8, "unknown_region"),
    ]
    assert "row 2" in result.errors[4].message
    assert counts() == before
    kept = customer_bulk_upsert(actor=sw.w.hr_admin, rows=rows, mode="valid_rows")
    assert kept.written and kept.created == 1
    assert Customer.objects.filter(external_id="C-10").exists()


def test_a_dry_run_writes_nothing(sw):
    before = counts()
    result = customer_bulk_upsert(
        actor=sw.w.hr_admin, rows=[CustomerRow("crm", "C-20", "甲公司", "GOV")], dry_run=True
    )
    assert result.created == 1 and not result.written
    assert counts() == before


def test_reps_and_auditors_may_not_write_customers(sw):
    for user in (sw.w.employee, sw.w.auditor, sw.w.hrbp):
        with pytest.raises(PermissionDeniedError):
            customer_upsert(actor=user, external_id="X", name="X", platform="GOV")


# Leads


def test_marketing_registers_a_lead_at_the_first_step(sw):
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流有限公司",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
        contact_phone="138 0013 8000",
        note="展会",
    )
    assert lead.number == f"L{lead.pk:07d}"
    assert lead.source_employee == sw.zhaomin
    assert lead.owner is None
    assert lead.step == Step.ENTERED
    step = lead.steps.get()
    assert (step.step, step.owner, step.note) == ("entered", sw.zhaomin, "展会")
    assert lead.company_name_normalised == "蓝海物流"
    assert AuditLog.objects.filter(action="sales.lead.upsert").exists()


def test_a_self_sourced_lead_belongs_to_whoever_found_it(sw):
    lead = lead_register(
        actor=sw.w.employee,
        company_name="远山制造",
        source_kind=SourceKind.SELF_SOURCED,
        platform=sw.w.platform,
    )
    assert lead.owner == sw.w.chenjing == lead.source_employee


def test_an_employee_may_not_register_leads_for_others(sw):
    with pytest.raises(PermissionDeniedError):
        lead_register(
            actor=sw.w.employee,
            company_name="远山制造",
            source_kind=SourceKind.SELF_SOURCED,
            platform=sw.w.platform,
            owner=sw.w.liuyang,
        )
    with pytest.raises(PermissionDeniedError):
        lead_register(
            actor=sw.w.auditor,
            company_name="远山制造",
            source_kind=SourceKind.MARKETING,
            platform=sw.w.platform,
        )


def test_a_manager_registers_for_the_team(sw):
    lead = lead_register(
        actor=sw.w.manager,
        company_name="远山制造",
        source_kind=SourceKind.SELF_SOURCED,
        platform=sw.w.platform,
        owner=sw.w.sunlei,
    )
    assert lead.owner == sw.w.sunlei


def test_lead_chain_moves_forward_with_times_and_owners(sw):
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
        entered_at=at(date(2025, 3, 1)),
    )
    lead_advance(actor=sw.zhaomin_user, lead=lead, step=Step.VISITED, at=at(date(2025, 3, 2)))
    lead_advance(
        actor=sw.w.manager,
        lead=lead,
        step=Step.RECEIVED,
        at=at(date(2025, 3, 3)),
        owner=sw.w.chenjing,
    )
    lead_advance(actor=sw.w.employee, lead=lead, step=Step.CONTRACT, at=at(date(2025, 3, 9)))
    lead.refresh_from_db()
    assert (lead.step, lead.owner) == (Step.CONTRACT, sw.w.chenjing)
    chain = list(lead.steps.order_by("at").values_list("step", "owner__name"))
    assert chain == [
        ("entered", "赵敏"),
        ("visited", "赵敏"),
        ("received", "陈静"),
        ("contract", "陈静"),
    ]


def test_lead_chain_refuses_bad_moves_and_leaves_the_lead_unchanged(sw):
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
        entered_at=at(date(2025, 3, 1)),
    )
    lead_advance(actor=sw.zhaomin_user, lead=lead, step=Step.VISITED, at=at(date(2025, 3, 5)))
    before = (counts(), Lead.objects.values().get(pk=lead.pk))
    cases = [
        (dict(step=Step.ENTERED), "bad_choice"),
        (dict(step=Step.VISITED), "step_backwards"),
        (dict(step=Step.RECEIVED), "required"),  # nobody received it
        (dict(step=Step.INTENT, at=at(date(2025, 3, 4))), "step_order"),
        (dict(step=Step.INTENT, at=timezone.now() + timedelta(days=3)), "future_date"),
        (dict(step=Step.LOST), "required"),  # no reason
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as exc:
            lead_advance(actor=sw.zhaomin_user, lead=lead, **kwargs)
        assert exc.value.code == code, kwargs
    assert (counts(), Lead.objects.values().get(pk=lead.pk)) == before
    lead_advance(actor=sw.zhaomin_user, lead=lead, step=Step.LOST, lost_reason="预算取消")
    with pytest.raises(DomainError) as exc:
        lead_advance(actor=sw.zhaomin_user, lead=lead, step=Step.INTENT)
    assert exc.value.code == "step_closed"


def test_strangers_may_not_move_a_lead(sw):
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
    )
    with pytest.raises(PermissionDeniedError):
        lead_advance(actor=sw.w.employee, lead=lead, step=Step.VISITED)


def test_a_manager_assigns_leads_to_the_team_only(sw):
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
    )
    lead_assign(actor=sw.w.manager, lead=lead, owner=sw.w.sunlei)
    assert Lead.objects.get(pk=lead.pk).owner == sw.w.sunlei
    with pytest.raises(PermissionDeniedError):
        lead_assign(actor=sw.w.manager, lead=lead, owner=sw.w.liuyang)
    with pytest.raises(PermissionDeniedError):
        lead_assign(actor=sw.w.employee, lead=lead, owner=sw.w.chenjing)


def test_lead_import_upserts_steps_idempotently(sw):
    row = dict(
        source="crm",
        external_id="LD-1",
        company_name="远山制造",
        source_kind="marketing",
        platform="GOV",
        entered_at=at(date(2025, 1, 5)),
        source_employee="XH00009",
        owner="XH00004",
        customer="C-1",
        steps=(("visited", at(date(2025, 1, 6))), ("received", at(date(2025, 1, 7)))),
    )
    lead, outcome = lead_upsert(actor=sw.w.hr_admin, **row)
    assert outcome is Outcome.CREATED
    assert (lead.step, lead.customer, lead.owner) == ("received", sw.customer, sw.w.chenjing)
    assert lead.steps.count() == 3
    assert lead_upsert(actor=sw.w.hr_admin, **row)[1] is Outcome.UNCHANGED
    later = {**row, "steps": (*row["steps"], ("intent", at(date(2025, 1, 9))))}
    lead, outcome = lead_upsert(actor=sw.w.hr_admin, **later)
    assert outcome is Outcome.UPDATED and lead.step == "intent"
    assert lead.steps.count() == 4


def test_lead_import_reports_bad_rows(sw):
    good = dict(
        source="crm",
        company_name="远山制造",
        source_kind="marketing",
        platform="GOV",
        entered_at=at(date(2025, 1, 5)),
        source_employee="XH00009",
    )
    rows = [
        LeadRow(external_id="A", **{**good, "company_name": ""}, row=2),
        LeadRow(external_id="B", **{**good, "source_kind": "cold_call"}, row=3),
        LeadRow(external_id="C", **{**good, "platform": "NOPE"}, row=4),
        LeadRow(external_id="D", **{**good, "source_employee": ""}, row=5),
        LeadRow(external_id="E", **{**good, "owner": "XH99999"}, row=6),
        LeadRow(
            external_id="F", **{**good, "entered_at": timezone.now() + timedelta(days=3)}, row=7
        ),
        LeadRow(external_id="G", **good, steps=(("visited", at(date(2025, 1, 4))),), row=8),
        LeadRow(external_id="H", **good, customer="NOPE", row=9),
    ]
    before = counts()
    result = lead_bulk_upsert(actor=sw.w.hr_admin, rows=rows)
    assert [(e.row, e.code) for e in result.errors] == [
        (2, "required"),
        (3, "bad_choice"),
        (4, "unknown_platform"),
        (5, "source_employee_required"),
        (6, "unknown_owner"),
        (7, "future_date"),
        (8, "step_order"),
        (9, "unknown_customer"),
    ]
    assert counts() == before


def test_lead_review_checks_the_standard_in_force_when_entered(sw):
    qualification_standard_set(
        actor=sw.w.hr_admin,
        valid_from=date(2024, 1, 1),
        name="有效线索",
        criteria=[
            {"kind": "required", "field": "contact"},
            {"kind": "customer_kind", "in": ["enterprise"]},
        ],
    )
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
        entered_at=at(date(2025, 3, 1)),
    )
    with pytest.raises(DomainError) as exc:
        lead_review(actor=sw.w.manager, lead=lead, qualified=True)
    assert exc.value.code == "not_qualified"
    assert "a contact phone or e-mail" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        lead_review(actor=sw.w.manager, lead=lead, qualified=False)
    assert exc.value.code == "note_required"
    reviewed = lead_review(actor=sw.w.manager, lead=lead, qualified=False, note="无联系方式")
    assert reviewed.qualified is False and reviewed.reviewed_by == sw.w.manager
    assert len(reviewed.qualification_failures) == 2
    other = lead_register(
        actor=sw.zhaomin_user,
        company_name="华星科技",
        source_kind=SourceKind.MARKETING,
        platform=sw.w.platform,
        customer=sw.customer,
        contact_email="a@b.cn",
        entered_at=at(date(2025, 3, 1)),
    )
    assert lead_review(actor=sw.w.manager, lead=other, qualified=True).qualified is True


def test_lead_review_is_for_managers_and_never_of_ones_own_lead(sw):
    lead = lead_register(
        actor=sw.w.manager,
        company_name="远山制造",
        source_kind=SourceKind.SELF_SOURCED,
        platform=sw.w.platform,
    )
    with pytest.raises(DomainError) as exc:
        lead_review(actor=sw.w.manager, lead=lead, qualified=True)
    assert exc.value.code == "own_lead_review"
    with pytest.raises(PermissionDeniedError):
        lead_review(actor=sw.w.employee, lead=lead, qualified=True)


def test_qualification_standards_are_checked_and_not_backdated(sw):
    bad = [
        [],
        [{"field": "contact"}],
        [{"kind": "required", "field": "budget"}],
        [{"kind": "customer_kind", "in": ["giant"]}],
        [{"kind": "astrology"}],
    ]
    for criteria in bad:
        with pytest.raises(DomainError) as exc:
            qualification_standard_set(
                actor=sw.w.hr_admin, valid_from=date(2025, 1, 1), name="x", criteria=criteria
            )
        assert exc.value.code == "bad_criteria"
    qualification_standard_set(
        actor=sw.w.hr_admin,
        valid_from=date(2025, 1, 1),
        name="x",
        criteria=[{"kind": "required", "field": "contact_phone"}],
    )
    with pytest.raises(DomainError) as exc:
        qualification_standard_set(
            actor=sw.w.hr_admin,
            valid_from=date(2024, 1, 1),
            name="y",
            criteria=[{"kind": "required", "field": "contact_phone"}],
        )
    assert exc.value.code == "standard_backdated"
    assert QualificationStandard.objects.count() == 1


# Deals


def deal_args(**overrides):
    args = dict(
        source="crm",
        external_id="D-1",
        signed_on=date(2025, 3, 1),
        amount_fen=120_000_000,
        platform="GOV",
        customer="C-1",
        owner="XH00004",
        number="HT-2025-001",
        cost_fen=80_000_000,
        products=["云主机", "数据库"],
    )
    args.update(overrides)
    return args


def test_deal_upsert_creates_updates_and_recognises_unchanged_rows(sw):
    deal, outcome = deal_upsert(actor=sw.w.finance, **deal_args())
    assert outcome is Outcome.CREATED
    assert deal.products == ["云主机", "数据库"]
    assert list(deal.splits.values_list("employee__name", "share")) == [("陈静", Decimal(1))]
    assert deal_upsert(actor=sw.w.finance, **deal_args())[1] is Outcome.UNCHANGED
    deal, outcome = deal_upsert(actor=sw.w.finance, **deal_args(amount_fen=130_000_000))
    assert outcome is Outcome.UPDATED and deal.amount_fen == 130_000_000
    entry = AuditLog.objects.filter(action="sales.deal.upsert").latest("id")
    assert entry.after["updated"]["crm:D-1"]["amount_fen"] == [120_000_000, 130_000_000]
    assert entry.target_id == str(deal.pk)


def test_deal_bad_inputs_each_have_their_message_and_nothing_is_written(sw):
    future = timezone.localdate() + timedelta(days=2)
    cases = [
        (dict(amount_fen=0), "not_positive", "amount_fen"),
        (dict(amount_fen=-500), "not_positive", "amount_fen"),
        (dict(amount_fen=12.5), "invalid", "amount_fen"),
        (dict(cost_fen=-1), "negative_cost", "cost_fen"),
        (dict(signed_on=future), "future_date", "signed_on"),
        (dict(platform="NOPE"), "unknown_platform", "platform"),
        (dict(owner="XH99999"), "unknown_owner", "owner"),
        (dict(customer="NOPE"), "unknown_customer", "customer"),
        (dict(lead="L9999999"), "unknown_lead", "lead"),
        (dict(signed_on=date(2020, 1, 1)), "not_employed", "owner"),
        (dict(external_id=""), "required", "external_id"),
    ]
    before = counts()
    for overrides, code, field in cases:
        with pytest.raises(DomainError) as exc:
            deal_upsert(actor=sw.w.finance, **deal_args(**overrides))
        assert (exc.value.code, exc.value.field) == (code, field), overrides
    assert counts() == before


def test_a_signing_date_of_tomorrow_is_within_tolerance(sw):
    tomorrow = timezone.localdate() + timedelta(days=1)
    deal, _ = deal_upsert(actor=sw.w.finance, **deal_args(signed_on=tomorrow))
    assert deal.signed_on == tomorrow


def test_only_record_writers_upsert_deals(sw):
    for user in (sw.w.employee, sw.w.manager, sw.w.auditor, sw.w.hrbp):
        with pytest.raises(PermissionDeniedError):
            deal_upsert(actor=user, **deal_args())


def test_a_deal_lead_must_belong_to_the_same_customer(sw):
    other = Customer.objects.create(
        source="crm", external_id="C-2", name="别家", name_normalised="别家", platform=sw.w.platform
    )
    lead, _ = lead_upsert(
        actor=sw.w.hr_admin,
        source="crm",
        external_id="LD-1",
        company_name="别家",
        source_kind="marketing",
        platform="GOV",
        entered_at=at(date(2025, 1, 5)),
        source_employee="XH00009",
        customer="C-2",
    )
    with pytest.raises(DomainError) as exc:
        deal_upsert(actor=sw.w.finance, **deal_args(lead=lead.number))
    assert exc.value.code == "customer_mismatch"
    deal, _ = deal_upsert(actor=sw.w.finance, **deal_args(lead=lead.number, customer="C-2"))
    assert deal.lead == lead and deal.customer == other


def test_repurchase_and_first_purchase_are_derived_whatever_the_order(sw):
    deal_upsert(actor=sw.w.finance, **deal_args(external_id="D-2", signed_on=date(2025, 5, 1)))
    sw.customer.refresh_from_db()
    assert sw.customer.first_purchase_on == date(2025, 5, 1)
    assert not Deal.objects.get(external_id="D-2").is_repurchase
    # an earlier deal arrives later: it becomes the first purchase
    deal_upsert(actor=sw.w.finance, **deal_args(external_id="D-1", signed_on=date(2025, 3, 1)))
    flags = dict(Deal.objects.values_list("external_id", "is_repurchase"))
    assert flags == {"D-1": False, "D-2": True}
    sw.customer.refresh_from_db()
    assert sw.customer.first_purchase_on == date(2025, 3, 1)
    # moving the first deal after the second flips both
    deal_upsert(actor=sw.w.finance, **deal_args(external_id="D-1", signed_on=date(2025, 6, 1)))
    flags = dict(Deal.objects.values_list("external_id", "is_repurchase"))
    assert flags == {"D-1": True, "D-2": False}
    sw.customer.refresh_from_db()
    assert sw.customer.first_purchase_on == date(2025, 5, 1)


def test_same_day_deals_are_both_first_purchases(sw):
    rows = [DealRow(**deal_args(external_id=f"D-{i}"), row=i) for i in (1, 2)]
    result = deal_bulk_upsert(actor=sw.w.finance, rows=rows)
    assert result.created == 2
    assert not Deal.objects.filter(is_repurchase=True).exists()


def test_deal_bulk_upsert_counts_and_reimport_changes_nothing(sw):
    rows = [
        DealRow(
            **deal_args(external_id=f"D-{i}", signed_on=date(2025, 1, 1) + timedelta(i)), row=i + 2
        )
        for i in range(30)
    ]
    first = deal_bulk_upsert(actor=sw.w.finance, rows=rows)
    assert (first.created, first.updated, first.unchanged, first.written) == (30, 0, 0, True)
    assert AuditLog.objects.filter(action="sales.deal.upsert").count() == 1
    audit_rows = AuditLog.objects.count()
    again = deal_bulk_upsert(actor=sw.w.finance, rows=rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert AuditLog.objects.count() == audit_rows
    corrected = list(rows)
    corrected[3] = DealRow(**{**rows[3].__dict__, "amount_fen": 1})
    third = deal_bulk_upsert(actor=sw.w.finance, rows=corrected)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 29)
    flags = list(Deal.objects.order_by("signed_on").values_list("is_repurchase", flat=True))
    assert flags == [False] + [True] * 29


def test_small_batches_across_chunks_behave_like_one(sw, monkeypatch):
    from meritline.sales.services import common

    monkeypatch.setattr(common, "BATCH_SIZE", 4)
    rows = [DealRow(**deal_args(external_id=f"D-{i}"), row=i) for i in range(10)]
    result = deal_bulk_upsert(actor=sw.w.finance, rows=rows)
    assert result.created == 10
    assert DealSplit.objects.count() == 10


def test_a_file_with_a_repeated_external_id_is_refused(sw):
    rows = [DealRow(**deal_args(), row=2), DealRow(**deal_args(amount_fen=5), row=3)]
    result = deal_bulk_upsert(actor=sw.w.finance, rows=rows)
    assert [(e.row, e.code) for e in result.errors] == [(3, "duplicate_key")]
    assert not Deal.objects.exists()


def test_a_sales_manager_may_not_change_another_regions_customer(sw):
    from meritline.sales.services.customers import CustomerRow, customer_bulk_upsert
    from meritline.sales.services.deals import deal_upsert

    deal_upsert(
        actor=sw.w.hr_admin,
        external_id="D-S",
        signed_on=date(2026, 3, 1),
        amount_fen=100,
        platform="GOV",
        customer="C-1",
        owner="XH00006",
        source="crm",
    )
    rows = [
        CustomerRow(source="crm", external_id="C-1", name="改名有限公司", platform="GOV", row=1),
        CustomerRow(
            source="crm", external_id="C-NEW", name="新客户有限公司", platform="GOV", row=2
        ),
    ]
    result = customer_bulk_upsert(actor=sw.w.manager, rows=rows, mode="valid_rows")
    assert [(e.row, e.code) for e in result.errors] == [(1, "out_of_scope")]
    assert result.created == 1
    again = customer_bulk_upsert(
        actor=sw.w.manager,
        rows=[
            CustomerRow(
                source="crm", external_id="C-NEW", name="新客户二有限公司", platform="GOV", row=1
            )
        ],
    )
    assert (again.updated, again.errors) == (1, [])
    assert Customer.objects.get(external_id="C-1").name == "华星科技有限公司"
