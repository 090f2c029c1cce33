"""Credited splits add up to exactly 100 %; collections and refunds keep within the deal;
money is integer fen throughout."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.sales.frames import explode
from meritline.sales.models import Collection, Customer, Deal, DealSplit, Refund
from meritline.sales.services.common import Outcome
from meritline.sales.services.deals import check_splits, deal_upsert
from meritline.sales.services.payments import (
    CollectionRow,
    RefundRow,
    collection_bulk_upsert,
    collection_record,
    collection_upsert,
    deal_cancel,
    refund_bulk_upsert,
    refund_record,
    refund_upsert,
)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the catalogue translates them."""
    with translation.override("en"):
        yield


def state():
    return (
        list(Deal.objects.order_by("pk").values()),
        list(DealSplit.objects.order_by("pk").values()),
        Collection.objects.count(),
        Refund.objects.count(),
        AuditLog.objects.count(),
    )


@pytest.fixture
def deal(sw):
    made, _ = deal_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="D-1",
        number="HT-001",
        signed_on=date(2025, 3, 1),
        amount_fen=100_000,
        platform="GOV",
        customer="C-1",
        owner="XH00004",
        splits=[("XH00004", Decimal("0.6")), ("XH00005", Decimal("0.4"))],
    )
    return made


def split_deal(sw, splits, **kw):
    return deal_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id=kw.pop("external_id", "D-9"),
        signed_on=date(2025, 3, 1),
        amount_fen=100_000,
        platform="GOV",
        customer="C-1",
        owner="XH00004",
        splits=splits,
        **kw,
    )


# Splits


def test_shares_that_do_not_add_up_are_refused_with_the_actual_sum(sw):
    before = state()
    with pytest.raises(DomainError) as exc:
        split_deal(sw, [("XH00004", Decimal("0.6")), ("XH00005", Decimal("0.3"))])
    assert (exc.value.code, exc.value.field) == ("shares_not_100", "splits")
    assert "90.00 %" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        split_deal(sw, [("XH00004", Decimal("0.6")), ("XH00005", Decimal("0.5"))])
    assert "110.00 %" in str(exc.value)
    assert state() == before


@pytest.mark.parametrize(
    ("splits", "code"),
    [
        ([("XH00004", Decimal("0.5")), ("XH00004", Decimal("0.5"))], "duplicate_split"),
        ([("XH00004", Decimal("1.5")), ("XH00005", Decimal("-0.5"))], "bad_share"),
        ([("XH00004", Decimal("0")), ("XH00005", Decimal("1"))], "bad_share"),
        ([("XH00004", Decimal("0.33333")), ("XH00005", Decimal("0.66667"))], "bad_share"),
        ([("XH00004", "abc")], "bad_share"),
        ([("XH99999", Decimal("1"))], "unknown_employee"),
    ],
)
def test_bad_shares_are_refused(sw, splits, code):
    before = state()
    with pytest.raises(DomainError) as exc:
        split_deal(sw, splits)
    assert exc.value.code == code
    assert state() == before


def test_three_way_splits_in_thirds_must_still_be_exact(sw):
    thirds = [
        ("XH00004", Decimal("0.3333")),
        ("XH00005", Decimal("0.3333")),
        ("XH00003", Decimal("0.3334")),
    ]
    deal, _ = split_deal(sw, thirds)
    assert sorted(deal.splits.values_list("share", flat=True)) == [
        Decimal("0.3333"),
        Decimal("0.3333"),
        Decimal("0.3334"),
    ]


def test_changing_the_splits_updates_the_deal(sw, deal):
    updated, outcome = split_deal(
        sw, [("XH00004", Decimal("1"))], external_id="D-1", number="HT-001"
    )
    assert outcome is Outcome.UPDATED
    assert list(updated.splits.values_list("employee__name", "share")) == [("陈静", Decimal(1))]
    entry = AuditLog.objects.filter(action="sales.deal.upsert").latest("id")
    assert "splits" in entry.after["updated"]["crm:D-1"]


def test_check_splits_is_plain():
    assert check_splits([(1, Decimal("0.25")), (2, Decimal("0.75"))]) == []
    assert check_splits([(1, Decimal("0.25"))])[0][0] == "shares_not_100"


shares_strategy = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6)


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=5),
    weights=shares_strategy,
)
def test_credited_amounts_always_add_up_to_the_deal(amounts, weights):
    total = sum(weights)
    # shares with four decimals adding up to exactly 1: the last one takes the rest
    shares = [Decimal(w) / total for w in weights]
    shares = [s.quantize(Decimal("0.0001")) for s in shares[:-1]]
    shares.append(Decimal(1) - sum(shares, Decimal(0)))
    if shares[-1] <= 0:
        return
    keys, rows, row_shares = [], [], []
    for deal_id, amount in enumerate(amounts):
        for share in shares:
            keys.append(deal_id)
            rows.append(amount)
            row_shares.append(share)
    (credited,) = explode(keys, [rows], row_shares)
    for deal_id, amount in enumerate(amounts):
        parts = [c for k, c in zip(keys, credited, strict=True) if k == deal_id]
        assert sum(parts) == amount
        for part, share in zip(parts, shares, strict=True):
            assert abs(part - amount * share) < 1


