"""The single definition of every sales metric (pure: polars, no Django).

Selection screening, KPIs, incentives and analytics call :func:`compute`; HR and
finance read the same definitions in ``docs/metrics.md``.
"""

from meritline.metrics.definitions import METRICS, Metric, Unit
from meritline.metrics.engine import compute, definition, metric_names
from meritline.metrics.errors import MetricsError
from meritline.metrics.frames import (
    COLLECTIONS,
    CUSTOMERS,
    DEALS,
    LEADS,
    REFUNDS,
    SCHEMAS,
    FrameError,
    Frames,
    Segment,
    empty_frame,
    frame_from_rows,
    validate_frame,
)
from meritline.metrics.rates import RATE_DTYPE, rate
from meritline.metrics.windows import Window, WindowError, monthly_windows, previous_window

__all__ = [
    "COLLECTIONS",
    "CUSTOMERS",
    "DEALS",
    "LEADS",
    "METRICS",
    "RATE_DTYPE",
    "REFUNDS",
    "SCHEMAS",
    "FrameError",
    "Frames",
    "Metric",
    "MetricsError",
    "Segment",
    "Unit",
    "Window",
    "WindowError",
    "compute",
    "definition",
    "empty_frame",
    "frame_from_rows",
    "metric_names",
    "monthly_windows",
    "previous_window",
    "rate",
    "validate_frame",
]
