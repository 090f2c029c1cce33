"""Adjustment lines: what the services add to a run beside the engine's lines (a late
change to a closed period, a decided dispute)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What an adjustment changes in a deal's carried state (earned, released, clawed back).
DELTAS = ("earned_delta_fen", "released_delta_fen", "clawed_delta_fen")


@dataclass
class AdjustmentLine:
    """A line the services add to a run: a late change or a decided dispute."""

    payee_id: int
    component_id: str
    amount_fen: int
    reason: str
    code: str
    params: dict[str, Any]
    source: str = "deal"
    source_id: int | None = None
    source_label: str = ""
    target_id: str = ""
    adjusts_period: str = ""
    dispute_id: int | None = None
    deltas: dict[str, int] = field(default_factory=dict)
