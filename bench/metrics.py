"""Metrics engine throughput: every metric for 20,000 employees × 12 monthly windows,
against the per-employee way (Django ORM aggregate queries on PostgreSQL).

Prints figures; not part of `make test`. Run: `uv run python bench/metrics.py`
(`--scale 0.1` for a quick run; `--database-url` names the PostgreSQL database of the
ORM side, by default postgres://postgres@127.0.0.1:5432/meritline_bench_metrics: created
if missing, migrated, and its sales, employee and platform tables emptied on every run).
Steps:

1. generate (seeded, vectorised polars, no numpy) 5,000,000 credited deal rows
   (4,583,334 contracts, one in eleven split 50/50 between two people) and 2,000,000
   leads for 20,000 employees over 24 months (2024-01 … 2025-12), with collections,
   refunds, cancellations and 1,000,000 customers; write the engine's frames (one row
   per credited person) and the contract-level rows to Arrow files in a temporary folder;
2. in a fresh process (so its peak memory is its own): load, validate, and compute all
   metrics for the 12 months of 2025; print seconds and peak RSS;
3. the per-employee way: the rows of a 1 % sample of the employees (every 100th: their
   deals with both splits of a shared one, the collections and refunds of those deals,
   the customers they sold to, the leads they own with their steps; plus every employee,
   platform and the big-client thresholds) are loaded through the Django models
   (bulk_create, not timed); then for each sampled employee four ORM aggregate queries —
   on DealSplit, Collection, Refund and Lead, with Sum/Count filtered per window, as one
   would write them without the engine — give every base number of every metric. They
   are timed, extrapolated to all employees, and checked equal to the engine's numbers
   for the sampled employees (exact fen, exact numerator and denominator).

A split deal's amount, cost, collections and refunds are even numbers of fen, so that
``amount × share`` — how an ORM query credits a share — is whole fen and equal to the
engine's frames, which split with ``core.money.allocate`` (as ``sales.frames`` does).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import _django
import polars as pl

from meritline.metrics import (
    Frames,
    Segment,
    compute,
    metric_names,
    monthly_windows,
    previous_window,
    rate,
)

FIRST_DAY = date(2024, 1, 1)
DAYS = (date(2026, 1, 1) - FIRST_DAY).days  # 24 months
WINDOWS = monthly_windows("2025-01", 12)
# the ORM side's windows: the month before the first (for growth and retention), then WINDOWS
ALL_WINDOWS = [previous_window(WINDOWS[0]), *WINDOWS]
SEGMENT = Segment(((date(2024, 1, 1), 300_000), (date(2025, 7, 1), 1_000_000)))
NAMES = ("deals", "collections", "refunds", "leads", "customers")
EVERY = 100  # the ORM side's sample: employees whose id is a multiple of this
BATCH = 5_000
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/meritline_bench_metrics"


def _rand(n: int, seed: int) -> pl.Expr:
    """A seeded pseudo-random UInt64 per row (hash of the row number)."""
    return pl.int_range(n, dtype=pl.UInt64).hash(seed)


def _below(n: int, seed: int, high: int) -> pl.Expr:
    return (_rand(n, seed) % high).cast(pl.Int64)


def _day(offset: pl.Expr) -> pl.Expr:
    return pl.lit(FIRST_DAY) + pl.duration(days=offset)


def _even(amount: pl.Expr) -> pl.Expr:
    """An even number of fen on a shared deal (halves are whole fen), as is otherwise."""
    return pl.when(pl.col("partner_id").is_not_null()).then(amount - amount % 2).otherwise(amount)


def _credit(lines: pl.DataFrame, money: list[str]) -> pl.DataFrame:
    """One row per credited person: a shared line becomes the owner's and the partner's
    halves (the owner first, as ``allocate`` breaks ties), with ``employee_id``."""
    shared = pl.col("partner_id").is_not_null()
    owners = lines.with_columns(
        pl.col("owner_id").alias("employee_id"),
        *(pl.when(shared).then(pl.col(c) - pl.col(c) // 2).otherwise(pl.col(c)) for c in money),
    )
    partners = lines.filter(shared).with_columns(
        pl.col("partner_id").alias("employee_id"), *(pl.col(c) // 2 for c in money)
    )
    return pl.concat([owners, partners])


def generate(
    deal_rows: int, lead_rows: int, employees: int, customers: int
) -> dict[str, pl.DataFrame]:
    """The engine's frames and the contract-level rows (``contracts``, ``collection_lines``,
    ``refund_lines``) the ORM side loads; every id starts at 1."""
    n = deal_rows - deal_rows // 12  # the first deal_rows // 12 contracts are shared
    contracts = pl.select(
        deal_id=pl.int_range(1, n + 1, dtype=pl.Int64),
        owner_id=_below(n, 1, employees) + 1,
        any_customer=_below(n, 2, customers) + 1,
        regular=_below(n, 20, 10) < 3,  # 30 % go to one of the owner's 20 regular customers
        book=_below(n, 21, 20),
        platform_id=_below(n, 3, 12) + 1,
        signed_on=_day(_below(n, 4, DAYS)),
        # log-ish spread of contract sizes: 500 CNY … ~2 M CNY
        amount=(50_000 + (_rand(n, 5) % 1000) ** 2 * (_rand(n, 6) % 200 + 1)).cast(pl.Int64),
        is_cancelled=(_rand(n, 7) % 50) == 0,
        lead_id=pl.when(_rand(n, 8) % 3 == 0).then(_below(n, 9, lead_rows) + 1).otherwise(None),
        cost_pct=_below(n, 10, 70) + 10,
        partner_offset=_below(n, 11, employees - 1) + 1,
    )
    contracts = contracts.with_columns(
        customer_id=pl.when(pl.col("regular"))
        .then((pl.col("owner_id") * 37 + pl.col("book")) % customers + 1)
        .otherwise(pl.col("any_customer")),
        partner_id=pl.when(pl.col("deal_id") <= deal_rows // 12).then(
            (pl.col("owner_id") - 1 + pl.col("partner_offset")) % employees + 1
        ),
    ).with_columns(deal_amount_fen=_even(pl.col("amount")))
    contracts = contracts.with_columns(
        cost_fen=_even(pl.col("deal_amount_fen") * pl.col("cost_pct") // 100)
    )
    live = contracts.filter(~pl.col("is_cancelled"))
    first = live.group_by("customer_id").agg(first_purchase_on=pl.col("signed_on").min())
    contracts = (
        contracts.join(first, on="customer_id", how="left")
        .with_columns(
            is_repurchase=pl.col("first_purchase_on").is_not_null()
            & (pl.col("signed_on") > pl.col("first_purchase_on"))
        )
        .select(
            "deal_id",
            "owner_id",
            "partner_id",
            "customer_id",
            "platform_id",
            "signed_on",
            "deal_amount_fen",
            "cost_fen",
            "is_repurchase",
            "is_cancelled",
            "lead_id",
        )
    )
    deals = _credit(
        contracts.with_columns(amount_fen=pl.col("deal_amount_fen")), ["amount_fen", "cost_fen"]
    ).select(
        "deal_id",
        "employee_id",
        "customer_id",
        "platform_id",
        "signed_on",
        "amount_fen",
        "cost_fen",
        "deal_amount_fen",
        "is_repurchase",
        "is_cancelled",
        "lead_id",
    )
    paid = contracts.select(
        "deal_id", "owner_id", "partner_id", "signed_on", "deal_amount_fen"
    ).with_columns(r=_below(n, 14, 100))
    collection_lines = paid.filter(pl.col("r") < 85).select(
        "deal_id",
        "owner_id",
        "partner_id",
        received_on=pl.col("signed_on") + pl.duration(days=pl.col("r") % 45),
        amount_fen=pl.when(pl.col("r") < 60)
        .then(pl.col("deal_amount_fen"))
        .otherwise(_even(pl.col("deal_amount_fen") // 2)),
    )
    refund_lines = paid.filter(pl.col("r") >= 98).select(
        "deal_id",
        "owner_id",
        "partner_id",
        refunded_on=pl.col("signed_on") + pl.duration(days=pl.col("r") - 60),
        amount_fen=_even(pl.col("deal_amount_fen") // (pl.col("r") - 96)),
    )
    k = lead_rows
    leads = pl.select(
        lead_id=pl.int_range(1, k + 1, dtype=pl.Int64),
        employee_id=_below(k, 15, employees) + 1,
        source=_below(k, 16, employees) + 1,
        platform_id=_below(k, 17, 12) + 1,
        created_on=_day(_below(k, 18, DAYS)),
        r=_below(k, 19, 100),
    ).select(
        "lead_id",
        "employee_id",
        source_employee_id=pl.when(pl.col("r") < 40).then(pl.col("source")).otherwise(None),
        platform_id="platform_id",
        created_on="created_on",
        first_follow_up_on=pl.when(pl.col("r") < 90)
        .then(pl.col("created_on") + pl.duration(days=pl.col("r") % 15))
        .otherwise(None),
        # never before the first follow-up (2r ≥ r % 15), as in the lead chain
        won_on=pl.when(pl.col("r") < 25)
        .then(pl.col("created_on") + pl.duration(days=pl.col("r") * 2))
        .otherwise(None),
    )
    customer_frame = (
        pl.select(customer_id=pl.int_range(1, customers + 1, dtype=pl.Int64))
        .with_columns(
            is_enterprise=(_rand(customers, 12) % 10) < 3,
            platform_id=_below(customers, 13, 12) + 1,
        )
        .join(first, on="customer_id", how="left")
    )
    return {
        "deals": deals,
        "collections": _credit(collection_lines, ["amount_fen"]).drop("owner_id", "partner_id"),
        "refunds": _credit(refund_lines, ["amount_fen"]).drop("owner_id", "partner_id"),
        "leads": leads,
        "customers": customer_frame.select(
            "customer_id", "is_enterprise", "platform_id", "first_purchase_on"
        ),
        "contracts": contracts,
        "collection_lines": collection_lines.drop("owner_id", "partner_id"),
        "refund_lines": refund_lines.drop("owner_id", "partner_id"),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def engine_side(folder: Path) -> None:
    """Child process: load the frames, validate, compute; print figures; save the result."""
    frames = {name: pl.read_ipc(folder / f"{name}.arrow") for name in NAMES}
    loaded = _rss_mb()
    start = time.perf_counter()
    checked = Frames(**frames)  # validates, and makes each frame one contiguous chunk
    del frames
    validated = time.perf_counter()
    result = compute(metric_names(), checked, WINDOWS, segment=SEGMENT)
    done = time.perf_counter()
    compute(metric_names(), checked, WINDOWS, segment=SEGMENT)
    again = time.perf_counter() - done
    print(f"  validate frames             {validated - start:6.2f} s")
    print(
        f"  compute {len(metric_names())} metrics          {done - validated:6.2f} s"
        f"   ({result.height:,} rows × {result.width} columns; a second run: {again:.2f} s)"
    )
    print(f"  memory: frames loaded {loaded:.0f} MB RSS, peak {_peak_mb():.0f} MB RSS")
    result.write_parquet(folder / "result.parquet")
    (folder / "seconds.txt").write_text(f"{validated - start} {done - validated}")


def _local(day: str, hour: int) -> pl.Expr:
    """A date column at ``hour`` o'clock in the project's time zone, as aware datetimes."""
    from django.conf import settings

    moment = pl.col(day).cast(pl.Datetime("us")) + pl.duration(hours=hour)
    return moment.dt.replace_time_zone(settings.TIME_ZONE)


def load_sample(folder: Path, employees: int) -> dict[str, int]:
    """Load the sampled employees' rows through the Django models; return row counts."""
    from django.db import connection, transaction

    from meritline.org.models import Employee, LegalEntity, Platform
    from meritline.sales import models as sales

    counts: dict[str, int] = {}

    def put(model: Any, frame: pl.DataFrame, **fixed: Any) -> None:
        """bulk_create one instance per row (columns named as the model's fields)."""
        rows = (model(**row, **fixed) for row in frame.iter_rows(named=True))
        made = model.objects.bulk_create(rows, batch_size=BATCH)
        counts[model.__name__] = counts.get(model.__name__, 0) + len(made)

    def read(name: str, keep: pl.Expr) -> pl.DataFrame:
        return pl.read_ipc(folder / f"{name}.arrow").filter(keep)

    def text(template: str, column: str) -> pl.Expr:
        return pl.format(template, column)

    def choice(condition: pl.Expr, yes: str, no: str) -> pl.Expr:
        return pl.when(condition).then(pl.lit(yes)).otherwise(pl.lit(no))

    sampled = (pl.col("owner_id") % EVERY == 0) | (pl.col("partner_id") % EVERY == 0)
    contracts = read("contracts", sampled.fill_null(False))
    bench = {"source": "bench"}
    with transaction.atomic():
        _django.empty_tables(sales.Deal, sales.Customer, sales.Lead, sales.SegmentThreshold)
        _django.empty_tables(Employee, Platform, LegalEntity)
        entity = LegalEntity.objects.create(code="BENCH", name="Bench entity")
        put(
            Platform,
            pl.select(id=pl.int_range(1, 13)).with_columns(
                code=text("P{}", "id"), name=text("平台 {}", "id"), launched_on=pl.lit(FIRST_DAY)
            ),
        )
        put(
            sales.SegmentThreshold,
            pl.DataFrame(
                SEGMENT.thresholds, schema=["valid_from", "big_client_min_fen"], orient="row"
            ),
        )
        put(
            Employee,
            pl.select(id=pl.int_range(1, employees + 1)).with_columns(
                employee_no=text("B{}", "id"),
                name=text("员工{}", "id"),
                hire_date=pl.lit(FIRST_DAY),
            ),
            entity=entity,
        )
        customers = read(
            "customers", pl.col("customer_id").is_in(contracts["customer_id"].implode())
        )
        put(
            sales.Customer,
            customers.select(
                id="customer_id",
                external_id=pl.col("customer_id").cast(pl.String),
                name=text("客户{}", "customer_id"),
                name_normalised=text("客户{}", "customer_id"),
                kind=choice(
                    pl.col("is_enterprise"), sales.CustomerKind.ENTERPRISE, sales.CustomerKind.SMB
                ),
                platform_id="platform_id",
                first_purchase_on="first_purchase_on",
            ),
            **bench,
        )
        cancelled = pl.col("is_cancelled")
        put(
            sales.Deal,
            contracts.select(
                "signed_on",
                "cost_fen",
                "platform_id",
                "customer_id",
                "owner_id",
                "is_repurchase",
                id="deal_id",
                external_id=pl.col("deal_id").cast(pl.String),
                amount_fen="deal_amount_fen",
                status=choice(cancelled, sales.DealStatus.CANCELLED, sales.DealStatus.ACTIVE),
                cancelled_on=pl.when(cancelled).then("signed_on"),
            ),
            **bench,
        )
        shared = pl.col("partner_id").is_not_null()
        share = pl.Decimal(5, 4)
        put(  # the owner's split first: allocate() gives a tie to the earlier split
            sales.DealSplit,
            contracts.select(
                "deal_id",
                employee_id="owner_id",
                share=pl.when(shared).then(Decimal("0.5")).otherwise(Decimal(1)).cast(share),
            ),
        )
        put(
            sales.DealSplit,
            contracts.filter(shared).select(
                "deal_id", employee_id="partner_id", share=pl.lit(Decimal("0.5")).cast(share)
            ),
        )
        in_sample = pl.col("deal_id").is_in(contracts["deal_id"].implode())
        for model, name, day in (
            (sales.Collection, "collection_lines", "received_on"),
            (sales.Refund, "refund_lines", "refunded_on"),
        ):
            lines = read(name, in_sample)
            put(
                model,
                lines.select(
                    "deal_id", day, "amount_fen", external_id=pl.col("deal_id").cast(pl.String)
                ),
                **bench,
            )
        leads = read("leads", pl.col("employee_id") % EVERY == 0)
        chain = (
            (sales.Step.ENTERED, "created_on", 9),
            (sales.Step.VISITED, "first_follow_up_on", 10),
            (sales.Step.CONTRACT, "won_on", 11),
        )
        last = pl.lit(sales.Step.ENTERED.value)
        for step, day, _ in chain[1:]:
            last = pl.when(pl.col(day).is_not_null()).then(pl.lit(step.value)).otherwise(last)
        put(
            sales.Lead,
            leads.select(
                "source_employee_id",
                "platform_id",
                id="lead_id",
                external_id=pl.col("lead_id").cast(pl.String),
                number=text("L{}", "lead_id"),
                company_name=text("公司{}", "lead_id"),
                company_name_normalised=text("公司{}", "lead_id"),
                source_kind=choice(
                    pl.col("source_employee_id").is_null(),
                    sales.SourceKind.SELF_SOURCED,
                    sales.SourceKind.MARKETING,
                ),
                owner_id="employee_id",
                step=last,
                step_at=pl.coalesce(*(_local(day, hour) for _, day, hour in reversed(chain))),
                entered_at=_local("created_on", 9),
            ),
            **bench,
        )
        steps = [
            leads.select(
                "lead_id", owner_id="employee_id", step=pl.lit(step.value), at=_local(day, hour)
            ).drop_nulls("at")
            for step, day, hour in chain
        ]
        put(sales.LeadStep, pl.concat(steps))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as a live database has them
    return counts


