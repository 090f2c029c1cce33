"""KPI templates: items with a kind, unit, target, scoring curve and weight.

A template is validated as a whole and every problem is reported with its location
(``items[2].weight``) and a code. Weights are percentages with at most 2 places; they
must add up to exactly 100 (``weights add up to 95 %; they must add up to exactly
100 %``). Effective dating and history belong to the Django side.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from meritline.performance.engine.curves import Curve
from meritline.performance.engine.errors import Issue, TemplateError, issues_from
from meritline.performance.engine.numbers import (
    HUNDRED,
    PERCENT_PLACES,
    TARGET_PLACES,
    read_decimal,
    show,
)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


def _percent(value: Any) -> Decimal:
    return read_decimal(value, what="a percentage", max_places=PERCENT_PLACES)


def _target(value: Any) -> Decimal:
    return read_decimal(value, what="a target", max_places=TARGET_PLACES)


Percent = Annotated[Decimal, BeforeValidator(_percent)]
Target = Annotated[Decimal, BeforeValidator(_target)]


class KpiKind(str, Enum):
    METRIC = "metric"  # computed by the metrics engine from sales data
    RATING = "rating"  # filled by reviewers (multi-rater), on the rating scale
    MANUAL = "manual"  # a value entered with evidence


class Unit(str, Enum):
    FEN = "fen"  # integer fen (money)
    COUNT = "count"  # a whole number of things
    RATIO = "ratio"  # a ratio (0.35 = 35 %)
    DAYS = "days"
    SCORE = "score"  # a rating on the cycle's scale
    NUMBER = "number"  # any other decimal number (manual KPIs)

    @property
    def whole(self) -> bool:
        """Whether values and targets of this unit are whole numbers."""
        return self in (Unit.FEN, Unit.COUNT)

    @property
    def step(self) -> Decimal:
        """The smallest meaningful change of a value (used by the gap to the top 3)."""
        return {
            Unit.FEN: Decimal(1),
            Unit.COUNT: Decimal(1),
            Unit.RATIO: Decimal("0.0001"),
        }.get(self, Decimal("0.01"))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KpiItem(_Model):
    """One KPI of a template. ``target`` None: set per employee (or the KPI scores 0)."""

    id: Id
    name: str | None = Field(default=None, max_length=200)
    kind: KpiKind
    metric: str | None = Field(default=None, max_length=64)
    unit: Unit
    target: Target | None = None
    curve: Curve
    weight: Percent


class Template(_Model):
    """A validated KPI template (use :func:`parse_template` to build one)."""

    id: str = Field(default="template", max_length=64)
    items: list[KpiItem] = Field(min_length=1, max_length=30)

    @property
    def cap(self) -> Decimal:
        """The highest score any item can give: the composite never exceeds it."""
        return max(item.curve.max_score for item in self.items)

    def item(self, kpi_id: str) -> KpiItem:
        """The item with this id (KeyError when there is none)."""
        for item in self.items:
            if item.id == kpi_id:
                return item
        raise KeyError(kpi_id)


def parse_template(
    document: Mapping[str, Any], *, known_metrics: Mapping[str, str] | None = None
) -> Template:
    """Validate a template document; :class:`TemplateError` lists every issue.

    ``known_metrics`` maps metric names to their unit (``{"sales_amount": "fen"}``);
    the Django layer passes the metrics engine's catalogue so an unknown metric or a
    unit that does not match it is refused.
    """
    try:
        template = Template.model_validate(document)
    except ValidationError as exc:
        raise TemplateError(issues_from(exc)) from None
    issues = check_template(template, known_metrics=known_metrics)
    if issues:
        raise TemplateError(issues)
    return template


def check_template(
    template: Template, *, known_metrics: Mapping[str, str] | None = None
) -> list[Issue]:
    """Every cross-field problem of ``template`` (empty when it is valid)."""
    issues: list[Issue] = []
    seen: set[str] = set()
    for i, item in enumerate(template.items):
        where = f"items[{i}]"
        if item.id in seen:
            issues.append(
                Issue(
                    f"{where}.id",
                    "duplicate_id",
                    f"KPI id {item.id!r} is used twice",
                    {"id": item.id},
                )
            )
        seen.add(item.id)
        issues += _check_kind(item, where, known_metrics)
        issues += _check_target(item, where)
        if not Decimal(0) < item.weight <= HUNDRED:
            issues.append(
                Issue(
                    f"{where}.weight",
                    "bad_weight",
                    f"a weight must be more than 0 % and at most 100 %, not {item.weight} %",
                    {"weight": show(item.weight)},
                )
            )
        issues += item.curve.check(f"{where}.curve")
    total = sum((item.weight for item in template.items), Decimal(0))
    if total != HUNDRED:
        issues.append(weights_issue(total, "items"))
    return issues


def weights_issue(total: Decimal, where: str) -> Issue:
    """The issue for weights that do not add up to exactly 100 %."""
    return Issue(
        where,
        "weights_sum",
        f"weights add up to {show(total)} %; they must add up to exactly 100 %",
        {"sum": show(total)},
    )


def _check_kind(item: KpiItem, where: str, known_metrics: Mapping[str, str] | None) -> list[Issue]:
    if item.kind is KpiKind.METRIC:
        if not item.metric:
            return [
                Issue(
                    f"{where}.metric",
                    "metric_required",
                    "a metric KPI names the metric it is computed from",
                )
            ]
        if known_metrics is not None:
            if item.metric not in known_metrics:
                return [
                    Issue(
                        f"{where}.metric",
                        "unknown_metric",
                        f"unknown metric {item.metric!r}",
                        {"metric": item.metric},
                    )
                ]
            if known_metrics[item.metric] != item.unit.value:
                return [
                    Issue(
                        f"{where}.unit",
                        "unit_mismatch",
                        f"metric {item.metric!r} is in {known_metrics[item.metric]}, "
                        f"not {item.unit.value}",
                        {"metric": item.metric, "unit": known_metrics[item.metric]},
                    )
                ]
        return []
    issues: list[Issue] = []
    if item.metric is not None:
        issues.append(
            Issue(f"{where}.metric", "metric_not_allowed", f"a {item.kind.value} KPI has no metric")
        )
    if item.kind is KpiKind.RATING and item.unit is not Unit.SCORE:
        issues.append(
            Issue(f"{where}.unit", "unit_mismatch", "a rating KPI is in score (the rating scale)")
        )
    return issues


def _check_target(item: KpiItem, where: str) -> list[Issue]:
    target = item.target
    if target is None:
        return []
    if target < 0:
        return [
            Issue(
                f"{where}.target",
                "negative_target",
                f"a target must not be negative, not {show(target)}",
                {"target": show(target)},
            )
        ]
    if item.unit.whole and target != target.to_integral_value():
        return [
            Issue(
                f"{where}.target",
                "whole_target",
                f"a {item.unit.value} target is a whole number, not {show(target)}",
                {"target": show(target)},
            )
        ]
    return []
