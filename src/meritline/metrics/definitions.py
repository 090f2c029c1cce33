"""Every sales metric, defined once. The docstring of each is its exact definition.

Shared rules (see docs/metrics.md):
- A *window* is an inclusive range of dates (first day, last day).
- *Credited* means: the row of the deal (or of its collection / refund) that carries
  the group's value in the grouping column (by default ``employee_id``: the owner or
  a collaborator, each with their split share).
- A *cancelled* deal counts nowhere, nor do its collections and refunds.
- Money is Int64 fen. A ratio gives ``<metric>__num`` and ``<metric>__den`` (Int64)
  and ``<metric>`` = num ÷ den as Decimal(38, 4) rounded half-up, or null when the
  denominator is zero or negative (the same value as ``metrics.rate(num, den)``).

Each metric builds its result from *base columns* computed by ``sources.py`` for every
(group, window): ``amount``, ``cost``, ``deals``, ``big_deals``, ``small_deals``,
``refunded``, ``collected``, ``cohort_collected``, ``cohort_refunded``, ``buyers``,
``repurchasers``, ``enterprise``, ``new_customers``, ``retained``, ``prev_buyers``,
``leads``, ``won``, ``follow_up_days``, ``followed_up``, and ``prev_amount`` /
``prev_refunded`` (the same sums over the previous window).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import polars as pl


class Unit(str, Enum):
    FEN = "fen"
    COUNT = "count"
    RATIO = "ratio"
    DAYS = "days"

    @property
    def is_ratio(self) -> bool:
        return self in (Unit.RATIO, Unit.DAYS)


@dataclass(frozen=True)
class Parts:
    """What a metric returns: a value (money, count) or a numerator and denominator."""

    value: pl.Expr | None = None
    num: pl.Expr | None = None
    den: pl.Expr | None = None


@dataclass(frozen=True)
class Metric:
    name: str
    unit: Unit
    bases: frozenset[str]
    build: Callable[[], Parts]
    definition: str
    needs_segment: bool = False


METRICS: dict[str, Metric] = {}


def metric(
    name: str, unit: Unit, *bases: str, needs_segment: bool = False
) -> Callable[[Callable[[], Parts]], Callable[[], Parts]]:
    """Register a metric; its docstring becomes its published definition."""

    def register(build: Callable[[], Parts]) -> Callable[[], Parts]:
        if not build.__doc__:
            raise TypeError(f"metric {name} needs a docstring with its definition")
        METRICS[name] = Metric(
            name=name,
            unit=unit,
            bases=frozenset(bases),
            build=build,
            definition=" ".join(build.__doc__.split()),
            needs_segment=needs_segment,
        )
        return build

    return register


def _c(name: str) -> pl.Expr:
    return pl.col(name)


def _sales() -> pl.Expr:
    return _c("amount") - _c("refunded")


@metric("sales_amount", Unit.FEN, "amount", "refunded")
def sales_amount() -> Parts:
    """Fen. The credited amount of the deals signed in the window (signed_on in the
    window, not cancelled) minus the credited refunds dated in the window (refunded_on
    in the window, whenever their deal was signed). Negative when a window's refunds
    exceed its sales. 0 when there is nothing."""
    return Parts(value=_sales())


@metric("deal_count", Unit.COUNT, "deals")
def deal_count() -> Parts:
    """Count. Distinct deals signed in the window (not cancelled) with a credited row
    for the group. A split deal counts once for each credited person, and once for a
    team that holds several of them. Refunds do not change it (only cancellation does)."""
    return Parts(value=_c("deals"))


@metric("collection_amount", Unit.FEN, "collected")
def collection_amount() -> Parts:
    """Fen. Credited collections (回款) received in the window (received_on in the
    window), on deals that are not cancelled, whenever the deal was signed. Refunds are
    not subtracted (they reduce sales_amount)."""
    return Parts(value=_c("collected"))


@metric("collection_rate", Unit.RATIO, "amount", "cohort_collected", "cohort_refunded")
def collection_rate() -> Parts:
    """Ratio for the deals signed in the window (not cancelled), credited to the group.
    Numerator: their credited collections received on or before the window's last day,
    minus their credited refunds dated on or before that day. Denominator: their
    credited amount minus the same refunds. Collections of deals signed before the
    window do not count. Null when the denominator is 0 or less (nothing signed, or
    everything refunded)."""
    return Parts(
        num=_c("cohort_collected") - _c("cohort_refunded"),
        den=_c("amount") - _c("cohort_refunded"),
    )


@metric("conversion_rate", Unit.RATIO, "leads", "won")
def conversion_rate() -> Parts:
    """Ratio for the leads created in the window (created_on in the window), grouped by
    the grouping column of the leads frame (employee_id = the owner; group by
    source_employee_id for marketing). Numerator: those leads won on or before the
    window's last day (won_on set and ≤ the last day), so a closed window's rate never
    changes later. Denominator: those leads. Null when no lead was created."""
    return Parts(num=_c("won"), den=_c("leads"))


@metric("new_customers", Unit.COUNT, "new_customers")
def new_customers() -> Parts:
    """Count. Distinct customers whose first_purchase_on (customers frame) is in the
    window and who have a deal signed on that date (not cancelled) credited to the
    group. A first deal split between two people counts for both."""
    return Parts(value=_c("new_customers"))


@metric("enterprise_clients", Unit.COUNT, "enterprise")
def enterprise_clients() -> Parts:
    """Count. Distinct enterprise customers (is_enterprise) with at least one deal
    signed in the window (not cancelled) credited to the group."""
    return Parts(value=_c("enterprise"))


@metric("repurchase_rate", Unit.RATIO, "repurchasers", "buyers")
def repurchase_rate() -> Parts:
    """Ratio. Numerator: distinct customers with a repurchase deal (is_repurchase)
    signed in the window (not cancelled) credited to the group. Denominator: distinct
    customers with any deal signed in the window (not cancelled) credited to the group.
    Null when the group sold nothing in the window."""
    return Parts(num=_c("repurchasers"), den=_c("buyers"))


@metric("retention_rate", Unit.RATIO, "retained", "prev_buyers")
def retention_rate() -> Parts:
    """Ratio. Denominator: distinct customers with a deal (not cancelled) credited to
    the group signed in the previous window of equal length (``previous_window``: the
    previous calendar month/quarter/year, or the previous rolling window). Numerator:
    those of them who also have a deal credited to the group signed in the window.
    Null when the group had no customers in the previous window."""
    return Parts(num=_c("retained"), den=_c("prev_buyers"))


@metric("gross_margin", Unit.FEN, "amount", "refunded", "cost")
def gross_margin() -> Parts:
    """Fen. sales_amount minus the credited cost of the deals signed in the window (not
    cancelled). Refunds reduce the revenue; the cost of a refunded deal stays."""
    return Parts(value=_sales() - _c("cost"))


@metric("gross_margin_rate", Unit.RATIO, "amount", "refunded", "cost")
def gross_margin_rate() -> Parts:
    """Ratio. Numerator: gross_margin. Denominator: sales_amount. Null when
    sales_amount is 0 or less."""
    return Parts(num=_sales() - _c("cost"), den=_sales())


@metric("growth_rate", Unit.RATIO, "amount", "refunded", "prev_amount", "prev_refunded")
def growth_rate() -> Parts:
    """Ratio. Numerator: sales_amount in the window minus sales_amount in the previous
    window of equal length (see retention_rate). Denominator: sales_amount in the
    previous window. Null when the previous window's sales_amount is 0 or less."""
    previous = _c("prev_amount") - _c("prev_refunded")
    return Parts(num=_sales() - previous, den=previous)


