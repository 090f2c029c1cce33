"""Each metric, table-driven: boundaries, refunds, cancellations, splits, zero denominators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from meritline.metrics import Segment, compute
from tests.metrics.helpers import to_frames

FEB = (date(2024, 2, 1), date(2024, 2, 29))  # a leap February
JAN = (date(2024, 1, 1), date(2024, 1, 31))
OLD, NEW = 300_000, 1_000_000  # 3,000 CNY, then 10,000 CNY from 2024-02-15 (PAY-5)
SEGMENT = Segment(((date(2020, 1, 1), OLD), (date(2024, 2, 15), NEW)))
ALICE, BOB, CAROL = 1, 2, 3
TEAM = {ALICE: 10, BOB: 10, CAROL: 20}


def deal(
    deal_id: int,
    on: date,
    amount: int = 10_000,
    *,
    who: int = ALICE,
    cost: int = 0,
    whole: int | None = None,
    customer: int = 1,
    repurchase: bool = False,
    cancelled: bool = False,
) -> dict[str, Any]:
    return {
        "deal_id": deal_id,
        "employee_id": who,
        "team_id": TEAM[who],
        "customer_id": customer,
        "platform_id": 1,
        "signed_on": on,
        "amount_fen": amount,
        "cost_fen": cost,
        "deal_amount_fen": amount if whole is None else whole,
        "is_repurchase": repurchase,
        "is_cancelled": cancelled,
    }


def paid(deal_id: int, on: date, amount: int, who: int = ALICE) -> dict[str, Any]:
    return {"deal_id": deal_id, "employee_id": who, "received_on": on, "amount_fen": amount}


def refund(deal_id: int, on: date, amount: int, who: int = ALICE) -> dict[str, Any]:
    return {"deal_id": deal_id, "employee_id": who, "refunded_on": on, "amount_fen": amount}


def customer(customer_id: int, first: date | None, *, enterprise: bool = False) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "is_enterprise": enterprise,
        "platform_id": 1,
        "first_purchase_on": first,
    }


def lead(
    lead_id: int,
    created: date,
    *,
    won: date | None = None,
    followed: date | None = None,
    who: int = ALICE,
    source: int | None = None,
) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "employee_id": who,
        "team_id": TEAM[who],
        "source_employee_id": source,
        "platform_id": 1,
        "created_on": created,
        "first_follow_up_on": followed,
        "won_on": won,
    }


def one(
    metric: str,
    window: tuple[date, date] = FEB,
    by: str = "employee_id",
    group: int = ALICE,
    **rows: list[dict[str, Any]],
) -> Any:
    """The metric for one group and window; a ratio as (num, den, value)."""
    data: dict[str, list[dict[str, Any]]] = {
        "deals": [],
        "collections": [],
        "refunds": [],
        "customers": [],
        "leads": [],
        **rows,
    }
    customers = {c["customer_id"] for c in data["customers"]}
    data["customers"] += [
        customer(d["customer_id"], None) for d in data["deals"] if d["customer_id"] not in customers
    ]
    data["customers"] = list({c["customer_id"]: c for c in data["customers"]}.values())
    result = compute([metric], to_frames(data), [window], by, segment=SEGMENT, groups=[group])
    row = result.row(0, named=True)
    if f"{metric}__num" in row:
        return row[f"{metric}__num"], row[f"{metric}__den"], row[metric]
    return row[metric]


# ---- sales_amount ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("deals", "refunds", "expected"),
    [
        pytest.param([deal(1, date(2024, 2, 1))], [], 10_000, id="first-day-of-window-counts"),
        pytest.param([deal(1, date(2024, 2, 29))], [], 10_000, id="leap-day-last-day-counts"),
        pytest.param(
            [deal(1, date(2024, 1, 31)), deal(2, date(2024, 3, 1))],
            [],
            0,
            id="days-either-side-do-not-count",
        ),
        pytest.param([deal(1, date(2024, 2, 5), cancelled=True)], [], 0, id="cancelled-deal"),
        pytest.param(
            [deal(1, date(2024, 2, 5), cancelled=True)],
            [refund(1, date(2024, 2, 6), 4_000)],
            0,
            id="refund-of-cancelled-deal-ignored",
        ),
        pytest.param(
            [deal(1, date(2024, 1, 5)), deal(2, date(2024, 2, 5), 3_000)],
            [refund(1, date(2024, 2, 10), 10_000)],
            -7_000,
            id="refund-bigger-than-window-sales-gives-negative",
        ),
        pytest.param(
            [deal(1, date(2024, 2, 5))],
            [refund(1, date(2024, 3, 1), 10_000)],
            10_000,
            id="refund-after-window-counts-in-its-own-window",
        ),
        pytest.param([], [], 0, id="nothing"),
    ],
)
def test_sales_amount(deals: list[Any], refunds: list[Any], expected: int) -> None:
    assert one("sales_amount", deals=deals, refunds=refunds) == expected


def test_split_deal_credits_each_person_their_share() -> None:
    rows = [
        deal(1, date(2024, 2, 5), 6_667, whole=10_000),
        deal(1, date(2024, 2, 5), 3_333, who=BOB, whole=10_000),
    ]
    assert one("sales_amount", deals=rows) == 6_667
    assert one("sales_amount", deals=rows, group=BOB) == 3_333
    assert one("sales_amount", deals=rows, by="team_id", group=10) == 10_000


# ---- deal_count -----------------------------------------------------------------


def test_deal_count_counts_a_split_deal_once_per_person_and_once_per_team() -> None:
    rows = [
        deal(1, date(2024, 2, 5), who=ALICE),
        deal(1, date(2024, 2, 5), who=BOB),
        deal(2, date(2024, 2, 6), who=BOB),
        deal(3, date(2024, 2, 7), cancelled=True),
    ]
    assert one("deal_count", deals=rows) == 1
    assert one("deal_count", deals=rows, group=BOB) == 2
    assert one("deal_count", deals=rows, by="team_id", group=10) == 2


def test_a_refund_does_not_change_the_deal_count() -> None:
    rows = [deal(1, date(2024, 2, 5))]
    assert one("deal_count", deals=rows, refunds=[refund(1, date(2024, 2, 6), 10_000)]) == 1


# ---- collections ----------------------------------------------------------------


def test_collection_amount_counts_receipts_in_the_window_whenever_signed() -> None:
    deals = [deal(1, date(2023, 12, 20)), deal(2, date(2024, 2, 1), cancelled=True)]
    collections = [
        paid(1, date(2024, 2, 29), 2_500),
        paid(1, date(2024, 3, 1), 100),
        paid(2, date(2024, 2, 2), 10_000),
    ]
    assert one("collection_amount", deals=deals, collections=collections) == 2_500


@pytest.mark.parametrize(
    ("collections", "refunds", "expected"),
    [
        pytest.param(
            [paid(1, date(2024, 2, 20), 5_000)],
            [],
            (5_000, 10_000, Decimal("0.5000")),
            id="half-collected",
        ),
        pytest.param(
            [paid(1, date(2024, 3, 1), 5_000)],
            [],
            (0, 10_000, Decimal("0.0000")),
            id="collected-after-window-end-does-not-count",
        ),
        pytest.param(
            [paid(1, date(2024, 1, 30), 10_000)],
            [],
            (10_000, 10_000, Decimal("1.0000")),
            id="prepayment-before-signing-counts",
        ),
        pytest.param(
            [paid(1, date(2024, 2, 20), 10_000)],
            [refund(1, date(2024, 2, 25), 3_000)],
            (7_000, 7_000, Decimal("1.0000")),
            id="refund-reduces-both-sides",
        ),
        pytest.param(
            [paid(1, date(2024, 2, 20), 10_000)],
            [refund(1, date(2024, 2, 25), 10_000)],
            (0, 0, None),
            id="fully-refunded-gives-no-rate",
        ),
    ],
)
def test_collection_rate(collections: list[Any], refunds: list[Any], expected: Any) -> None:
    deals = [deal(1, date(2024, 2, 10)), deal(9, date(2024, 1, 10))]
    older = [paid(9, date(2024, 2, 10), 99_999)]  # a deal signed before the window: not counted
    got = one("collection_rate", deals=deals, collections=collections + older, refunds=refunds)
    assert got == expected


def test_collection_rate_is_null_without_deals() -> None:
    assert one("collection_rate") == (0, 0, None)


# ---- leads ----------------------------------------------------------------------


def test_conversion_rate_counts_leads_won_by_the_window_end() -> None:
    leads = [
        lead(1, date(2024, 2, 1), won=date(2024, 2, 29)),
        lead(2, date(2024, 2, 10), won=date(2024, 3, 1)),
        lead(3, date(2024, 2, 20)),
        lead(4, date(2024, 1, 31), won=date(2024, 2, 2)),
    ]
    assert one("conversion_rate", leads=leads) == (1, 3, Decimal("0.3333"))


def test_conversion_rate_is_null_without_leads() -> None:
    assert one("conversion_rate") == (0, 0, None)


def test_conversion_rate_by_lead_source_measures_marketing() -> None:
    leads = [
        lead(1, date(2024, 2, 1), won=date(2024, 2, 3), who=BOB, source=CAROL),
        lead(2, date(2024, 2, 2), who=ALICE, source=CAROL),
    ]
    assert one("conversion_rate", leads=leads, by="source_employee_id", group=CAROL) == (
        1,
        2,
        Decimal("0.5000"),
    )


def test_average_follow_up_days() -> None:
    leads = [
        lead(1, date(2024, 2, 27), followed=date(2024, 3, 1)),  # after the window: left out
        lead(2, date(2024, 2, 28), followed=date(2024, 2, 29)),  # 1 day (leap)
        lead(3, date(2024, 2, 1), followed=date(2024, 2, 5)),  # 4 days
        lead(4, date(2024, 2, 1)),
    ]  # not followed up
    assert one("average_follow_up_days", leads=leads) == (5, 2, Decimal("2.5000"))


# ---- customers ------------------------------------------------------------------


def test_new_customers_need_the_first_deal_credited_to_the_group() -> None:
    deals = [
        deal(1, date(2024, 2, 3), customer=1),
        deal(2, date(2024, 2, 3), customer=2, who=BOB),
        deal(3, date(2024, 2, 9), customer=2),
        deal(4, date(2024, 2, 4), customer=3),
        deal(5, date(2024, 2, 6), customer=4, cancelled=True),
    ]
    customers = [
        customer(1, date(2024, 2, 3)),
        customer(2, date(2024, 2, 3)),
        customer(3, date(2023, 5, 1)),
        customer(4, None),
    ]
    assert one("new_customers", deals=deals, customers=customers) == 1
    assert one("new_customers", deals=deals, customers=customers, group=BOB) == 1
    assert one("new_customers", deals=deals, customers=customers, window=JAN) == 0


def test_enterprise_clients_are_distinct_enterprise_customers() -> None:
    deals = [
        deal(1, date(2024, 2, 3), customer=1),
        deal(2, date(2024, 2, 5), customer=1),
        deal(3, date(2024, 2, 4), customer=2),
        deal(4, date(2024, 2, 4), customer=3, cancelled=True),
    ]
    customers = [
        customer(1, None, enterprise=True),
        customer(2, None),
        customer(3, None, enterprise=True),
    ]
    assert one("enterprise_clients", deals=deals, customers=customers) == 1


def test_repurchase_rate_is_over_customers_not_deals() -> None:
    deals = [
        deal(1, date(2024, 2, 3), customer=1, repurchase=True),
        deal(2, date(2024, 2, 5), customer=1),
        deal(3, date(2024, 2, 6), customer=2),
        deal(4, date(2024, 2, 7), customer=2),
        deal(5, date(2024, 2, 8), customer=3),
    ]
    assert one("repurchase_rate", deals=deals) == (1, 3, Decimal("0.3333"))
    assert one("repurchase_rate") == (0, 0, None)


def test_retention_rate_compares_with_the_previous_month() -> None:
    deals = [
        deal(1, date(2024, 1, 3), customer=1),
        deal(2, date(2024, 1, 31), customer=2),
        deal(3, date(2024, 1, 5), customer=3),
        deal(4, date(2024, 2, 29), customer=1),
        deal(5, date(2024, 2, 10), customer=4),
        deal(6, date(2024, 2, 11), customer=3, cancelled=True),
    ]
    assert one("retention_rate", deals=deals) == (1, 3, Decimal("0.3333"))
    assert one("retention_rate", deals=deals, window=JAN) == (0, 0, None)


# ---- margin and growth ----------------------------------------------------------


def test_gross_margin_keeps_the_cost_of_a_refunded_deal() -> None:
    deals = [deal(1, date(2024, 2, 3), 10_000, cost=6_000)]
    refunds = [refund(1, date(2024, 2, 20), 5_000)]
    assert one("gross_margin", deals=deals, refunds=refunds) == -1_000
    assert one("gross_margin_rate", deals=deals, refunds=refunds) == (
        -1_000,
        5_000,
        Decimal("-0.2000"),
    )
    assert (
        one("gross_margin_rate", deals=deals, refunds=[refund(1, date(2024, 2, 20), 10_000)])[2]
        is None
    )


@pytest.mark.parametrize(
    ("january", "february", "expected"),
    [
        (10_000, 15_000, (5_000, 10_000, Decimal("0.5000"))),
        (30_000, 10_000, (-20_000, 30_000, Decimal("-0.6667"))),
        (0, 10_000, (10_000, 0, None)),
    ],
)
def test_growth_rate_against_the_previous_month(january: int, february: int, expected: Any) -> None:
    deals = [deal(1, date(2024, 1, 10), january), deal(2, date(2024, 2, 10), february)]
    assert one("growth_rate", deals=deals) == expected


def test_growth_rate_is_null_when_the_previous_window_was_negative() -> None:
    deals = [deal(1, date(2023, 12, 10)), deal(2, date(2024, 2, 10))]
    refunds = [refund(1, date(2024, 1, 10), 10_000)]
    assert one("growth_rate", deals=deals, refunds=refunds) == (20_000, -10_000, None)


# ---- segments -------------------------------------------------------------------


def test_the_threshold_in_force_on_the_signing_day_decides_the_segment() -> None:
    deals = [
        deal(1, date(2024, 2, 14), 500_000),  # 5,000 CNY under the old 3,000 bar: big
        deal(2, date(2024, 2, 15), 500_000),  # same amount under the new 10,000 bar: small
        deal(3, date(2024, 2, 20), 1_000_000),  # exactly the bar: big
        deal(4, date(2024, 2, 21), 600_000, whole=1_200_000),  # the whole contract decides: big
        deal(5, date(2024, 2, 22), 999_999),  # one fen under: small
    ]
    assert one("big_client_signing_rate", deals=deals) == (3, 5, Decimal("0.6000"))
    assert one("small_order_volume", deals=deals) == 2


def test_big_client_signing_rate_is_null_without_deals() -> None:
    assert one("big_client_signing_rate") == (0, 0, None)
