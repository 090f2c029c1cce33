"""The analytics cast on top of the performance cast: 陈静's GOV team grows to six reps
(three of them sold more than her in 2026-Q3), a scored 2026-Q3 cycle, and an approved
incentive plan paying 1 % on her deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from meritline.org.models import Assignment, Employee
from meritline.performance.models import Cycle
from meritline.performance.services.cycles import cycle_open
from meritline.performance.services.scoring import cycle_score
from tests.conftest import _person
from tests.performance.conftest import PerfWorld, chenjing_sales, pw, sell  # noqa: F401
from tests.sales.conftest import sw  # noqa: F401

# name, employee no, revenue in fen (two deals to the same customer, 30 % margin)
STARS = [
    ("高远", "XH00021", 60_000_000),
    ("林峰", "XH00022", 60_000_000),
    ("何雪", "XH00023", 60_000_000),
]
LOWER = [("马骏", "XH00024", 30_000_000)]


@dataclass
class AnalyticsWorld:
    pw: PerfWorld
    cycle: Cycle
    stars: list[Employee]
    lower: list[Employee]

    @property
    def w(self):
        return self.pw.w


def _rep(perf: PerfWorld, name: str, no: str) -> Employee:
    w = perf.w
    employee, _user = _person(no, name, w.sh, w.team_a, w.rep, w.zhangwei, f"u{no}")
    Assignment.objects.filter(employee=employee).update(platform=w.platform)
    return employee


def _sales(perf: PerfWorld, no: str, revenue: int) -> None:
    first = revenue * 4 // 5
    sell(perf, f"{no}-1", date(2026, 7, 12), first, first * 7 // 10, owner=no)
    second = revenue - first
    sell(perf, f"{no}-2", date(2026, 8, 20), second, second * 7 // 10, owner=no)


@pytest.fixture
def aw(chenjing_sales: PerfWorld) -> AnalyticsWorld:  # noqa: F811
    perf = chenjing_sales
    stars = [_rep(perf, name, no) for name, no, _r in STARS]
    lower = [_rep(perf, name, no) for name, no, _r in LOWER]
    for _name, no, revenue in STARS + LOWER:
        _sales(perf, no, revenue)
    cycle = cycle_open(actor=perf.w.hr_admin, platform=perf.w.platform, period="2026-Q3")
    cycle_score(actor=perf.w.hr_admin, cycle=cycle)
    cycle.refresh_from_db()
    return AnalyticsWorld(pw=perf, cycle=cycle, stars=stars, lower=lower)
