"""Sales records as the metrics engine's frames: schemas, splits, scope, one query each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from meritline.metrics import compute, validate_frame
from meritline.sales import frames
from meritline.sales.models import SourceKind, Step
from meritline.sales.services.deals import deal_upsert
from meritline.sales.services.lead_actions import lead_advance
from meritline.sales.services.leads import lead_register
from meritline.sales.services.payments import collection_record, deal_cancel, refund_record
from tests.sales.conftest import at


@pytest.fixture
def book(sw):
    w = sw.w
    split, _ = deal_upsert(
        actor=w.finance,
        source="crm",
        external_id="D-1",
        signed_on=date(2025, 3, 1),
        amount_fen=100_001,
        cost_fen=50_001,
        platform="GOV",
        customer="C-1",
        owner="XH00004",
        splits=[("XH00004", Decimal("0.5")), ("XH00005", Decimal("0.5"))],
    )
    solo, _ = deal_upsert(
        actor=w.finance,
        source="crm",
        external_id="D-2",
        signed_on=date(2025, 4, 1),
        amount_fen=2_000_000,
        platform="GOV",
        customer="C-1",
        owner="XH00006",
    )
    cancelled, _ = deal_upsert(
        actor=w.finance,
        source="crm",
        external_id="D-3",
        signed_on=date(2025, 4, 2),
        amount_fen=30_000,
        platform="GOV",
        customer="C-1",
        owner="XH00005",
    )
    collection_record(actor=w.finance, deal=split, received_on=date(2025, 3, 9), amount_fen=33_333)
    refund_record(actor=w.finance, deal=split, refunded_on=date(2025, 3, 20), amount_fen=1_001)
    deal_cancel(actor=w.finance, deal=cancelled, cancelled_on=date(2025, 4, 3), reason="退单")
    lead = lead_register(
        actor=sw.zhaomin_user,
        company_name="蓝海物流",
        source_kind=SourceKind.MARKETING,
        platform=w.platform,
        entered_at=at(date(2025, 3, 1), 23),
    )
    lead_advance(actor=sw.zhaomin_user, lead=lead, step=Step.VISITED, at=at(date(2025, 3, 4)))
    lead_advance(
        actor=w.manager, lead=lead, step=Step.RECEIVED, at=at(date(2025, 3, 5)), owner=w.chenjing
    )
    lead_advance(actor=w.employee, lead=lead, step=Step.CONTRACT, at=at(date(2025, 3, 20)))
    waiting = lead_register(
        actor=sw.zhaomin_user,
        company_name="白云电子",
        source_kind=SourceKind.MARKETING,
        platform=w.platform,
        entered_at=at(date(2025, 3, 2)),
    )
    return sw, {"split": split, "solo": solo, "cancelled": cancelled}, lead, waiting


def test_deals_come_one_row_per_credited_person_adding_up_exactly(book):
    sw, deals, _lead, _waiting = book
    frame = frames.deals_frame(user=sw.w.finance)
    validate_frame("deals", frame)
    split = frame.filter(pl.col("deal_id") == deals["split"].pk).sort("employee_id")
    assert split["employee_id"].to_list() == [sw.w.chenjing.pk, sw.w.sunlei.pk]
    assert split["amount_fen"].to_list() == [50_001, 50_000]  # the odd fen to the first
    assert split["amount_fen"].sum() == 100_001
    assert split["cost_fen"].sum() == 50_001
    assert split["deal_amount_fen"].to_list() == [100_001, 100_001]
    rows = {r["deal_id"]: r for r in frame.to_dicts()}
    assert rows[deals["solo"].pk]["is_repurchase"] is True
    assert rows[deals["cancelled"].pk]["is_cancelled"] is True
    assert frame.height == 4


def test_collections_and_refunds_are_split_like_their_deal(book):
    sw, deals, _lead, _waiting = book
    collections = frames.collections_frame(user=sw.w.finance)
    validate_frame("collections", collections)
    assert sorted(collections["amount_fen"].to_list()) == [16_666, 16_667]
    refunds = frames.refunds_frame(user=sw.w.finance)
    by_deal = refunds.group_by("deal_id").agg(pl.col("amount_fen").sum())
    assert dict(by_deal.iter_rows()) == {deals["split"].pk: 1_001, deals["cancelled"].pk: 30_000}
    assert refunds["refunded_on"].dtype == pl.Date


def test_leads_carry_their_dates_in_local_time(book):
    sw, _deals, lead, waiting = book
    frame = frames.leads_frame(user=sw.w.hr_admin)
    validate_frame("leads", frame)
    rows = {r["lead_id"]: r for r in frame.to_dicts()}
    won = rows[lead.pk]
    assert won["created_on"] == date(2025, 3, 1)  # 23:00 in Shanghai, not the UTC date
    assert won["first_follow_up_on"] == date(2025, 3, 4)
    assert won["won_on"] == date(2025, 3, 20)
    assert (won["employee_id"], won["source_employee_id"]) == (sw.w.chenjing.pk, sw.zhaomin.pk)
    open_lead = rows[waiting.pk]
    assert open_lead["employee_id"] == sw.zhaomin.pk  # nobody owns it yet
    assert open_lead["won_on"] is None and open_lead["first_follow_up_on"] is None


def test_customers_frame(book):
    sw, _deals, _lead, _waiting = book
    frame = frames.customers_frame(user=sw.w.finance)
    validate_frame("customers", frame)
    assert frame.to_dicts() == [
        {
            "customer_id": sw.customer.pk,
            "is_enterprise": True,
            "platform_id": sw.w.platform.pk,
            "first_purchase_on": date(2025, 3, 1),
        }
    ]


def test_frames_are_scoped_like_the_selectors(book):
    sw, deals, lead, _waiting = book
    mine = frames.deals_frame(user=sw.w.employee)  # 陈静: credited on the split deal
    assert set(mine["deal_id"].to_list()) == {deals["split"].pk}
    assert mine.height == 2  # both credited rows of the deal she sees
    liuyang = sw.w.hrbp.__class__.objects.get(username="liuyang")
    assert set(frames.deals_frame(user=liuyang)["deal_id"].to_list()) == {deals["solo"].pk}
    assert frames.collections_frame(user=liuyang).height == 0
    assert set(frames.leads_frame(user=sw.w.employee)["lead_id"].to_list()) == {lead.pk}
    everything = frames.frames_unscoped()
    assert everything.deals is not None and everything.deals.height == 4
    assert frames.frames_for(user=sw.w.auditor).deals.height == 4


@pytest.mark.usefixtures("book")
def test_one_query_per_frame(django_assert_max_num_queries):
    for loader in (
        frames.deals_frame_unscoped,
        frames.collections_frame_unscoped,
        frames.refunds_frame_unscoped,
        frames.leads_frame_unscoped,
        frames.customers_frame_unscoped,
    ):
        with django_assert_max_num_queries(1):
            loader()


def test_empty_frames_have_the_schema(db):
    for name, frame in frames.frames_unscoped().__dict__.items():
        assert frame.height == 0
        validate_frame(name, frame)


def test_the_segment_comes_from_the_thresholds(sw):
    segment = frames.segment()
    assert segment is not None
    assert segment.threshold_on(date(2024, 6, 1)) == 300_000
    assert segment.threshold_on(date(2025, 6, 1)) == 1_000_000


def test_the_engine_computes_from_the_frames(book):
    sw, *_ = book
    result = compute(
        ["sales_amount", "deal_count"],
        frames.frames_unscoped(["deals", "refunds"]),
        [(date(2025, 1, 1), date(2025, 12, 31))],
        groups=[sw.w.chenjing.pk, sw.w.liuyang.pk],
    )
    amounts = dict(
        zip(result["employee_id"].to_list(), result["sales_amount"].to_list(), strict=True)
    )
    assert amounts[sw.w.liuyang.pk] == 2_000_000
    assert amounts[sw.w.chenjing.pk] == 50_001 - 501  # net of her share of the refund


def test_frames_since_a_date_give_the_same_platform_figures(sw):
    """Loading from a date on (with older deals refunded or collected since) changes no
    figure of the windows after that date."""
    from datetime import date

    from meritline.metrics import compute, monthly_windows
    from meritline.sales.frames import frames_for
    from meritline.sales.services.deals import deal_upsert
    from meritline.sales.services.payments import collection_upsert, refund_upsert

    actor = sw.w.hr_admin
    for ext, day, amount in (
        ("D-OLD", date(2025, 6, 3), 900_000),
        ("D-NEW", date(2025, 9, 2), 500_000),
    ):
        deal_upsert(
            actor=actor,
            external_id=ext,
            signed_on=day,
            amount_fen=amount,
            platform="GOV",
            customer="C-1",
            owner="XH00004",
            source="crm",
            customer_source="crm",
        )
    refund_upsert(
        actor=actor,
        external_id="R-1",
        deal="D-OLD",
        refunded_on=date(2025, 9, 9),
        amount_fen=100_000,
        source="crm",
    )
    collection_upsert(
        actor=actor,
        external_id="P-1",
        deal="D-OLD",
        received_on=date(2025, 9, 10),
        amount_fen=300_000,
        source="crm",
    )
    windows = monthly_windows("2025-09", 1)
    names = ("deals", "collections", "refunds")
    metrics = ["sales_amount", "collection_amount", "collection_rate"]
    everything = compute(metrics, frames_for(user=actor, names=names), windows)
    recent = compute(metrics, frames_for(user=actor, names=names, since=date(2025, 9, 1)), windows)
    assert everything.to_dicts() == recent.to_dicts()
    assert everything.row(0, named=True)["sales_amount"] == 400_000


PERSON_METRICS = [
    "sales_amount",
    "deal_count",
    "collection_amount",
    "collection_rate",
    "new_customers",
    "enterprise_clients",
    "repurchase_rate",
    "conversion_rate",
    "average_follow_up_days",
]


@pytest.mark.parametrize("literal_ids", [10_000, 0], ids=["id list", "subquery"])
@pytest.mark.parametrize("since", [None, date(2025, 3, 10)])
def test_one_persons_frames_give_the_figures_of_the_whole_scope(
    book, since, literal_ids, monkeypatch
):
    """The rep dashboard reads one person's records only; the metrics grouped by that
    person are those over everything the viewer sees (deal ids passed as a list, or as a
    subquery for people with very many deals)."""
    monkeypatch.setattr(frames, "_LITERAL_IDS", literal_ids)
    sw, *_ = book
    windows = [(date(2025, 3, 1), date(2025, 4, 30))]
    for person in (sw.w.chenjing, sw.w.liuyang):
        whole = compute(
            PERSON_METRICS,
            frames.frames_for(user=sw.w.auditor, since=since),
            windows,
            groups=[person.pk],
            segment=frames.segment(),
        )
        own = compute(
            PERSON_METRICS,
            frames.person_frames(user=sw.w.auditor, employee_id=person.pk, since=since),
            windows,
            groups=[person.pk],
            segment=frames.segment(),
        )
        assert own.to_dicts() == whole.to_dicts()
    # shares are split with every credited row of the deal, as in the scoped frames
    split = frames.person_frames(user=sw.w.auditor, employee_id=sw.w.chenjing.pk).deals
    assert split is not None and split["amount_fen"].sum() == 100_001


def test_one_persons_frames_are_empty_for_a_viewer_who_may_not_see_them(book):
    sw, *_ = book
    liuyang = sw.w.hrbp.__class__.objects.get(username="liuyang")
    hidden = frames.person_frames(user=liuyang, employee_id=sw.w.chenjing.pk)
    assert all(frame.height == 0 for frame in hidden.__dict__.values())
    mine = frames.person_frames(user=sw.w.employee, employee_id=sw.w.chenjing.pk)
    assert mine.deals is not None and mine.deals.height == 2
    assert mine.leads is not None and mine.leads.height == 1