# Collections


def test_partial_collections_accumulate_on_the_deal(sw, deal):
    collection_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="P-1",
        deal="D-1",
        received_on=date(2025, 3, 5),
        amount_fen=30_000,
    )
    collection_record(
        actor=sw.w.finance, deal=deal, received_on=date(2025, 4, 5), amount_fen=70_000
    )
    deal.refresh_from_db()
    assert deal.collected_fen == 100_000


def test_collections_beyond_the_deal_are_refused(sw, deal):
    collection_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="P-1",
        deal="D-1",
        received_on=date(2025, 3, 5),
        amount_fen=60_000,
    )
    before = state()
    with pytest.raises(DomainError) as exc:
        collection_upsert(
            actor=sw.w.finance,
            source="crm",
            external_id="P-2",
            deal="D-1",
            received_on=date(2025, 3, 6),
            amount_fen=50_000,
        )
    assert (exc.value.code, exc.value.field) == ("collection_too_large", "amount_fen")
    assert "¥1,100.00" in str(exc.value) and "¥1,000.00" in str(exc.value)
    assert state() == before


def test_collections_in_one_batch_count_together(sw, deal):
    rows = [
        CollectionRow("crm", "P-1", "D-1", date(2025, 3, 5), 60_000, row=2),
        CollectionRow("crm", "P-2", "D-1", date(2025, 3, 6), 50_000, row=3),
    ]
    before = state()
    result = collection_bulk_upsert(actor=sw.w.finance, rows=rows)
    assert [(e.row, e.code) for e in result.errors] == [(3, "collection_too_large")]
    assert state() == before


def test_a_corrected_collection_replaces_its_old_amount(sw, deal):
    collection_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="P-1",
        deal="D-1",
        received_on=date(2025, 3, 5),
        amount_fen=90_000,
    )
    line, outcome = collection_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="P-1",
        deal="D-1",
        received_on=date(2025, 3, 5),
        amount_fen=100_000,
    )
    assert outcome is Outcome.UPDATED and line.amount_fen == 100_000
    deal.refresh_from_db()
    assert deal.collected_fen == 100_000
    again = collection_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="P-1",
        deal="D-1",
        received_on=date(2025, 3, 5),
        amount_fen=100_000,
    )
    assert again[1] is Outcome.UNCHANGED


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        (dict(deal="NOPE"), "unknown_deal", "deal"),
        (dict(amount_fen=0), "not_positive", "amount_fen"),
        (dict(amount_fen=-100), "not_positive", "amount_fen"),
        (dict(amount_fen="100"), "invalid", "amount_fen"),
        (dict(received_on=timezone.localdate() + timedelta(days=2)), "future_date", "received_on"),
    ],
)
def test_bad_collections_are_refused(sw, deal, kwargs, code, field):
    args = dict(
        source="crm", external_id="P-1", deal="D-1", received_on=date(2025, 3, 5), amount_fen=1_000
    )
    before = state()
    with pytest.raises(DomainError) as exc:
        collection_upsert(actor=sw.w.finance, **{**args, **kwargs})
    assert (exc.value.code, exc.value.field) == (code, field)
    assert state() == before


def test_a_collection_cannot_move_to_another_deal(sw, deal):
    split_deal(sw, [], external_id="D-2")
    collection_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="P-1",
        deal="D-1",
        received_on=date(2025, 3, 5),
        amount_fen=1_000,
    )
    with pytest.raises(DomainError) as exc:
        collection_upsert(
            actor=sw.w.finance,
            source="crm",
            external_id="P-1",
            deal="D-2",
            received_on=date(2025, 3, 5),
            amount_fen=1_000,
        )
    assert exc.value.code == "line_moved"


def test_only_record_writers_record_money(sw, deal):
    for user in (sw.w.employee, sw.w.manager, sw.w.auditor):
        with pytest.raises(PermissionDeniedError):
            collection_record(actor=user, deal=deal, received_on=date(2025, 3, 5), amount_fen=1)
        with pytest.raises(PermissionDeniedError):
            refund_record(actor=user, deal=deal, refunded_on=date(2025, 3, 5), amount_fen=1)


# Refunds and cancellations


def test_a_refund_larger_than_what_remains_is_refused(sw, deal):
    refund_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="R-1",
        deal="D-1",
        refunded_on=date(2025, 3, 10),
        amount_fen=70_000,
    )
    before = state()
    with pytest.raises(DomainError) as exc:
        refund_upsert(
            actor=sw.w.finance,
            source="crm",
            external_id="R-2",
            deal="D-1",
            refunded_on=date(2025, 3, 11),
            amount_fen=40_000,
        )
    assert (exc.value.code, exc.value.field) == ("refund_too_large", "amount_fen")
    assert str(exc.value) == (
        "The refund of ¥400.00 is larger than what remains of deal HT-001 (¥300.00)."
    )
    assert state() == before


