"""``components/level_rates.py``: the level rate in force as one as-of merge on a packed
(payee, day) key, or by payee when the ids are too far apart to pack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from polars.testing import assert_frame_equal

from meritline.incentives.engine import (
    Deal,
    InputError,
    Plan,
    build_inputs,
    evaluate,
    parse_plan,
)
from meritline.incentives.engine.inputs import Inputs, LevelRate
from tests.incentives.engine.helpers import PAY2_TIERS, scaled_ids
from tests.incentives.engine.strategies import inputs, plans

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _commission(level_rates: list[LevelRate], days: list[date]) -> tuple[Plan, Inputs]:
    plan = parse_plan(
        {
            "name": "levels",
            "components": [{"id": "c", "kind": "rate", "payee": "owner", "tiers": PAY2_TIERS}],
        }
    )
    deals = [
        Deal(i, f"D-{i}", day, 100_00, owner_id=owner)
        for i, (owner, day) in enumerate(((o, d) for o in (1, 2, 3) for d in days), start=1)
    ]
    return plan, build_inputs("2026-10", deals=deals, level_rates=level_rates)


def test_the_level_rate_in_force_is_the_latest_on_or_before_the_signing_day():
    levels = [
        LevelRate(1, date(2025, 1, 1), Decimal("0.01")),
        LevelRate(1, date(2026, 9, 30), Decimal("0.02")),  # the latest before the period
        LevelRate(1, date(2026, 10, 10), Decimal("0.03")),
        LevelRate(1, date(2026, 11, 1), Decimal("0.04")),  # after the period: never
        LevelRate(2, date(2026, 10, 1), Decimal("0.05")),
        LevelRate(3, date(2024, 6, 1), Decimal("0.06")),
    ]
    days = [date(2026, 10, 1), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 31)]
    plan, data = _commission(levels, days)
    reference = evaluate(plan, data, "reference").lines
    assert_frame_equal(reference, evaluate(plan, data, "vectorized").lines)
    assert [str(rate) for rate in reference["rate"]] == [
        *["0.020000", "0.020000", "0.030000", "0.030000"],
        *["0.050000"] * 4,
        *["0.060000"] * 4,
    ]


@pytest.mark.parametrize("mode", ["reference", "vectorized"])
def test_a_level_rate_starting_mid_period_leaves_earlier_deals_without_one(mode):
    """Payee 2's rate starts on the 10th; payee 1's earlier rate must not be taken."""
    levels = [
        LevelRate(1, date(2026, 1, 1), Decimal("0.01")),
        LevelRate(2, date(2026, 10, 10), Decimal("0.02")),
        LevelRate(3, date(2026, 1, 1), Decimal("0.03")),
    ]
    plan, data = _commission(levels, [date(2026, 10, 9), date(2026, 10, 10)])
    with pytest.raises(InputError) as caught:
        evaluate(plan, data, mode)
    assert [issue.location for issue in caught.value.issues] == ["level_rates[2]"]
    assert caught.value.issues[0].params["day"] == "2026-10-09"


@FAST
@given(plans(), inputs())
def test_people_ids_too_far_apart_to_pack_give_the_same_lines_as_the_reference(document, data):
    """Every packed key (sorts, the level rates' as-of merge) falls back to the columns."""
    plan = parse_plan(document)
    wide = scaled_ids(data, 1, 10**17)
    assert_frame_equal(
        evaluate(plan, wide, "reference").lines, evaluate(plan, wide, "vectorized").lines
    )
