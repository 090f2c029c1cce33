"""KRs that follow a metric: their value is computed from the sales records over the
quarter so far — the owner's for a person objective, the team's for a team objective."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from meritline.core.errors import PermissionDeniedError
from meritline.core.periods import Period
from meritline.performance.okr.models import CheckIn, CheckInSource, Measure
from meritline.performance.okr.services.common import current_period_code
from meritline.performance.okr.services.key_results import key_results_save
from meritline.performance.okr.services.metrics import objective_refresh
from meritline.sales.services.deals import deal_upsert
from tests.okr.builders import kr
from tests.sales.conftest import sw  # noqa: F401 - the sales cast


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
    world = sw.w
    quarter = Period.parse(current_period_code())
    day = min(timezone.localdate(), quarter.end)
    _sell(world, "Q-1", quarter.start, 10_000_000, "XH00004")  # 陈静
    _sell(world, "Q-2", day, 5_000_000, "XH00005")  # 孙磊, same team
    _sell(world, "Q-3", day, 7_000_000, "XH00006")  # 刘洋, another team
    _sell(world, "OLD", quarter.start - timedelta(days=1), 9_900_000, "XH00004")
    return okr


def _follow(world, objective, actor):
    return key_results_save(
        actor=actor,
        objective=objective,
        rows=[
            kr("签约额", Measure.CURRENCY, 70, 0, 50_000_000, metric="sales_amount"),
            kr("签约单数", Measure.NUMBER, 30, 0, 10, metric="deal_count"),
        ],
    )


def test_a_person_kr_counts_the_owners_sales_this_quarter(world, sales):
    amount, count = _follow(world, sales["person"], world.employee)
    assert objective_refresh(actor=world.employee, objective=sales["person"]) == 2
    amount.refresh_from_db()
    count.refresh_from_db()
    assert (amount.current_value, count.current_value) == (10_000_000, 1)
    row = CheckIn.objects.get(key_result=amount)
    assert row.source == CheckInSource.METRIC and row.score == Decimal("0.2")
    assert objective_refresh(actor=world.employee, objective=sales["person"]) == 0


def test_a_team_kr_counts_everyone_in_the_team(world, sales):
    amount, count = _follow(world, sales["team"], world.manager)
    objective_refresh(actor=world.manager, objective=sales["team"])
    amount.refresh_from_db()
    count.refresh_from_db()
    assert (amount.current_value, count.current_value) == (15_000_000, 2)


def test_a_ratio_metric_reads_as_percentage_points(world, sales):
    (rate,) = key_results_save(
        actor=world.employee,
        objective=sales["person"],
        rows=[kr("毛利率", Measure.PERCENT, 100, 0, 50, metric="gross_margin_rate")],
    )
    objective_refresh(actor=world.employee, objective=sales["person"])
    rate.refresh_from_db()
    assert rate.current_value == 100  # no cost recorded: 100 % margin


def test_only_writers_refresh(world, sales):
    with pytest.raises(PermissionDeniedError):
        objective_refresh(actor=world.other_employee, objective=sales["person"])