def _big_deal(prefix: str) -> Any:
    """Q: the deal's whole amount reaches the big-client threshold in force when signed."""
    from django.db.models import Q

    from meritline.sales.models import SegmentThreshold

    rows = list(
        SegmentThreshold.objects.order_by("valid_from").values_list(
            "valid_from", "big_client_min_fen"
        )
    )
    big = Q()
    for index, (start, fen) in enumerate(rows):
        term = Q(**{f"{prefix}amount_fen__gte": fen})
        if index:
            term &= Q(**{f"{prefix}signed_on__gte": start})
        if index + 1 < len(rows):
            term &= Q(**{f"{prefix}signed_on__lt": rows[index + 1][0]})
        big |= term
    return big


def orm_numbers(employee: int, big: Any) -> dict[str, Any]:
    """Every base number of one employee, ``<base>_<i>`` for window ``ALL_WINDOWS[i]``,
    from four ORM aggregate queries (filtered Sum/Count per window)."""
    from django.db.models import Count, DecimalField, F, Min, Q, Sum
    from django.db.models.functions import TruncDate

    from meritline.sales.frames import FOLLOW_UP_STEPS, WON_STEPS
    from meritline.sales.models import (
        Collection,
        CustomerKind,
        DealSplit,
        DealStatus,
        Lead,
        Refund,
    )

    def fen(amount: str, share: str, when: Q) -> Sum:
        # the credited share of an amount: amount × share (whole fen, see the docstring)
        return Sum(F(amount) * F(share), filter=when, output_field=DecimalField())

    span = (ALL_WINDOWS[0][0], ALL_WINDOWS[-1][1])
    splits = DealSplit.objects.filter(employee_id=employee, deal__status=DealStatus.ACTIVE)
    customer = "deal__customer_id"
    aggregates: dict[str, Any] = {}
    for i, (start, end) in enumerate(ALL_WINDOWS):
        signed = Q(deal__signed_on__range=(start, end))
        aggregates[f"amount_{i}"] = fen("deal__amount_fen", "share", signed)
        aggregates[f"buyers_{i}"] = Count(customer, distinct=True, filter=signed)
        if not i:
            continue
        before = splits.filter(deal__signed_on__range=ALL_WINDOWS[i - 1]).values(customer)
        aggregates |= {
            f"cost_{i}": fen("deal__cost_fen", "share", signed),
            f"deals_{i}": Count("deal_id", filter=signed),
            f"big_deals_{i}": Count("deal_id", filter=signed & big),
            f"small_deals_{i}": Count("deal_id", filter=signed & ~big),
            f"repurchasers_{i}": Count(
                customer, distinct=True, filter=signed & Q(deal__is_repurchase=True)
            ),
            f"enterprise_{i}": Count(
                customer,
                distinct=True,
                filter=signed & Q(deal__customer__kind=CustomerKind.ENTERPRISE),
            ),
            f"new_customers_{i}": Count(
                customer,
                distinct=True,
                filter=signed & Q(deal__signed_on=F("deal__customer__first_purchase_on")),
            ),
            f"retained_{i}": Count(
                customer, distinct=True, filter=signed & Q(deal__customer_id__in=before)
            ),
        }
    numbers = splits.filter(deal__signed_on__range=span).aggregate(**aggregates)

    for model, day, flow, cohort in (
        (Collection, "received_on", "collected", "cohort_collected"),
        (Refund, "refunded_on", "refunded", "cohort_refunded"),
    ):
        aggregates = {}
        for i, (start, end) in enumerate(ALL_WINDOWS):
            dated = Q(**{f"{day}__range": (start, end)})
            if i or flow == "refunded":  # refunds of the month before feed growth_rate
                aggregates[f"{flow}_{i}"] = fen("amount_fen", "deal__splits__share", dated)
            if i:
                of_window = Q(deal__signed_on__range=(start, end), **{f"{day}__lte": end})
                aggregates[f"{cohort}_{i}"] = fen("amount_fen", "deal__splits__share", of_window)
        lines = model.objects.filter(
            deal__splits__employee_id=employee,
            deal__status=DealStatus.ACTIVE,
            **{f"{day}__range": span},
        )
        numbers |= lines.aggregate(**aggregates)

    leads = Lead.objects.filter(
        Q(owner_id=employee) | Q(owner__isnull=True, source_employee_id=employee),
        entered_at__date__range=(WINDOWS[0][0], WINDOWS[-1][1]),
    ).annotate(
        created=TruncDate("entered_at"),
        won=TruncDate(Min("steps__at", filter=Q(steps__step__in=WON_STEPS))),
        follow=TruncDate(Min("steps__at", filter=Q(steps__step__in=FOLLOW_UP_STEPS))),
    )
    aggregates = {}
    for i, (start, end) in enumerate(WINDOWS, start=1):
        created = Q(created__range=(start, end))
        followed = created & Q(follow__lte=end)
        aggregates |= {
            f"leads_{i}": Count("pk", filter=created),
            f"won_{i}": Count("pk", filter=created & Q(won__lte=end)),
            f"followed_up_{i}": Count("pk", filter=followed),
            f"follow_up_days_{i}": Sum(F("follow") - F("created"), filter=followed),
        }
    numbers |= leads.aggregate(**aggregates)
    return numbers


