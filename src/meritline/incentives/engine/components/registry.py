"""Which strategy evaluates which component kind."""

from __future__ import annotations

from typing import Any, Final

from meritline.incentives.engine.components.adjust import (
    CapStrategy,
    ClawbackStrategy,
    HoldStrategy,
)
from meritline.incentives.engine.components.award import AwardStrategy
from meritline.incentives.engine.components.points import PointsStrategy
from meritline.incentives.engine.components.rate import RateStrategy

PRIMARY: Final[dict[str, Any]] = {
    "rate": RateStrategy(),
    "points": PointsStrategy(),
    "award": AwardStrategy(),
}
ADJUSTERS: Final[dict[str, Any]] = {
    "cap": CapStrategy(),
    "hold_until_collected": HoldStrategy(),
    "clawback_on_refund": ClawbackStrategy(),
}
