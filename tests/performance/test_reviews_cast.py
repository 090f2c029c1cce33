"""The reviews cast (no tests here): a company-wide 2026-Q3 cycle whose template has two
rating items, with every person of ``world`` appraised. 张伟 manages 陈静 and 孙磊."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from meritline.org.models import Employee
from meritline.performance.models import Appraisal, Cycle, ReviewAssignment
from meritline.performance.services.cycles import cycle_open
from meritline.performance.services.reviews import review_assign
from meritline.performance.services.reviews_answers import review_submit
from meritline.performance.services.templates import template_create
from tests.conftest import World

CURVE = {"kind": "linear", "points": [[0, 0], [100, 100], [120, 120]]}
ITEMS = [
    {
        "id": "sales",
        "name": "业绩",
        "kind": "manual",
        "unit": "number",
        "target": "100",
        "curve": CURVE,
        "weight": 50,
    },
    {
        "id": "teamwork",
        "name": "团队协作",
        "kind": "rating",
        "unit": "score",
        "target": "4",
        "curve": CURVE,
        "weight": 25,
    },
    {
        "id": "service",
        "name": "客户服务",
        "kind": "rating",
        "unit": "score",
        "target": "4",
        "curve": CURVE,
        "weight": 25,
    },
]
RULES = {
    "weights": {"supervisor": "50", "peer": "30", "customer": "10", "self": "10"},
    "scale_min": "1",
    "scale_max": "5",
}


@dataclass
class ReviewWorld:
    w: World
    cycle: Cycle

    def appraisal(self, employee: Employee) -> Appraisal:
        return Appraisal.objects.get(cycle=self.cycle, employee=employee)

    def ask(self, employee: Employee, rater: Employee, group: str = "peer") -> ReviewAssignment:
        return review_assign(
            actor=self.w.hr_admin, appraisal=self.appraisal(employee), group=group, rater=rater
        )

    def rate(self, assignment: ReviewAssignment, teamwork: Any, service: Any, comment: str = ""):
        return review_submit(
            actor=assignment.rater.user,
            assignment_id=assignment.pk,
            scores={"teamwork": str(teamwork), "service": str(service)},
            comment=comment,
        )


def open_cycle(w: World, *, normalise: bool = False, rules: dict | None = None) -> Cycle:
    template_create(
        actor=w.hr_admin, code="REVIEWED", name="评审模板", items=ITEMS, valid_from=date(2025, 1, 1)
    )
    return cycle_open(
        actor=w.hr_admin, period="2026-Q3", rater_rules=rules or RULES, normalise=normalise
    )


@pytest.fixture
def rw(world: World) -> ReviewWorld:
    return ReviewWorld(w=world, cycle=open_cycle(world))


def d(text: str) -> Decimal:
    return Decimal(text)
