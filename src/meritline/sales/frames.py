"""Sales records as the metrics engine's input frames (``metrics.frames``).

Fetch for compute: one query per frame (``values_list`` straight into polars), scoped to
a user like the selectors — or, for system jobs (incentive runs, scheduled analytics),
every record through the ``*_unscoped`` functions. Deals, collections and refunds come
one row per credited person: the deal's split shares divide each amount with
``core.money.allocate``, so the rows of a deal (or of a payment) add up to it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Min, Q, QuerySet

from meritline.core.access import scope_for
from meritline.core.money import allocate
from meritline.metrics.frames import (
    CUSTOMERS,
    DEALS,
    LEADS,
    SCHEMAS,
    Frames,
    Segment,
    validate_frame,
)
from meritline.org.models import Employee
from meritline.org.selectors import visible_employee_q
from meritline.sales.models import (
    Collection,
    Customer,
    CustomerKind,
    Deal,
    DealSplit,
    DealStatus,
    Lead,
    Refund,
    SegmentThreshold,
    Step,
)
from meritline.sales.selectors import customer_list, deal_scope_q, lead_scope_q

FOLLOW_UP_STEPS = (Step.VISITED, Step.RECEIVED, Step.INTENT, Step.CONTRACT, Step.SETTLED)
WON_STEPS = (Step.CONTRACT, Step.SETTLED)


def explode(
    keys: Sequence[int], amounts: Sequence[Sequence[int]], shares: Sequence[Decimal]
) -> list[list[int]]:
    """Credited amounts for rows sorted by ``keys`` (one row per credited person): each
    run of equal keys splits its amounts (the same on every row of the run) by the run's
    shares with ``allocate``. Returns one list per amount column."""
    columns: list[list[int]] = [[] for _ in amounts]
    start = 0
    total = len(keys)
    while start < total:
        end = start + 1
        while end < total and keys[end] == keys[start]:
            end += 1
        weights = shares[start:end]
        for column, values in zip(columns, amounts, strict=True):
            if end - start == 1:
                column.append(values[start])
            else:
                column.extend(allocate(values[start], weights))
        start = end
    return columns


def _frame(name: str, data: dict[str, Any]) -> pl.DataFrame:
    schema = SCHEMAS[name]
    return validate_frame(name, pl.DataFrame(data, schema=schema))


def _local_dates(values: Iterable[Any]) -> pl.Series:
    series = pl.Series(list(values), dtype=pl.Datetime("us", "UTC"))
    return series.dt.convert_time_zone(settings.TIME_ZONE).dt.date()


# Deals


def _deals(deals: QuerySet[Deal]) -> pl.DataFrame:
    rows = list(
        deals.filter(splits__isnull=False)
        .order_by("pk", "splits__id")
        .values_list(
            "pk",
            "splits__employee_id",
            "splits__share",
            "customer_id",
            "platform_id",
            "signed_on",
            "amount_fen",
            "cost_fen",
            "is_repurchase",
            "status",
            "lead_id",
        )
    )
    if not rows:
        return pl.DataFrame(schema=DEALS)
    (
        ids,
        employees,
        shares,
        customers,
        platforms,
        signed,
        amounts,
        costs,
        repurchase,
        status,
        leads,
    ) = (list(column) for column in zip(*rows, strict=True))
    credited, credited_cost = explode(ids, [amounts, costs], shares)
    return _frame(
        "deals",
        {
            "deal_id": ids,
            "employee_id": employees,
            "customer_id": customers,
            "platform_id": platforms,
            "signed_on": signed,
            "amount_fen": credited,
            "cost_fen": credited_cost,
            "deal_amount_fen": amounts,
            "is_repurchase": repurchase,
            "is_cancelled": [s == DealStatus.CANCELLED for s in status],
            "lead_id": leads,
        },
    )


def _lines(lines: QuerySet[Any], name: str, day: str) -> pl.DataFrame:
    rows = list(
        lines.filter(deal__splits__isnull=False)
        .order_by("pk", "deal__splits__id")
        .values_list(
            "pk", "deal_id", "deal__splits__employee_id", "deal__splits__share", day, "amount_fen"
        )
    )
    if not rows:
        return pl.DataFrame(schema=SCHEMAS[name])
    ids, deals, employees, shares, days, amounts = (list(c) for c in zip(*rows, strict=True))
    (credited,) = explode(ids, [amounts], shares)
    return _frame(
        name,
        {"deal_id": deals, "employee_id": employees, day: days, "amount_fen": credited},
    )


def _leads(leads: QuerySet[Lead]) -> pl.DataFrame:
    rows = list(
        leads.filter(Q(owner__isnull=False) | Q(source_employee__isnull=False))
        .annotate(
            follow_up=Min("steps__at", filter=Q(steps__step__in=FOLLOW_UP_STEPS)),
            won=Min("steps__at", filter=Q(steps__step__in=WON_STEPS)),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "owner_id",
            "source_employee_id",
            "platform_id",
            "entered_at",
            "follow_up",
            "won",
        )
    )
    if not rows:
        return pl.DataFrame(schema=LEADS)
    ids, owners, sources, platforms, entered, follow_up, won = (
        list(c) for c in zip(*rows, strict=True)
    )
    return _frame(
        "leads",
        {
            "lead_id": ids,
            # the owner; while nobody owns the lead, whoever brought it
            "employee_id": [
                o if o is not None else s for o, s in zip(owners, sources, strict=True)
            ],
            "source_employee_id": sources,
            "platform_id": platforms,
            "created_on": _local_dates(entered),
            "first_follow_up_on": _local_dates(follow_up),
            "won_on": _local_dates(won),
        },
    )


def _customers(customers: QuerySet[Customer]) -> pl.DataFrame:
    rows = list(
        customers.order_by("pk").values_list("pk", "kind", "platform_id", "first_purchase_on")
    )
    if not rows:
        return pl.DataFrame(schema=CUSTOMERS)
    ids, kinds, platforms, first = (list(c) for c in zip(*rows, strict=True))
    return _frame(
        "customers",
        {
            "customer_id": ids,
            "is_enterprise": [k == CustomerKind.ENTERPRISE for k in kinds],
            "platform_id": platforms,
            "first_purchase_on": first,
        },
    )


# Scoped to a user


def _since_q(since: date, among: Any = None) -> Q:
    """Deals signed since ``since``, or older ones with a collection or refund since then
    (which count in a window's collection_amount and sales_amount whenever their deal was
    signed). ``among`` (deal ids) narrows the payment lookups to those deals."""
    paid = Collection.objects.filter(received_on__gte=since)
    refunded = Refund.objects.filter(refunded_on__gte=since)
    if among is not None:
        paid, refunded = paid.filter(deal_id__in=among), refunded.filter(deal_id__in=among)
    return (
        Q(signed_on__gte=since)
        | Q(pk__in=paid.values("deal_id"))
        | Q(pk__in=refunded.values("deal_id"))
    )


def _visible_deals(user: Any, since: date | None) -> QuerySet[Deal]:
    """The deals the user sees; with ``since``, see ``_since_q``."""
    deals = Deal.objects.filter(deal_scope_q(scope_for(user)))
    return deals if since is None else deals.filter(_since_q(since))


def deals_frame(*, user: Any, since: date | None = None) -> pl.DataFrame:
    """The deals the user sees, one row per credited person (``metrics.frames.DEALS``);
    see ``_visible_deals`` for ``since``."""
    return _deals(_visible_deals(user, since))


def collections_frame(*, user: Any, since: date | None = None) -> pl.DataFrame:
    """Collections of the deals the user sees, split like their deals."""
    visible = _visible_deals(user, since).values("pk")
    return _lines(Collection.objects.filter(deal__in=visible), "collections", "received_on")


def refunds_frame(*, user: Any, since: date | None = None) -> pl.DataFrame:
    """Refunds of the deals the user sees, split like their deals (amounts positive)."""
    visible = _visible_deals(user, since).values("pk")
    return _lines(Refund.objects.filter(deal__in=visible), "refunds", "refunded_on")


def leads_frame(*, user: Any, since: date | None = None) -> pl.DataFrame:
    """The leads the user sees. ``employee_id`` is the owner, or whoever brought a lead
    nobody owns yet; ``won_on`` the date of the contract (or settlement) step;
    ``first_follow_up_on`` the first step after entry (a visit or later). With ``since``,
    only leads entered on or after it."""
    leads = Lead.objects.filter(lead_scope_q(scope_for(user)))
    if since is not None:
        leads = leads.filter(entered_at__date__gte=since)
    return _leads(leads)


def customers_frame(*, user: Any, since: date | None = None) -> pl.DataFrame:
    """The customers the user sees (all of them: a customer's history starts before any
    window)."""
    return _customers(customer_list(user=user))


def frames_for(
    *, user: Any, names: Iterable[str] = tuple(SCHEMAS), since: date | None = None
) -> Frames:
    """The named frames (all by default), scoped to ``user``. ``since`` leaves out deals
    signed before it that have no collection or refund since (and their lines), and leads
    entered before it: give it the start of the earliest window a metric looks at,
    previous periods included, so that a page over the last months does not load years
    of history. (Cohort metrics over customers — retention — need the whole history.)"""
    loaders = {
        "deals": deals_frame,
        "collections": collections_frame,
        "refunds": refunds_frame,
        "leads": leads_frame,
        "customers": customers_frame,
    }
    return Frames(**{name: loaders[name](user=user, since=since) for name in names})


# One person's records, for pages about one person (the rep dashboard, a report)


_LITERAL_IDS = 10_000  # above this, ids go to the database as a subquery, not a list


def _person_deal_ids(employee_id: int, since: date | None) -> list[int] | QuerySet[Any]:
    """The deals credited to ``employee_id`` (with ``since``, see ``_since_q``), as a list
    of ids found through the split index: a filter on a short list of ids keeps PostgreSQL
    on the primary keys, where the OR of scope subqueries scanned every deal. Very many
    ids stay a subquery."""
    credited = DealSplit.objects.filter(employee_id=employee_id).values_list("deal_id", flat=True)
    ids = sorted(set(credited))
    among: list[int] | QuerySet[Any] = ids if len(ids) <= _LITERAL_IDS else credited
    if since is None or not ids:
        return among
    kept = Deal.objects.filter(pk__in=among).filter(_since_q(since, among))
    pks = kept.values_list("pk", flat=True)
    return sorted(pks) if among is ids else pks


def person_frames(
    *, user: Any, employee_id: int, names: Iterable[str] = tuple(SCHEMAS), since: date | None = None
) -> Frames:
    """The named frames holding what the metrics engine needs for ``employee_id`` alone:
    the deals credited to them (with every credited row of those deals, so shares split
    as in ``frames_for``), their collections and refunds, the leads they own or brought,
    and the customers of those deals. Metrics grouped by that person over these frames
    equal the same metrics over ``frames_for`` — without reading everyone else's records
    (a manager's or HR's scope). Empty frames when ``user`` may not see the person.
    ``since`` as in ``frames_for``."""
    names = tuple(names)
    visible = Employee.objects.filter(visible_employee_q(scope_for(user)), pk=employee_id)
    if not visible.exists():
        return Frames(**{name: pl.DataFrame(schema=SCHEMAS[name]) for name in names})
    ids = _person_deal_ids(employee_id, since)
    deals = Deal.objects.filter(pk__in=ids)
    leads = Lead.objects.filter(Q(owner_id=employee_id) | Q(source_employee_id=employee_id))
    if since is not None:
        leads = leads.filter(entered_at__date__gte=since)
    loaders = {
        "deals": lambda: _deals(deals),
        "collections": lambda: _lines(
            Collection.objects.filter(deal_id__in=ids), "collections", "received_on"
        ),
        "refunds": lambda: _lines(Refund.objects.filter(deal_id__in=ids), "refunds", "refunded_on"),
        "leads": lambda: _leads(leads),
        "customers": lambda: _customers(
            Customer.objects.filter(pk__in=deals.values("customer_id"))
        ),
    }
    return Frames(**{name: loaders[name]() for name in names})


# Unscoped: for system jobs only (incentive runs, scheduled analytics), never for a page.


def deals_frame_unscoped() -> pl.DataFrame:
    return _deals(Deal.objects.all())


def collections_frame_unscoped() -> pl.DataFrame:
    return _lines(Collection.objects.all(), "collections", "received_on")


def refunds_frame_unscoped() -> pl.DataFrame:
    return _lines(Refund.objects.all(), "refunds", "refunded_on")


def leads_frame_unscoped() -> pl.DataFrame:
    return _leads(Lead.objects.all())


def customers_frame_unscoped() -> pl.DataFrame:
    return _customers(Customer.objects.all())


def frames_unscoped(names: Iterable[str] = tuple(SCHEMAS)) -> Frames:
    """Every record as frames: for system jobs only."""
    loaders = {
        "deals": deals_frame_unscoped,
        "collections": collections_frame_unscoped,
        "refunds": refunds_frame_unscoped,
        "leads": leads_frame_unscoped,
        "customers": customers_frame_unscoped,
    }
    return Frames(**{name: loaders[name]() for name in names})


def segment() -> Segment | None:
    """The big-client thresholds over time for the engine (None while none is set)."""
    rows = tuple(
        SegmentThreshold.objects.order_by("valid_from").values_list(
            "valid_from", "big_client_min_fen"
        )
    )
    return Segment(rows) if rows else None


__all__ = [
    "collections_frame",
    "collections_frame_unscoped",
    "customers_frame",
    "customers_frame_unscoped",
    "deals_frame",
    "deals_frame_unscoped",
    "explode",
    "frames_for",
    "frames_unscoped",
    "leads_frame",
    "leads_frame_unscoped",
    "person_frames",
    "refunds_frame",
    "refunds_frame_unscoped",
    "segment",
]
