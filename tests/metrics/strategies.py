"""Hypothesis strategies: small, messy but valid sales frames and windows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from meritline.core.periods import rolling_window
from meritline.metrics import previous_window

EMPLOYEES = [1, 2, 3, 4]
TEAM = {1: 10, 2: 10, 3: 11, 4: None}
FIRST = date(2023, 11, 1)
LAST = date(2024, 4, 30)  # spans the leap day 2024-02-29
SPAN = (LAST - FIRST).days

days = st.integers(0, SPAN).map(lambda n: FIRST + timedelta(days=n))
fen = st.integers(0, 5_000)


def near(windows: list[tuple[date, date]]) -> st.SearchStrategy[date]:
    """Any day, but mostly the days on and around the windows' edges (and their previous)."""
    edges: set[date] = set()
    for start, end in windows:
        for first, last in ((start, end), previous_window((start, end))):
            edges |= {first - timedelta(days=1), first, last, last + timedelta(days=1)}
    return st.one_of(st.sampled_from(sorted(edges)), st.sampled_from(sorted(edges)), days)


@st.composite
def scenario(
    draw: st.DrawFn,
) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[date, date]]]:
    chosen = draw(windows)
    return draw(sales_frames(near(chosen))), chosen


@st.composite
def sales_frames(
    draw: st.DrawFn, days: st.SearchStrategy[date] = days
) -> dict[str, list[dict[str, Any]]]:
    customer_ids = list(range(1, draw(st.integers(1, 5)) + 1))
    deals: list[dict[str, Any]] = []
    for deal_id in range(1, draw(st.integers(0, 10)) + 1):
        people = draw(st.lists(st.sampled_from(EMPLOYEES), min_size=1, max_size=3, unique=True))
        shared = {
            "deal_id": deal_id,
            "customer_id": draw(st.sampled_from(customer_ids)),
            "platform_id": draw(st.sampled_from([1, 2])),
            "signed_on": draw(days),
            "deal_amount_fen": draw(st.integers(0, 10_000)),
            "is_repurchase": draw(st.booleans()),
            "is_cancelled": draw(st.integers(0, 3)) == 0,
            "lead_id": draw(st.none() | st.integers(1, 5)),
        }
        for person in people:
            deals.append(
                {
                    **shared,
                    "employee_id": person,
                    "team_id": TEAM[person],
                    "amount_fen": draw(fen),
                    "cost_fen": draw(fen),
                }
            )
    keys = [(d["deal_id"], d["employee_id"]) for d in deals]

    def lines(date_key: str) -> list[dict[str, Any]]:
        if not keys:
            return []
        out = []
        for _ in range(draw(st.integers(0, 8))):
            deal_id, employee_id = draw(st.sampled_from(keys))
            out.append(
                {
                    "deal_id": deal_id,
                    "employee_id": employee_id,
                    date_key: draw(days),
                    "amount_fen": draw(fen),
                }
            )
        return out

    customers = []
    for customer_id in customer_ids:
        own_dates = [d["signed_on"] for d in deals if d["customer_id"] == customer_id]
        options = st.none() | days
        if own_dates:
            options = options | st.sampled_from(own_dates) | st.sampled_from(own_dates)
        customers.append(
            {
                "customer_id": customer_id,
                "is_enterprise": draw(st.booleans()),
                "platform_id": 1,
                "first_purchase_on": draw(options),
            }
        )
    leads = []
    for lead_id in range(1, draw(st.integers(0, 8)) + 1):
        owner = draw(st.sampled_from(EMPLOYEES))
        created = draw(days)
        leads.append(
            {
                "lead_id": lead_id,
                "employee_id": owner,
                "team_id": TEAM[owner],
                "source_employee_id": draw(st.none() | st.sampled_from(EMPLOYEES)),
                "platform_id": 1,
                "created_on": created,
                "first_follow_up_on": draw(
                    st.none()
                    | st.integers(0, 60).map(lambda n, c=created: c + timedelta(days=n))
                    | days.filter(lambda d, c=created: d >= c)
                ),
                "won_on": draw(st.none() | days),
            }
        )
    return {
        "deals": deals,
        "collections": lines("received_on"),
        "refunds": lines("refunded_on"),
        "customers": customers,
        "leads": leads,
    }


@st.composite
def window(draw: st.DrawFn) -> tuple[date, date]:
    kind = draw(st.sampled_from(["month", "rolling", "days"]))
    if kind == "month":
        year, month = draw(st.sampled_from([(2023, 12), (2024, 1), (2024, 2), (2024, 3)]))
        start = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    if kind == "rolling":
        end = draw(st.integers(45, SPAN).map(lambda n: FIRST + timedelta(days=n)))
        return rolling_window(end, draw(st.integers(1, 2)))
    start = draw(days)
    return start, start + timedelta(days=draw(st.integers(0, 40)))


windows = st.lists(window(), min_size=1, max_size=3, unique=True)
thresholds = st.lists(
    st.tuples(days, st.integers(1, 10_000)), min_size=1, max_size=2, unique_by=lambda t: t[0]
).map(lambda items: tuple(sorted(items)))
