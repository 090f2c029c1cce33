"""Where one rep dashboard spends its time (issue 5, PRF-7), without concurrency: the
parts of ``rep_dashboard`` timed one by one for a sample of reps, and the whole page
through Django's test client. Run after bench/dashboard_load.py has built its database:

    uv run python bench/dashboard_profile.py [--url postgres://…/meritline_bench_dash] [--reps 40]

Prints the median and p95 of each part in milliseconds and the queries per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f}   p95 {p95 * 1000:7.1f}"


def _timed(store: dict[str, list[float]], name: str, call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = call()
    store.setdefault(name, []).append(time.perf_counter() - started)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/meritline_bench_dash")
    parser.add_argument("--reps", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    _django.setup(args.url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from meritline.analytics.selectors import dashboard as board
    from meritline.analytics.selectors.live import live_score
    from meritline.analytics.selectors.standing import ranks
    from meritline.core.models import User

    users = list(
        User.objects.filter(employee__appraisals__isnull=False, is_active=True)
        .distinct()
        .order_by("pk")
    )
    step = max(1, len(users) // args.reps)
    sample = users[::step][: args.reps]
    parts: dict[str, list[float]] = {}
    queries: list[int] = []
    client = Client()
    for user in sample:
        employee = user.employee
        appraisal = _timed(
            parts, "current appraisal", lambda e=employee: board.current_appraisal(e.pk)
        )
        if appraisal is not None:
            live = _timed(
                parts, "live KPIs", lambda a=appraisal, u=user: live_score(user=u, appraisal=a)
            )
            _timed(parts, "ranks", lambda v=live: ranks(v))
        _timed(parts, "pipeline", lambda u=user, e=employee: board.pipeline(u, e.pk))
        _timed(
            parts, "expected commission", lambda u=user, e=employee: board.expected_commission(u, e)
        )
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            _timed(parts, "whole page (test client)", lambda: client.get("/analytics/me/"))
        queries.append(len(captured))
    print(f"{len(sample)} reps of {len(users):,} appraised; times in ms")
    for name, samples in parts.items():
        print(f"  {name:26} {_ms(samples)}")
    print(f"  queries per page: median {statistics.median(queries):.0f}, max {max(queries)}")


if __name__ == "__main__":
    main()
