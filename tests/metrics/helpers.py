"""Build engine frames from the plain rows the reference reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from meritline.metrics import Frames, frame_from_rows


def to_frames(data: Mapping[str, Sequence[Mapping[str, Any]]]) -> Frames:
    built: dict[str, pl.DataFrame] = {}
    for name, rows in data.items():
        frame = frame_from_rows(name, rows)
        if "team_id" in frame.columns:
            frame = frame.with_columns(pl.col("team_id").cast(pl.Int64))
        elif name in ("deals", "leads"):
            frame = frame.with_columns(team_id=pl.lit(None, dtype=pl.Int64))
        built[name] = frame
    return Frames(**built)
