"""Locust users for bench/dashboard_load.py: each signs in as a different rep (a session
prepared in the bench database) and opens the rep dashboard, with a think time of
``DASH_WAIT_MIN``–``DASH_WAIT_MAX`` seconds (default 0.5–1.5) between page views."""

from __future__ import annotations

import itertools
import json
import os
import threading
from pathlib import Path

from locust import HttpUser, between, task

_SESSIONS = json.loads(Path(os.environ["DASH_SESSIONS"]).read_text(encoding="utf-8"))
_NEXT = itertools.count()
_LOCK = threading.Lock()


class Rep(HttpUser):
    wait_time = between(
        float(os.environ.get("DASH_WAIT_MIN", "0.5")), float(os.environ.get("DASH_WAIT_MAX", "1.5"))
    )

    def on_start(self) -> None:
        with _LOCK:
            index = next(_NEXT)
        self.sessions = _SESSIONS[index % len(_SESSIONS) :: 20] or _SESSIONS
        self.turn = 0

    @task
    def dashboard(self) -> None:
        # Each user walks through its own reps, so every request is a different person's page.
        key = self.sessions[self.turn % len(self.sessions)]
        self.turn += 1
        with self.client.get(
            "/analytics/me/", cookies={"sessionid": key}, name="/analytics/me/",
            catch_response=True, allow_redirects=False,
        ) as response:  # fmt: skip
            if response.status_code != 200 or b'data-testid="final-score"' not in response.content:
                response.failure(f"status {response.status_code} or no dashboard")
