"""Chart data for ECharts (floats only for drawing; the tables show the exact values)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from meritline.analytics.selectors.compare import Comparison


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def comparison_chart(comparison: Comparison) -> dict[str, Any]:
    """Mean final score per platform, grades per platform, and the trend lines."""
    labels = [c.label for c in comparison.columns]
    grades = sorted({g for c in comparison.columns for g in c.summary.grades})
    trends = []
    for column in comparison.columns:
        by_period = {period: mean for period, mean, _n in column.trend}
        trends.append(
            {"name": column.label, "data": [_float(by_period.get(p)) for p in comparison.periods]}
        )
    return {
        "platforms": labels,
        "mean": [_float(c.summary.mean_final) for c in comparison.columns],
        "mean_label": _("Mean final score"),
        "grades": [
            {"name": grade, "data": [c.summary.grades.get(grade, 0) for c in comparison.columns]}
            for grade in grades
        ],
        "periods": comparison.periods,
        "trends": trends,
    }
