"""Deal import throughput: 1,000,000 deals from one CSV file into PostgreSQL, then the
same file again (every row unchanged), then a corrected file (1 % of rows changed).

Prints figures; not part of `make test`. Run:
`uv run python bench/import_deals.py [ROWS]` (default 1,000,000).

The import goes the way `meritline import deals FILE --platform CODE` goes — the file is
read (GB18030/UTF-8 CSV), every cell parsed, every row validated against the database
(platform, customer, owner employed on the signing date, split shares, duplicates,
future dates), and written with COPY — on a throw-away PostgreSQL database
(`meritline_bench_import`, dropped and created again; override with DATABASE_URL) holding
the demo company. Targets (issue 3): first import ≤ 60 s, re-import ≤ 30 s.
"""

from __future__ import annotations

import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
BENCH_DB = "meritline_bench_import"


def _psql(sql: str) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],  # noqa: S607
        check=True,
    )


if "DATABASE_URL" not in os.environ:
    _psql(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _psql(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
os.environ.setdefault("MERITLINE_VAR_DIR", tempfile.mkdtemp(prefix="meritline-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meritline.config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from meritline.core.models import User  # noqa: E402
from meritline.org.models import Employee, Platform  # noqa: E402
from meritline.sales.models import Deal, JobStatus  # noqa: E402
from meritline.sales.services.common import ALL_OR_NOTHING  # noqa: E402
from meritline.sales.services.imports import import_job_create, import_job_run  # noqa: E402

FIRST_DAY = date(2024, 1, 1)
CUSTOMERS = 100_000
DAYS = (date(2026, 10, 31) - FIRST_DAY).days


def build_file(rows: int, *, changed_every: int = 0) -> bytes:
    """A seeded CSV of ``rows`` deals in GB18030 as Chinese Excel saves it; with
    ``changed_every`` every n-th row has a different amount."""
    rng = random.Random(20261123)
    owners = list(
        Employee.objects.filter(hire_date__lte=FIRST_DAY, leave_date__isnull=True).values_list(
            "employee_no", flat=True
        )
    )
    customers = [f"C{i:06d}" for i in range(CUSTOMERS)]
    platforms = list(Platform.objects.values_list("code", flat=True))
    out = io.StringIO()
    out.write("订单号,合同编号,签约日期,合同金额,成本,客户编号,负责人工号,平台,产品,分成\n")
    for i in range(rows):
        owner = rng.choice(owners)
        yuan = rng.randint(800, 1_500_000)
        if changed_every and i % changed_every == 0:
            yuan += 1
        splits = ""
        if i % 12 == 0:
            partner = rng.choice(owners)
            if partner != owner:
                splits = f"{owner}:60%;{partner}:40%"
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        out.write(
            f"B{i:07d},HT-B{i:07d},{day.isoformat()},{yuan}.{i % 100:02d},{yuan // 3},"
            f"{rng.choice(customers)},{owner},{rng.choice(platforms)},SaaS;服务,{splits}\n"
        )
    return out.getvalue().encode("gb18030")


def customers_file() -> bytes:
    """The customers the deals are signed with, new to the database (a new platform's
    first import): 客户编号, 名称, 类型."""
    out = io.StringIO()
    out.write("客户编号,客户名称,客户类型,行业\n")
    for i in range(CUSTOMERS):
        kind = "企业" if i % 5 == 0 else "中小企业"
        out.write(f"C{i:06d},星河测试客户{i:06d}有限公司,{kind},软件\n")
    return out.getvalue().encode("utf-8")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(
    label: str, actor: User, data: bytes, expect: tuple[int, int, int], kind: str = "deals"
) -> float:
    start = time.perf_counter()
    job, table = import_job_create(
        actor=actor,
        kind=kind,
        platform="GLOBAL",
        file_name="deals.csv",
        data=data,
        source="bench",
        mode=ALL_OR_NOTHING,
        keep_file=False,
    )
    job.status = JobStatus.QUEUED
    job.save(update_fields=["status"])
    job = import_job_run(job.pk, table=table)
    seconds = time.perf_counter() - start
    if job.status != JobStatus.DONE or job.error_rows:
        raise SystemExit(f"{label}: {job.status} {job.failure} {job.errors[:3]}")
    counts = (job.created, job.updated, job.unchanged)
    if counts != expect:
        raise SystemExit(f"{label}: created/updated/unchanged {counts}, expected {expect}")
    print(
        f"{label:<34} {seconds:7.1f} s  {sum(counts) / seconds:9,.0f} rows/s  "
        f"created/updated/unchanged={counts}  peak RSS {peak_mb():,.0f} MB"
    )
    return seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", "--if-absent", stdout=io.StringIO())
    actor = User.objects.get(username="zhouting")  # finance writes sales records
    data = build_file(ROWS)
    corrected = build_file(ROWS, changed_every=100)
    changed = len(range(0, ROWS, 100))
    print(
        f"{ROWS:,} deals, {len(data) / 2**20:.0f} MiB CSV (GB18030), "
        f"database {connection.vendor} {connection.settings_dict['NAME']}, {os.cpu_count()} cores"
    )
    timed("customers (setup)", actor, customers_file(), (CUSTOMERS, 0, 0), kind="customers")
    first = timed("first import", actor, data, (ROWS, 0, 0))
    again = timed("re-import, every row unchanged", actor, data, (0, 0, ROWS))
    timed("corrected file, 1 % changed", actor, corrected, (0, changed, ROWS - changed))
    print(f"stored deals: {Deal.objects.filter(source='bench').count():,}")
    print(
        f"targets: first ≤ 60 s ({'met' if first <= 60 else 'NOT met'}), "
        f"re-import ≤ 30 s ({'met' if again <= 30 else 'NOT met'}); "
        f"re-import/first {again / first:.2f}"
    )


if __name__ == "__main__":
    main()
