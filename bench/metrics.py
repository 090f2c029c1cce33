"""Metrics engine throughput: every metric for 20,000 employees × 12 monthly windows.

Prints figures; not part of `make test`. Run: `uv run python bench/metrics.py`
(`--scale 0.1` for a quick run). Steps:

1. generate (seeded, vectorised polars, no numpy) 5,000,000 credited deal rows and
   2,000,000 leads for 20,000 employees over 24 months (2024-01 … 2025-12), with
   collections, refunds, cancellations, splits and 1,000,000 customers; write them
   to Parquet in a temporary folder;
2. in a fresh process (so its peak memory is its own): load, validate, and compute
   all metrics for the 12 months of 2025; print seconds and peak RSS;
3. the per-employee way: a 1 % sample of the employees (all their rows) in an
   SQLite table, a fixed set of aggregate queries per employee — raw SQL through the
   standard `sqlite3` module, NOT the Django ORM (the sales models do not exist yet)
   — timed, extrapolated to all employees, and checked equal to the engine's numbers.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from meritline.metrics import Frames, Segment, compute, metric_names, monthly_windows, rate

FIRST_DAY = date(2024, 1, 1)
DAYS = (date(2026, 1, 1) - FIRST_DAY).days  # 24 months
WINDOWS = monthly_windows("2025-01", 12)
SEGMENT = Segment(((date(2024, 1, 1), 300_000), (date(2025, 7, 1), 1_000_000)))
NAMES = ("deals", "collections", "refunds", "leads", "customers")


def _rand(n: int, seed: int) -> pl.Expr:
    """A seeded pseudo-random UInt64 per row (hash of the row number)."""
    return pl.int_range(n, dtype=pl.UInt64).hash(seed)


def _below(n: int, seed: int, high: int) -> pl.Expr:
    return (_rand(n, seed) % high).cast(pl.Int64)


def _day(offset: pl.Expr) -> pl.Expr:
    return pl.lit(FIRST_DAY) + pl.duration(days=offset)


def generate(deal_rows: int, lead_rows: int, employees: int, customers: int) -> dict[str, Any]:
    split = deal_rows // 12  # deals with a collaborator: two credited rows
    n = deal_rows - split
    base = pl.select(
        deal_id=pl.int_range(n, dtype=pl.Int64),
        employee_id=_below(n, 1, employees),
        customer_id=_below(n, 2, customers),
        platform_id=_below(n, 3, 12),
        signed_on=_day(_below(n, 4, DAYS)),
        # log-ish spread of contract sizes: 500 CNY … ~2 M CNY
        deal_amount_fen=(50_000 + (_rand(n, 5) % 1000) ** 2 * (_rand(n, 6) % 200 + 1)).cast(
            pl.Int64
        ),
        is_cancelled=(_rand(n, 7) % 50) == 0,
        lead_id=pl.when(_rand(n, 8) % 3 == 0).then(_below(n, 9, lead_rows)).otherwise(None),
        cost_pct=_below(n, 10, 70) + 10,
        partner_offset=_below(n, 11, employees - 1) + 1,
    )
    owner_half = pl.col("deal_amount_fen") - pl.col("deal_amount_fen") // 2
    shared = pl.col("deal_id") < split
    owners = base.with_columns(
        amount_fen=pl.when(shared).then(owner_half).otherwise(pl.col("deal_amount_fen"))
    )
    partners = base.filter(shared).with_columns(
        employee_id=(pl.col("employee_id") + pl.col("partner_offset")) % employees,
        amount_fen=pl.col("deal_amount_fen") // 2,
    )
    deals = pl.concat([owners, partners]).with_columns(
        cost_fen=pl.col("amount_fen") * pl.col("cost_pct") // 100
    )
    live = deals.filter(~pl.col("is_cancelled"))
    first = live.group_by("customer_id").agg(first_purchase_on=pl.col("signed_on").min())
    deals = (
        deals.join(first, on="customer_id", how="left")
        .with_columns(
            is_repurchase=pl.col("first_purchase_on").is_not_null()
            & (pl.col("signed_on") > pl.col("first_purchase_on"))
        )
        .select(
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
    )
    customer_frame = (
        pl.select(customer_id=pl.int_range(customers, dtype=pl.Int64))
        .with_columns(
            is_enterprise=(_rand(customers, 12) % 10) < 3,
            platform_id=_below(customers, 13, 12),
        )
        .join(first, on="customer_id", how="left")
    )
    m = deals.height
    paid = deals.select("deal_id", "employee_id", "signed_on", "amount_fen").with_columns(
        r=(_rand(m, 14) % 100).cast(pl.Int64)
    )
    collections = paid.filter(pl.col("r") < 85).select(
        "deal_id",
        "employee_id",
        received_on=pl.col("signed_on") + pl.duration(days=pl.col("r") % 45),
        amount_fen=pl.when(pl.col("r") < 60)
        .then(pl.col("amount_fen"))
        .otherwise(pl.col("amount_fen") // 2),
    )
    refunds = paid.filter(pl.col("r") >= 98).select(
        "deal_id",
        "employee_id",
        refunded_on=pl.col("signed_on") + pl.duration(days=pl.col("r") - 60),
        amount_fen=pl.col("amount_fen") // (pl.col("r") - 96),
    )
    k = lead_rows
    leads = pl.select(
        lead_id=pl.int_range(k, dtype=pl.Int64),
        employee_id=_below(k, 15, employees),
        source=_below(k, 16, employees),
        platform_id=_below(k, 17, 12),
        created_on=_day(_below(k, 18, DAYS)),
        r=(_rand(k, 19) % 100).cast(pl.Int64),
    ).select(
        "lead_id",
        "employee_id",
        source_employee_id=pl.when(pl.col("r") < 40).then(pl.col("source")).otherwise(None),
        platform_id="platform_id",
        created_on="created_on",
        first_follow_up_on=pl.when(pl.col("r") < 90)
        .then(pl.col("created_on") + pl.duration(days=pl.col("r") % 15))
        .otherwise(None),
        won_on=pl.when(pl.col("r") < 25)
        .then(pl.col("created_on") + pl.duration(days=pl.col("r") * 2))
        .otherwise(None),
    )
    return {
        "deals": deals,
        "collections": collections,
        "refunds": refunds,
        "leads": leads,
        "customers": customer_frame.select(
            "customer_id", "is_enterprise", "platform_id", "first_purchase_on"
        ),
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


SQL_DEALS = """
SELECT substr(d.signed_on, 1, 7), SUM(d.amount_fen), SUM(d.cost_fen), COUNT(DISTINCT d.deal_id),
  COUNT(DISTINCT CASE WHEN d.deal_amount_fen >= {threshold} THEN d.deal_id END),
  COUNT(DISTINCT CASE WHEN d.deal_amount_fen < {threshold} THEN d.deal_id END),
  COUNT(DISTINCT d.customer_id),
  COUNT(DISTINCT CASE WHEN d.is_repurchase THEN d.customer_id END),
  COUNT(DISTINCT CASE WHEN c.is_enterprise THEN d.customer_id END),
  COUNT(DISTINCT CASE WHEN d.signed_on = c.first_purchase_on THEN d.customer_id END)
FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
WHERE d.employee_id = ? AND NOT d.is_cancelled AND d.signed_on BETWEEN ? AND ?
GROUP BY 1
"""
SQL_FLOW = """
SELECT substr(x.{day}, 1, 7), SUM(x.amount_fen)
FROM {table} x JOIN deals d ON d.deal_id = x.deal_id AND d.employee_id = x.employee_id
WHERE x.employee_id = ? AND NOT d.is_cancelled AND x.{day} BETWEEN ? AND ?
GROUP BY 1
"""
SQL_COHORT = """
SELECT substr(d.signed_on, 1, 7), SUM(x.amount_fen)
FROM {table} x JOIN deals d ON d.deal_id = x.deal_id AND d.employee_id = x.employee_id
WHERE x.employee_id = ? AND NOT d.is_cancelled AND d.signed_on BETWEEN ? AND ?
  AND x.{day} <= date(d.signed_on, 'start of month', '+1 month', '-1 day')
GROUP BY 1
"""
SQL_LEADS = """
SELECT substr(created_on, 1, 7), COUNT(*),
  SUM(won_on IS NOT NULL AND won_on <= date(created_on, 'start of month', '+1 month', '-1 day')),
  SUM(CASE WHEN first_follow_up_on <= date(created_on, 'start of month', '+1 month', '-1 day')
      THEN CAST(julianday(first_follow_up_on) - julianday(created_on) AS INTEGER) END),
  SUM(first_follow_up_on IS NOT NULL
      AND first_follow_up_on <= date(created_on, 'start of month', '+1 month', '-1 day'))
