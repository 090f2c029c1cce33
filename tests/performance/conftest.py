"""The performance cast on top of the sales cast: 陈静 and 孙磊 sell on the mature GOV
platform, 刘洋 on the new WEB platform, and the seed KPI templates are in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from meritline.org.models import Assignment
from meritline.performance.models import KpiTemplate
from meritline.performance.services.seed import seed_templates
from meritline.sales.models import PlatformStage
from meritline.sales.services.deals import deal_upsert
from tests.sales.conftest import SalesWorld, sw  # noqa: F401 - the sales cast


@dataclass
class PerfWorld:
    sw: SalesWorld
    templates: dict[str, KpiTemplate]

    @property
    def w(self):
        return self.sw.w


@pytest.fixture
def pw(sw: SalesWorld) -> PerfWorld:  # noqa: F811
    w = sw.w
    Assignment.objects.filter(employee__in=[w.chenjing, w.sunlei]).update(platform=w.platform)
    Assignment.objects.filter(employee=w.liuyang).update(platform=sw.web)
    PlatformStage.objects.create(platform=w.platform, stage="mature", valid_from=date(2020, 1, 1))
    PlatformStage.objects.create(platform=sw.web, stage="new", valid_from=date(2019, 1, 1))
    templates = {t.code: t for t in seed_templates(w.hr_admin)}
    return PerfWorld(sw=sw, templates=templates)


def sell(pw: PerfWorld, key: str, day: date, amount: int, cost: int, owner: str = "XH00004"):
    """A GOV deal to 华星科技 (C-1) owned by ``owner`` (陈静 by default)."""
    deal, _ = deal_upsert(
        actor=pw.w.finance,
        source="crm",
        external_id=key,
        signed_on=day,
        amount_fen=amount,
        cost_fen=cost,
        platform="GOV",
        customer="C-1",
        owner=owner,
    )
    return deal


@pytest.fixture
def chenjing_sales(pw: PerfWorld) -> PerfWorld:
    """陈静's 2026-Q3: 400,000 + 100,000 CNY to the same customer (the second a
    repurchase), at a 30 % gross margin."""
    sell(pw, "D-1", date(2026, 7, 10), 40_000_000, 28_000_000)
    sell(pw, "D-2", date(2026, 8, 5), 10_000_000, 7_000_000)
    return pw