def _whole(value: Any) -> int:
    """An aggregate as an exact integer (None → 0; days of a duration; refuses fractions)."""
    if value is None:
        return 0
    if isinstance(value, timedelta):
        if value.seconds or value.microseconds:
            raise ValueError(f"not whole days: {value}")
        return value.days
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise ValueError(f"not whole fen: {value}")
    return int(value)


def as_metrics(numbers: dict[str, Any], i: int) -> dict[str, Any]:
    """The engine's metric columns for window ``ALL_WINDOWS[i]`` from ``orm_numbers``."""

    def b(base: str, index: int = i) -> int:
        return _whole(numbers.get(f"{base}_{index}"))

    sales = b("amount") - b("refunded")
    prev_sales = b("amount", i - 1) - b("refunded", i - 1)
    pairs = {
        "collection_rate": (
            b("cohort_collected") - b("cohort_refunded"),
            b("amount") - b("cohort_refunded"),
        ),
        "conversion_rate": (b("won"), b("leads")),
        "repurchase_rate": (b("repurchasers"), b("buyers")),
        "retention_rate": (b("retained"), b("buyers", i - 1)),
        "gross_margin_rate": (sales - b("cost"), sales),
        "growth_rate": (sales - prev_sales, prev_sales),
        "big_client_signing_rate": (b("big_deals"), b("deals")),
        "average_follow_up_days": (b("follow_up_days"), b("followed_up")),
    }
    out: dict[str, Any] = {
        "sales_amount": sales,
        "deal_count": b("deals"),
        "collection_amount": b("collected"),
        "new_customers": b("new_customers"),
        "enterprise_clients": b("enterprise"),
        "gross_margin": sales - b("cost"),
        "small_order_volume": b("small_deals"),
    }
    for name, (num, den) in pairs.items():
        out[f"{name}__num"], out[f"{name}__den"] = num, den
        out[name] = rate(num, den)
    return out