def test_refunds_reduce_the_net_amount_and_cap_later_collections(sw, deal):
    refund_record(
        actor=sw.w.finance,
        deal=deal,
        refunded_on=date(2025, 3, 10),
        amount_fen=40_000,
        reason="部分退货",
    )
    deal.refresh_from_db()
    assert (deal.refunded_fen, deal.net_fen, deal.status) == (40_000, 60_000, "active")
    with pytest.raises(DomainError) as exc:
        collection_record(
            actor=sw.w.finance, deal=deal, received_on=date(2025, 3, 12), amount_fen=60_001
        )
    assert exc.value.code == "collection_too_large"


def test_refunding_everything_cancels_the_deal(sw, deal):
    refund_record(actor=sw.w.finance, deal=deal, refunded_on=date(2025, 3, 10), amount_fen=40_000)
    refund_record(actor=sw.w.finance, deal=deal, refunded_on=date(2025, 3, 20), amount_fen=60_000)
    deal.refresh_from_db()
    assert (deal.status, deal.cancelled_on) == ("cancelled", date(2025, 3, 20))


def test_a_cancellation_refunds_the_rest_and_closes_the_deal(sw, deal):
    refund_record(actor=sw.w.finance, deal=deal, refunded_on=date(2025, 3, 10), amount_fen=10_000)
    line = deal_cancel(
        actor=sw.w.finance, deal=deal, cancelled_on=date(2025, 3, 15), reason="客户解约"
    )
    assert (line.kind, line.amount_fen) == ("cancellation", 90_000)
    deal.refresh_from_db()
    assert (deal.status, deal.cancelled_on, deal.refunded_fen) == (
        "cancelled",
        date(2025, 3, 15),
        100_000,
    )
    before = state()
    for call in (
        lambda: collection_record(
            actor=sw.w.finance, deal=deal, received_on=date(2025, 3, 16), amount_fen=1
        ),
        lambda: refund_record(
            actor=sw.w.finance, deal=deal, refunded_on=date(2025, 3, 16), amount_fen=1
        ),
        lambda: split_deal(sw, [], external_id="D-1", number="HT-001", cost_fen=5),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "deal_cancelled"
    assert state() == before


def test_a_partial_cancellation_is_refused(sw, deal):
    with pytest.raises(DomainError) as exc:
        refund_upsert(
            actor=sw.w.finance,
            source="crm",
            external_id="R-1",
            deal="D-1",
            refunded_on=date(2025, 3, 10),
            amount_fen=5_000,
            cancel=True,
        )
    assert exc.value.code == "cancellation_not_full"


def test_refund_rows_are_checked_together(sw, deal):
    rows = [
        RefundRow("crm", "R-1", "D-1", date(2025, 3, 10), 60_000, row=2),
        RefundRow("crm", "R-2", "D-1", date(2025, 3, 11), 60_000, row=3),
        RefundRow("crm", "R-3", "NOPE", date(2025, 3, 11), 1, row=4),
        RefundRow("crm", "R-4", "D-1", date(2025, 3, 11), None, row=5),
    ]
    before = state()
    result = refund_bulk_upsert(actor=sw.w.finance, rows=rows)
    assert [(e.row, e.code) for e in result.errors] == [
        (3, "refund_too_large"),
        (4, "unknown_deal"),
        (5, "required"),
    ]
    assert state() == before


def test_a_deal_cannot_shrink_below_what_was_paid(sw, deal):
    collection_record(
        actor=sw.w.finance, deal=deal, received_on=date(2025, 3, 5), amount_fen=80_000
    )
    with pytest.raises(DomainError) as exc:
        deal_upsert(
            actor=sw.w.finance,
            source="crm",
            external_id="D-1",
            number="HT-001",
            signed_on=date(2025, 3, 1),
            amount_fen=70_000,
            platform="GOV",
            customer="C-1",
            owner="XH00004",
            splits=[("XH00004", Decimal("0.6")), ("XH00005", Decimal("0.4"))],
        )
    assert exc.value.code == "amount_below_paid"
    assert "¥800.00" in str(exc.value)


def test_a_cancelled_first_deal_no_longer_counts_as_the_first_purchase(sw, deal):
    deal_upsert(
        actor=sw.w.finance,
        source="crm",
        external_id="D-2",
        signed_on=date(2025, 6, 1),
        amount_fen=100_000,
        platform="GOV",
        customer="C-1",
        owner="XH00004",
        number="",
    )
    assert Deal.objects.get(external_id="D-2").is_repurchase
    deal_cancel(actor=sw.w.finance, deal=deal, cancelled_on=date(2025, 3, 2), reason="退单")
    assert not Deal.objects.get(external_id="D-2").is_repurchase
    assert Customer.objects.get(pk=sw.customer.pk).first_purchase_on == date(2025, 6, 1)
