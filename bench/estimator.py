"""The rep's commission estimator (issue 4, PRF-7): p50/p95/p99 of
`POST /api/v1/incentives/estimate` on the demo company. Target: p95 ≤ 50 ms.

Prints figures; not part of `make test`. Run: `uv run python bench/estimator.py [N]`
(default 300 requests). Builds the demo company into a throw-away SQLite database (or
uses DATABASE_URL), logs in as 陈静 and asks for estimates of different amounts, as the
estimator page does while she types; each request goes through the whole Django stack
(session, API, service, engine).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import tempfile
import time

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
os.environ.setdefault("MERITLINE_VAR_DIR", tempfile.mkdtemp(prefix="meritline-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meritline.config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from meritline.core.models import User  # noqa: E402

WARM_UP = 20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("demo", "--if-absent", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username="chenjing"))
    amounts = [300_000_00 + 37_000_00 * (i % 40) for i in range(REQUESTS + WARM_UP)]
    timings: list[float] = []
    last = {}
    for i, amount in enumerate(amounts):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/incentives/estimate",
            json.dumps({"amount_fen": amount}),
            content_type="application/json",
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")
        last = response.json()
        if i >= WARM_UP:
            timings.append(elapsed)
    p95 = percentile(timings, 0.95)
    print(
        f"{len(timings)} estimates for 陈静 on the demo company "
        f"({connection.vendor}, {os.cpu_count()} cores)"
    )
    print(
        f"p50 {statistics.median(timings):.1f} ms  p95 {p95:.1f} ms  "
        f"p99 {percentile(timings, 0.99):.1f} ms  max {max(timings):.1f} ms"
    )
    print(f"last answer: {last.get('text', '')}")
    print(f"target p95 ≤ 50 ms: {'met' if p95 <= 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
