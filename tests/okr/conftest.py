from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meritline.core.periods import Period
from meritline.performance.okr.services.common import current_period_code
from meritline.sales.services.deals import deal_upsert
from tests.okr.builders import tree
from tests.sales.conftest import sw  # noqa: F401 - the sales cast


@pytest.fixture
def okr(world):
    """Company → team → person objectives of 张伟's 政企大客户部 in the current quarter."""
    return tree(world)


def _sell(world, key, day, amount, owner):
    deal_upsert(
        actor=world.finance,
        source="crm",
        external_id=key,
        signed_on=day,
        amount_fen=amount,
        cost_fen=0,
        platform="GOV",
        customer="C-1",
        owner=owner,
    )


@pytest.fixture
def sales(sw, okr):  # noqa: F811
    """This quarter's sales of 陈静 and 孙磊 (政企大客户部) and 刘洋 (华南销售部), and one
    of 陈静's the day before it began; returns the ``okr`` objectives."""
    world = sw.w
    quarter = Period.parse(current_period_code())
    day = min(timezone.localdate(), quarter.end)
    _sell(world, "Q-1", quarter.start, 10_000_000, "XH00004")  # 陈静
    _sell(world, "Q-2", day, 5_000_000, "XH00005")  # 孙磊, same team
    _sell(world, "Q-3", day, 7_000_000, "XH00006")  # 刘洋, another team
    _sell(world, "OLD", quarter.start - timedelta(days=1), 9_900_000, "XH00004")
    return okr