@metric("big_client_signing_rate", Unit.RATIO, "big_deals", "deals", needs_segment=True)
def big_client_signing_rate() -> Parts:
    """Ratio. Numerator: the deals counted by deal_count whose whole contract amount
    (deal_amount_fen, not the credited share) is at least the big-client threshold in
    force on the day the deal was signed (``Segment``). Denominator: deal_count. Null
    when there are no deals."""
    return Parts(num=_c("big_deals"), den=_c("deals"))


@metric("small_order_volume", Unit.COUNT, "small_deals", needs_segment=True)
def small_order_volume() -> Parts:
    """Count. The deals counted by deal_count whose whole contract amount is below the
    big-client threshold in force on the day the deal was signed (the number of small
    orders, not their amount)."""
    return Parts(value=_c("small_deals"))


@metric("average_follow_up_days", Unit.DAYS, "follow_up_days", "followed_up")
def average_follow_up_days() -> Parts:
    """Days (a ratio). For the leads created in the window and grouped as in
    conversion_rate, that were first followed up on or before the window's last day:
    numerator = the sum of days from created_on to first_follow_up_on, denominator =
    the number of such leads. Leads not yet followed up are left out. Null when there
    are none."""
    return Parts(num=_c("follow_up_days"), den=_c("followed_up"))