FROM leads WHERE employee_id = ? AND created_on BETWEEN ? AND ?
GROUP BY 1
"""
SQL_RETENTION = """
WITH s AS (
  SELECT DISTINCT substr(signed_on, 1, 7) AS m, customer_id FROM deals
  WHERE employee_id = ? AND NOT is_cancelled AND signed_on BETWEEN ? AND ?)
SELECT strftime('%Y-%m', date(p.m || '-01', '+1 month')), COUNT(*), COUNT(c.customer_id)
FROM s p LEFT JOIN s c ON c.customer_id = p.customer_id
  AND c.m = strftime('%Y-%m', date(p.m || '-01', '+1 month'))
GROUP BY 1
"""


def _load_sqlite(folder: Path, every: int) -> tuple[sqlite3.Connection, list[int]]:
    db = sqlite3.connect(":memory:")
    sample = pl.col("employee_id") % every == 0
    for name in NAMES:
        frame = pl.read_ipc(folder / f"{name}.arrow")
        if "employee_id" in frame.columns:
            frame = frame.filter(sample)
        frame = frame.with_columns(pl.col(pl.Date).cast(pl.String))
        columns = ", ".join(frame.columns)
        db.execute(f"CREATE TABLE {name} ({columns})")
        marks = ", ".join("?" for _ in frame.columns)
        db.executemany(f"INSERT INTO {name} VALUES ({marks})", frame.iter_rows())  # noqa: S608
    for index in (
        "deals(employee_id, signed_on)",
        "deals(deal_id, employee_id)",
        "collections(employee_id)",
        "refunds(employee_id)",
        "leads(employee_id, created_on)",
        "customers(customer_id)",
    ):
        db.execute(f"CREATE INDEX ix_{index.split('(')[0]}_{abs(hash(index))} ON {index}")
    employees = [row[0] for row in db.execute("SELECT DISTINCT employee_id FROM deals")]
    return db, sorted(employees)


def _per_employee(db: sqlite3.Connection, employee: int) -> dict[str, dict[str, int]]:
    """Every base number for one employee, by month, with a fixed set of aggregate queries."""
    first, last = str(WINDOWS[0][0]), str(WINDOWS[-1][1])
    before = str(date(WINDOWS[0][0].year - 1, 12, 1))
    months: dict[str, dict[str, int]] = {}

    def put(month: str, **values: int | None) -> None:
        months.setdefault(month, {}).update({k: v or 0 for k, v in values.items()})

    segments = []
    for (start, threshold), end in zip(
        SEGMENT.thresholds, [*(s for s, _ in SEGMENT.thresholds[1:]), date(2100, 1, 1)], strict=True
    ):
        segments.append(
            (
                str(max(start, date(WINDOWS[0][0].year - 1, 12, 1))),
                str(end - timedelta(days=1)),
                threshold,
            )
        )
    for low, high, threshold in segments:
        for row in db.execute(SQL_DEALS.format(threshold=threshold), (employee, low, high)):
            put(
                row[0],
                amount=row[1],
                cost=row[2],
                deals=row[3],
                big=row[4],
                small=row[5],
                buyers=row[6],
                repurchasers=row[7],
                enterprise=row[8],
                new=row[9],
            )
    for table, day, key in (
        ("refunds", "refunded_on", "refunded"),
        ("collections", "received_on", "collected"),
    ):
        for month, value in db.execute(
            SQL_FLOW.format(table=table, day=day), (employee, before, last)
        ):
            put(month, **{key: value})
    for table, day, key in (
        ("collections", "received_on", "cohort_collected"),
        ("refunds", "refunded_on", "cohort_refunded"),
    ):
        for month, value in db.execute(
            SQL_COHORT.format(table=table, day=day), (employee, first, last)
        ):
            put(month, **{key: value})
    for row in db.execute(SQL_LEADS, (employee, first, last)):
        put(row[0], leads=row[1], won=row[2], follow_up_days=row[3], followed_up=row[4])
    for month, prev_buyers, retained in db.execute(SQL_RETENTION, (employee, before, last)):
        put(month, prev_buyers=prev_buyers, retained=retained)
    return months


def _as_metrics(months: dict[str, dict[str, int]], month: str, previous: str) -> dict[str, Any]:
    b = {
        key: 0
        for key in (
            "amount",
            "cost",
            "deals",
            "big",
            "small",
            "buyers",
            "repurchasers",
            "enterprise",
            "new",
            "refunded",
            "collected",
            "cohort_collected",
            "cohort_refunded",
            "leads",
            "won",
            "follow_up_days",
            "followed_up",
            "prev_buyers",
            "retained",
        )
    }
    b.update(months.get(month, {}))
    p = months.get(previous, {})
    sales = b["amount"] - b["refunded"]
    prev_sales = p.get("amount", 0) - p.get("refunded", 0)
    pairs = {
        "collection_rate": (
            b["cohort_collected"] - b["cohort_refunded"],
            b["amount"] - b["cohort_refunded"],
        ),
        "conversion_rate": (b["won"], b["leads"]),
        "repurchase_rate": (b["repurchasers"], b["buyers"]),
        "retention_rate": (b["retained"], b["prev_buyers"]),
        "gross_margin_rate": (sales - b["cost"], sales),
        "growth_rate": (sales - prev_sales, prev_sales),
        "big_client_signing_rate": (b["big"], b["deals"]),
        "average_follow_up_days": (b["follow_up_days"], b["followed_up"]),
    }
    out: dict[str, Any] = {
        "sales_amount": sales,
        "deal_count": b["deals"],
        "collection_amount": b["collected"],
        "new_customers": b["new"],
        "enterprise_clients": b["enterprise"],
        "gross_margin": sales - b["cost"],
        "small_order_volume": b["small"],
    }
    for name, (num, den) in pairs.items():
        out[f"{name}__num"], out[f"{name}__den"] = num, den
        out[name] = rate(num, den)
    return out


def sql_side(folder: Path, employees: int, engine_seconds: tuple[float, float]) -> None:
    every = 100
    db, sample = _load_sqlite(folder, every)
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    start = time.perf_counter()
    numbers = {employee: _per_employee(db, employee) for employee in sample}
    seconds = time.perf_counter() - start
    db.set_trace_callback(None)
    queries = len(statements) // max(len(sample), 1)
    extrapolated = seconds * employees / max(len(sample), 1)
    print(f"  {len(sample)} employees (1 %), {queries} aggregate queries each: {seconds:6.2f} s")
    print(f"  extrapolated to {employees:,} employees       {extrapolated:8.1f} s")
    validate, compute_seconds = engine_seconds
    print(
        f"  engine is {extrapolated / compute_seconds:,.0f}× faster (compute), "
        f"{extrapolated / (validate + compute_seconds):,.0f}× (validate + compute)"
    )

    result = pl.read_parquet(folder / "result.parquet").filter(pl.col("employee_id") % every == 0)
    labels = [f"{start:%Y-%m}" for start, _ in WINDOWS]
    previous = [
        f"{date(s.year - (s.month == 1), (s.month - 2) % 12 + 1, 1):%Y-%m}" for s, _ in WINDOWS
    ]
    mismatches = 0
    for row in result.iter_rows(named=True):
        index = labels.index(f"{row['window_start']:%Y-%m}")
        expected = _as_metrics(numbers.get(row["employee_id"], {}), labels[index], previous[index])
        if any(row[key] != value for key, value in expected.items()):
            mismatches += 1
    print(
        f"  same numbers as the engine: {'yes' if not mismatches else 'NO'} "
        f"({result.height} employee-months compared, {mismatches} differ)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
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
        sizes = ", ".join(f"{name} {frame.height:,}" for name, frame in frames.items())
        print(f"  {generated:.2f} s ({sizes})")
        del frames
        print("engine: all metrics × 12 monthly windows (2025), fresh process")
        subprocess.run([sys.executable, __file__, "--engine-only", tmp], check=True)  # noqa: S603
        validate, compute_s = map(float, (folder / "seconds.txt").read_text().split())
        print("per employee: raw SQL on SQLite (sqlite3), not the Django ORM")
        sql_side(folder, employees, (validate, compute_s))


if __name__ == "__main__":
    main()
