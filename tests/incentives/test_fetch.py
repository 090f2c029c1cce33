"""Reading a run's deals: one person's rows straight from the cursor equal the bulk path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from polars.testing import assert_frame_equal

from meritline.core.periods import Period
from meritline.incentives.services import fetch
from meritline.sales.services.payments import collection_record, refund_record
from tests.incentives.conftest import sign


def test_a_few_payees_read_the_same_frames_as_the_bulk_path(iw, monkeypatch):
    w = iw.w
    shared = sign(
        iw.sw,
        date(2026, 10, 8),
        1_200_000,
        splits=[("XH00004", Decimal("0.6")), ("XH00005", Decimal("0.4"))],
    )
    sign(iw.sw, date(2026, 10, 9), 300_000)
    sign(iw.sw, date(2026, 9, 30), 500_000)  # before the period
    collection_record(actor=w.finance, deal=shared, received_on=date(2026, 10, 20), amount_fen=1)
    refund_record(actor=w.finance, deal=shared, refunded_on=date(2026, 10, 21), amount_fen=7)
    period = Period.parse("2026-10")
    people = {w.chenjing.pk}
    few = fetch.deal_frames(period, people, signed_only=True)
    monkeypatch.setattr(fetch, "FEW_PAYEES", 0)
    bulk = fetch.deal_frames(period, people, signed_only=True)
    for got, expected in zip(few, bulk, strict=True):
        assert_frame_equal(got, expected)
    deals, credits = few
    assert deals.height == 2 and credits.height == 3
    assert deals.filter(deal_id=shared.pk)[["collected_fen", "refunded_fen"]].row(0) == (1, 7)
