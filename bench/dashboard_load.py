"""The rep dashboard under load (issue 5, PRF-7): p50/p95/p99 of `GET /analytics/me/`
with 20 concurrent users on PostgreSQL holding the demo company scaled to 10,000
employees. Target: p95 ≤ 200 ms.

Prints figures; not part of `make test`. Needs the bench tools (`make bench-deps`:
locust, gunicorn). Run:

    uv run --group bench python bench/dashboard_load.py \
        [--url postgres://postgres@127.0.0.1:5432/meritline_bench_dash] \
        [--employees 10000] [--users 20] [--seconds 60] [--workers 2] [--threads 4] \
        [--writes 5] [--cold]

Steps: create and migrate the bench database; build the demo company (once); clone its
sales reps to reach ``--employees`` (bench/dashboard_scale.py); open and score the
current cycle of every platform that has none; prepare a signed-in session for up to
2,000 reps with an appraisal; compute their dashboards ahead as the morning task does
(``--cold``: drop them instead, so that every view computes its own); serve the app
with gunicorn (DEBUG off); run locust headless, each user opening the dashboard as a
different rep each time, while ``--writes`` random reps' deals change each second (their
next view computes again); print the percentiles and errors from locust's statistics.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django
from dashboard_scale import enrol, scale

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SESSIONS = 2000


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/meritline_bench_dash")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wait", default="0.5,1.5", help="think time min,max in seconds")
    parser.add_argument(
        "--writes",
        type=float,
        default=5.0,
        help="sales records changed per second during the load (each a random rep's "
        "deal, as the day's work does; it makes that rep's next view compute again)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no dashboard computed ahead: every view computes its own (the first view "
        "after a change of its inputs)",
    )
    return parser.parse_args()


def _cycles() -> int:
    """Open and score the current cycle of each platform that has none (as 王芳)."""
    from meritline.core.errors import DomainError
    from meritline.core.models import User
    from meritline.org.models import Platform
    from meritline.org.selectors import today
    from meritline.performance.models import Cycle
    from meritline.performance.services.cycles import cycle_open
    from meritline.performance.services.scoring import cycle_score

    admin = User.objects.get(username="wangfang")
    day = today()
    quarter = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    month = f"{day.year}-{day.month:02d}"
    half = f"{day.year}-H{(day.month - 1) // 6 + 1}"
    opened = 0
    for platform in Platform.objects.order_by("code"):
        found = Cycle.objects.filter(platform=platform, period__in=[quarter, month, half]).first()
        if found is not None:
            if found.appraisals.filter(final_score__isnull=True).exists():
                started = time.perf_counter()
                cycle_score(actor=admin, cycle=found)
                print(
                    f"  cycle {found.label} scored again: {found.appraisals.count():,} "
                    f"appraisals ({time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
            continue
        for period in (quarter, month, half):
            try:
                started = time.perf_counter()
                cycle = cycle_open(actor=admin, platform=platform, period=period)
                cycle_score(actor=admin, cycle=cycle)
                opened += 1
                print(
                    f"  cycle {cycle.label}: {cycle.appraisals.count():,} appraisals "
                    f"({time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
                break
            except DomainError as exc:
                if exc.code not in ("bad_period", "bad_cadence"):
                    print(f"  {platform.name}: {exc.message}")
                    break
    return opened


def _sessions(path: Path) -> list[int]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from meritline.core.models import User
    from meritline.performance.models import Appraisal

    users = (
        User.objects.filter(employee__appraisals__isnull=False, is_active=True)
        .distinct()
        .order_by("pk")
    )
    total = users.count()
    step = max(1, total // SESSIONS)
    keys, people = [], []
    for user in users[::step][:SESSIONS]:
        people.append(user.employee.pk)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    path.write_text(json.dumps(keys))
    print(
        f"  {len(keys):,} sessions of {total:,} appraised reps; "
        f"{Appraisal.objects.count():,} appraisals"
    )
    return people


def _warm(people: list[int], cold: bool) -> None:
    """Compute the dashboards of the reps signed in, as the morning task does (or, with
    ``cold``, drop every kept dashboard so each view computes its own)."""
    from meritline.analytics.models import DashboardSnapshot
    from meritline.analytics.services import warm_dashboards

    if cold:
        DashboardSnapshot.objects.all().delete()
        print("  cold: no dashboard kept, every view computes its own")
        return
    started = time.perf_counter()
    count = warm_dashboards(employee_ids=people)
    print(f"  {count:,} dashboards computed ahead ({time.perf_counter() - started:.0f} s)")


def _writer(rate: float, stop: threading.Event, done: list[int]) -> None:
    """Change a random appraised rep's deal ``rate`` times a second until ``stop``."""
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from meritline.performance.models import Appraisal
    from meritline.sales.models import Deal

    people = list(Appraisal.objects.values_list("employee_id", flat=True).distinct())
    deals = list(
        Deal.objects.filter(owner_id__in=people).values_list("pk", flat=True).order_by("pk")
    )
    rng = random.Random(7)
    try:
        while rate > 0 and deals and not stop.wait(1 / rate):
            Deal.objects.filter(pk=rng.choice(deals)).update(
                amount_fen=F("amount_fen") + 100, updated_at=timezone.now()
            )
            done.append(1)
    finally:
        connection.close()


