"""The oracle: every metric computed literally from its definition, one row at a time.

Plain Python over lists of dicts, Decimal with explicit half-up rounding, no polars.
Slow on purpose: it is what the vectorised engine is held equal to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from meritline.core.periods import rolling_window

Row = Mapping[str, Any]
Window = tuple[date, date]
LEAD_METRICS = {"conversion_rate", "average_follow_up_days"}
RATIOS = {
    "collection_rate",
    "conversion_rate",
    "repurchase_rate",
    "retention_rate",
    "gross_margin_rate",
    "growth_rate",
    "big_client_signing_rate",
    "average_follow_up_days",
}


def ratio(num: int, den: int) -> Decimal | None:
    if den <= 0:
        return None
    with localcontext() as context:
        context.prec = 80
        return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def previous(window: Window) -> Window:
    start, end = window
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start
        for _ in range(months):
            first = (first - timedelta(days=1)).replace(day=1)
        return first, start - timedelta(days=1)
    for months in range(1, 1200):
        if rolling_window(end, months) == window:
            return rolling_window(start - timedelta(days=1), months)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def threshold(thresholds: Sequence[tuple[date, int]], day: date) -> int:
    in_force = [fen for start, fen in thresholds if start <= day]
    return in_force[-1] if in_force else thresholds[0][1]


class Reference:
    def __init__(
        self,
        frames: Mapping[str, Sequence[Row]],
        by: str,
        thresholds: Sequence[tuple[date, int]] | None = None,
    ) -> None:
        self.frames = frames
        self.by = by
        self.thresholds = thresholds
        self.live = [d for d in frames.get("deals", []) if not d["is_cancelled"]]
        self.deal_rows = {(d["deal_id"], d["employee_id"]): d for d in self.live}
        self.customers = {c["customer_id"]: c for c in frames.get("customers", [])}

    # ---- helpers -------------------------------------------------------------
    def deals(self, group: int, window: Window) -> list[Row]:
        start, end = window
        return [d for d in self.live if d[self.by] == group and start <= d["signed_on"] <= end]

    def credited(self, name: str, group: int) -> list[tuple[Row, Row]]:
        """(line, its deal row) for collections/refunds of live deals credited to the group."""
        out = []
        for line in self.frames.get(name, []):
            deal = self.deal_rows.get((line["deal_id"], line["employee_id"]))
            if deal is not None and deal[self.by] == group:
                out.append((line, deal))
        return out

    def sales(self, group: int, window: Window) -> int:
        start, end = window
        signed = sum(d["amount_fen"] for d in self.deals(group, window))
        refunded = sum(
            r["amount_fen"]
            for r, _ in self.credited("refunds", group)
            if start <= r["refunded_on"] <= end
        )
        return signed - refunded

    def is_big(self, deal: Row) -> bool:
        assert self.thresholds is not None
        return bool(deal["deal_amount_fen"] >= threshold(self.thresholds, deal["signed_on"]))

    def customer_set(self, group: int, window: Window) -> set[int]:
        return {d["customer_id"] for d in self.deals(group, window)}

    def leads(self, group: int, window: Window) -> list[Row]:
        start, end = window
        return [
            lead
            for lead in self.frames.get("leads", [])
            if lead[self.by] == group and start <= lead["created_on"] <= end
        ]

    # ---- metrics: (value) or (num, den) ---------------------------------------
    def sales_amount(self, g: int, w: Window) -> int:
        return self.sales(g, w)

    def deal_count(self, g: int, w: Window) -> int:
        return len({d["deal_id"] for d in self.deals(g, w)})

    def collection_amount(self, g: int, w: Window) -> int:
        start, end = w
        return sum(
            c["amount_fen"]
            for c, _ in self.credited("collections", g)
            if start <= c["received_on"] <= end
        )

    def collection_rate(self, g: int, w: Window) -> tuple[int, int]:
        end = w[1]
        cohort = {(d["deal_id"], d["employee_id"]) for d in self.deals(g, w)}
        amount = sum(d["amount_fen"] for d in self.deals(g, w))
        collected = sum(
            c["amount_fen"]
            for c, d in self.credited("collections", g)
            if (d["deal_id"], d["employee_id"]) in cohort and c["received_on"] <= end
        )
        refunded = sum(
            r["amount_fen"]
            for r, d in self.credited("refunds", g)
            if (d["deal_id"], d["employee_id"]) in cohort and r["refunded_on"] <= end
        )
        return collected - refunded, amount - refunded

    def conversion_rate(self, g: int, w: Window) -> tuple[int, int]:
        leads = self.leads(g, w)
        won = [x for x in leads if x["won_on"] is not None and x["won_on"] <= w[1]]
        return len(won), len(leads)

    def new_customers(self, g: int, w: Window) -> int:
        found = set()
        for d in self.deals(g, w):
            customer = self.customers.get(d["customer_id"])
            if customer and customer["first_purchase_on"] == d["signed_on"]:
                found.add(d["customer_id"])
        return len(found)

    def enterprise_clients(self, g: int, w: Window) -> int:
        return len(
            {
                d["customer_id"]
                for d in self.deals(g, w)
                if d["customer_id"] in self.customers
                and self.customers[d["customer_id"]]["is_enterprise"]
            }
        )

    def repurchase_rate(self, g: int, w: Window) -> tuple[int, int]:
        repeat = {d["customer_id"] for d in self.deals(g, w) if d["is_repurchase"]}
        return len(repeat), len(self.customer_set(g, w))

    def retention_rate(self, g: int, w: Window) -> tuple[int, int]:
        before = self.customer_set(g, previous(w))
        return len(before & self.customer_set(g, w)), len(before)

    def gross_margin(self, g: int, w: Window) -> int:
        return self.sales(g, w) - sum(d["cost_fen"] for d in self.deals(g, w))

    def gross_margin_rate(self, g: int, w: Window) -> tuple[int, int]:
        return self.gross_margin(g, w), self.sales(g, w)

    def growth_rate(self, g: int, w: Window) -> tuple[int, int]:
        before = self.sales(g, previous(w))
        return self.sales(g, w) - before, before

    def big_client_signing_rate(self, g: int, w: Window) -> tuple[int, int]:
        big = {d["deal_id"] for d in self.deals(g, w) if self.is_big(d)}
        return len(big), self.deal_count(g, w)

    def small_order_volume(self, g: int, w: Window) -> int:
        return len({d["deal_id"] for d in self.deals(g, w) if not self.is_big(d)})

    def average_follow_up_days(self, g: int, w: Window) -> tuple[int, int]:
        done = [
            x
            for x in self.leads(g, w)
            if x["first_follow_up_on"] is not None and x["first_follow_up_on"] <= w[1]
        ]
        return sum((x["first_follow_up_on"] - x["created_on"]).days for x in done), len(done)


def compute(
    metrics: Sequence[str],
    frames: Mapping[str, Sequence[Row]],
    windows: Sequence[Window],
    by: str = "employee_id",
    *,
    thresholds: Sequence[tuple[date, int]] | None = None,
    groups: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """Rows shaped like the engine's result (same keys, same order)."""
    ref = Reference(frames, by, thresholds)
    if groups is None:
        found: set[int] = set()
        if any(m not in LEAD_METRICS for m in metrics):
            found |= {d[by] for d in frames["deals"] if d[by] is not None}
        if any(m in LEAD_METRICS for m in metrics):
            found |= {x[by] for x in frames["leads"] if x[by] is not None}
        groups = sorted(found)
    rows = []
    for group in sorted(set(groups)):
        for window in windows:
            row: dict[str, Any] = {by: group, "window_start": window[0], "window_end": window[1]}
            for name in metrics:
                fn: Callable[[int, Window], Any] = getattr(ref, name)
                result = fn(group, window)
                if name in RATIOS:
                    num, den = result
                    row[f"{name}__num"] = num
                    row[f"{name}__den"] = den
                    row[name] = ratio(num, den)
                else:
                    row[name] = result
            rows.append(row)
    return rows