class _Queries:
    """Counts the queries Django sends and the seconds spent waiting for the database."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(*args)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


def orm_side(folder: Path, employees: int, engine_seconds: tuple[float, float], url: str) -> None:
    """Load the 1 % sample into PostgreSQL, time the per-employee ORM queries, compare."""
    name = _django.setup(url)
    from django.db import connection

    print(f"per employee: Django ORM aggregate queries on PostgreSQL (database {name})")
    start = time.perf_counter()
    counts = load_sample(folder, employees)
    loaded = ", ".join(f"{label} {count:,}" for label, count in counts.items())
    print(f"  load the 1 % sample (bulk_create, not timed) {time.perf_counter() - start:6.1f} s")
    print(f"    ({loaded})")
    sample = list(range(EVERY, employees + 1, EVERY))
    big = _big_deal("deal__")
    queries = _Queries()
    with connection.execute_wrapper(queries):
        start = time.perf_counter()
        numbers = {employee: orm_numbers(employee, big) for employee in sample}
        seconds = time.perf_counter() - start
    per = max(len(sample), 1)
    extrapolated = seconds * employees / per
    print(
        f"  {len(sample)} employees (1 %), {queries.count / per:g} aggregate queries each:"
        f" {seconds:8.2f} s ({seconds / per * 1000:.1f} ms an employee: "
        f"{queries.seconds / per * 1000:.1f} ms in PostgreSQL, the rest building and "
        f"compiling the queries in Django)"
    )
    print(f"  extrapolated to {employees:,} employees       {extrapolated:8.1f} s")
    validate, compute_seconds = engine_seconds
    print(
        f"  engine is {extrapolated / compute_seconds:,.0f}× faster (compute), "
        f"{extrapolated / (validate + compute_seconds):,.0f}× (validate + compute); "
        f"against the PostgreSQL time alone "
        f"{queries.seconds * employees / per / compute_seconds:,.0f}× (compute)"
    )

    result = pl.read_parquet(folder / "result.parquet").filter(pl.col("employee_id") % EVERY == 0)
    starts = [s for s, _ in ALL_WINDOWS]
    mismatches: list[str] = []
    for row in result.iter_rows(named=True):
        i = starts.index(row["window_start"])
        expected = as_metrics(numbers.get(row["employee_id"], {}), i)
        wrong = [f"{k} {row[k]} ≠ {v}" for k, v in expected.items() if row[k] != v]
        if wrong:
            mismatches.append(f"employee {row['employee_id']} {row['window_start']:%Y-%m}: {wrong}")
    compared = set(result["employee_id"])
    print(
        f"  same numbers as the engine: {'yes' if not mismatches else 'NO'} "
        f"({len(compared)} employees × {len(WINDOWS)} months = {result.height} rows "
        f"compared, {len(result.columns) - 3} columns each; {len(mismatches)} differ)"
    )
    for line in mismatches[:5]:
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help="PostgreSQL database of the ORM side"
    )
    parser.add_argument("--engine-only", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_only:
        engine_side(Path(args.engine_only))
        return
    deal_rows, lead_rows = int(5_000_000 * args.scale), int(2_000_000 * args.scale)
    employees, customers = int(20_000 * args.scale), int(1_000_000 * args.scale)
    with tempfile.TemporaryDirectory(prefix="meritline-metrics-") as tmp:
        folder = Path(tmp)
        print(
            f"generate {deal_rows:,} deal rows, {lead_rows:,} leads, {employees:,} employees, "
            f"{customers:,} customers, 24 months"
        )
        start = time.perf_counter()
        frames = generate(deal_rows, lead_rows, employees, customers)
        generated = time.perf_counter() - start
        for name, frame in frames.items():
            frame.write_ipc(folder / f"{name}.arrow", compression="uncompressed")
        sizes = ", ".join(f"{name} {frames[name].height:,}" for name in NAMES)
        print(f"  {generated:.2f} s ({sizes}; {frames['contracts'].height:,} contracts)")
        del frames
        print("engine: all metrics × 12 monthly windows (2025), fresh process")
        subprocess.run([sys.executable, __file__, "--engine-only", tmp], check=True)  # noqa: S603
        validate, compute_s = map(float, (folder / "seconds.txt").read_text().split())
        orm_side(folder, employees, (validate, compute_s), args.database_url)


if __name__ == "__main__":
    main()
