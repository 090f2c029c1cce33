"""The engine's error for requests it cannot serve."""


class MetricsError(ValueError):
    """A computation was asked for something it cannot do (unknown metric, missing frame…)."""
