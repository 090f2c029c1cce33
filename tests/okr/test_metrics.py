"""KRs that follow a metric: their value is computed from the sales records over the
quarter so far — the owner's for a person objective, the team's for a team objective."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.core.errors import PermissionDeniedError
from meritline.performance.okr.models import CheckIn, CheckInSource, Measure
from meritline.performance.okr.services.key_results import key_results_save
from meritline.performance.okr.services.metrics import objective_refresh
from tests.okr.builders import kr


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