def _serve(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        str(BIN / "gunicorn"), "meritline.config.wsgi", "-k", "gthread",
        "-w", str(args.workers), "--threads", str(args.threads),
        "-b", f"127.0.0.1:{args.port}", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    for _i in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _percentiles(prefix: str) -> dict[str, str]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["Name"] == "Aggregated")
    return row


def main() -> None:
    args = _args()
    started = time.perf_counter()
    name = _django.setup(args.url)
    print(f"database {name}")
    from django.core.management import call_command

    from meritline.core.periods import Period, PeriodKind
    from meritline.org.selectors import today

    try:
        call_command("demo", "--if-absent", stdout=io.StringIO())
    except Exception as exc:  # the dashboard does not need the runs
        print(f"  the demo failed ({type(exc).__name__}: {str(exc).splitlines()[0]}),")
        print("  building it again without its incentive calculation runs")
        from meritline.demo import incentives_demo

        incentives_demo.run_calculate = lambda **kwargs: None
        incentives_demo.run_approve = incentives_demo.run_close = lambda **kwargs: None
        call_command("demo", "--if-absent", stdout=io.StringIO())
    print(f"  demo company ready ({time.perf_counter() - started:.0f} s)")
    since = Period.containing(today(), PeriodKind.QUARTER).previous().start
    counts = scale(target=args.employees, since=since)
    print(f"  employees: {counts}")
    print(f"  clones enrolled in the open cycles: {enrol():,}")
    _cycles()
    from django.db import connection

    with connection.cursor() as cursor:  # fresh rows: plan with statistics, as autovacuum would
        cursor.execute("ANALYZE")
    work = Path(tempfile.mkdtemp(prefix="meritline-dash-"))
    sessions = work / "sessions.json"
    _warm(_sessions(sessions), args.cold)
    connection.close()
    low, high = args.wait.split(",")
    env = {
        **os.environ,
        "DASH_SESSIONS": str(sessions),
        "DASH_WAIT_MIN": low,
        "DASH_WAIT_MAX": high,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    server = _serve(args, env)
    from django.utils import timezone

    from meritline.analytics.models import DashboardSnapshot

    load_started = timezone.now()
    stop, writes = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(args.writes, stop, writes), daemon=True)
    writer.start()
    try:
        prefix = str(work / "locust")
        print(
            f"load: {args.users} users, {args.seconds} s, think time {low}–{high} s, "
            f"gunicorn {args.workers}×{args.threads} threads"
        )
        subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "dashboard_locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
        )
        row = _percentiles(prefix)
    finally:
        stop.set()
        writer.join(timeout=30)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    computed = DashboardSnapshot.objects.filter(computed_at__gte=load_started).count()
    requests, failures = int(row["Request Count"]), int(row["Failure Count"])
    print()
    print(
        f"GET /analytics/me/ — {requests:,} requests, {failures:,} errors, "
        f"{float(row['Requests/s']):.1f} req/s"
    )
    print(
        f"p50 {row['50%']} ms   p95 {row['95%']} ms   p99 {row['99%']} ms   "
        f"max {float(row['Max Response Time']):.0f} ms   (target p95 ≤ 200 ms)"
    )
    print(
        f"{len(writes):,} deals changed during the load ({args.writes:g}/s); "
        f"{computed:,} views computed their dashboard, the others were served it as kept"
    )
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
