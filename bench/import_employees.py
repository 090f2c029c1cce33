"""Employee import throughput: check, write, and re-import (unchanged) N rows.

Prints figures; not part of `make test`. Run: `uv run python bench/import_employees.py 3000`.
Uses a throw-away SQLite database (or DATABASE_URL) with the demo company as its base.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from datetime import date

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
os.environ.setdefault("MERITLINE_VAR_DIR", tempfile.mkdtemp(prefix="meritline-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meritline.config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from meritline.core.models import User  # noqa: E402
from meritline.org.services.imports import employee_import  # noqa: E402


def build_file(rows: int) -> bytes:
    out = io.StringIO()
    out.write(
        "工号,姓名,性别,邮箱,手机号,法人实体,入职日期,部门编码,岗位编码,职级编码,上级工号,平台编码,身份证号,基本工资\n"
    )
    out.write("XH80000,柏林,男,,,SH,2026-01-05,S-GOV,MGR,,,GOV,,16000\n")
    for i in range(1, rows):
        out.write(f"XH8{i:04d},员工{i},女,,139{i:08d},SH,2026-01-05,S-GOV,REP,,XH80000,GOV,,8000\n")
    return out.getvalue().encode("utf-8")


def timed(label: str, **kwargs: object) -> float:
    start = time.perf_counter()
    report = employee_import(**kwargs)  # type: ignore[arg-type]
    if report.refused:
        raise SystemExit(f"refused: {report.refused}")
    if report.errors:
        raise SystemExit(f"row errors: {report.errors[:3]}")
    seconds = time.perf_counter() - start
    counts = (report.created, report.updated, report.unchanged, report.error_rows)
    print(
        f"{label:<28} {seconds:7.2f} s  {ROWS / seconds:8.0f} rows/s  "
        f"created/updated/unchanged/errors={counts}"
    )
    return seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", "--if-absent", stdout=io.StringIO())
    actor = User.objects.get(username="wangfang")
    data = build_file(ROWS)
    common = {
        "actor": actor,
        "file_name": "bench.csv",
        "data": data,
        "effective_date": date(2026, 11, 23),
    }
    print(f"{ROWS} rows, {len(data) / 1024:.0f} KiB, database {django.db.connection.vendor}")
    check = timed("check (dry run)", dry_run=True, **common)
    write = timed("write", dry_run=False, **common)
    again = timed("re-import, all unchanged", dry_run=False, **common)
    print(
        f"ratios in this run: write/check {write / check:.1f}x, "
        f"re-import/check {again / check:.1f}x"
    )


if __name__ == "__main__":
    main()
