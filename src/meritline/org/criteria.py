"""Hard criteria of a post as structured rules (SPEC SEL-1): validation and wording.

Stored in ``PostCriterion.params``; evaluated later by the selection engine.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from meritline.core.errors import DomainError
from meritline.core.money import format_fen

# Metrics a criterion may name; the metrics engine (sales issue) defines them.
MONEY_METRICS = {"sales_amount", "collection_amount", "gross_margin"}
RATE_METRICS = {"collection_rate", "conversion_rate", "repurchase_rate", "retention_rate"}


def metric_label(metric: str) -> str:
    labels = {
        "sales_amount": _("sales"),
        "collection_amount": _("collections"),
        "gross_margin": _("gross margin"),
        "collection_rate": _("collection rate"),
        "conversion_rate": _("conversion rate"),
        "repurchase_rate": _("repurchase rate"),
        "retention_rate": _("retention rate"),
    }
    return labels.get(metric, metric)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TenureParams(_Strict):
    min_years: int = Field(ge=0, le=50)
    job_family: str | None = None


class MetricParams(_Strict):
    metric: str
    window_months: int = Field(ge=1, le=60)
    min_value: Decimal = Field(ge=0)


class ClientCountParams(_Strict):
    min_count: int = Field(ge=1, le=100000)
    client_kind: str = "enterprise"


class CertificateParams(_Strict):
    name: str = Field(min_length=1, max_length=150)


PARAMS = {
    "tenure_years": TenureParams,
    "metric_threshold": MetricParams,
    "client_count": ClientCountParams,
    "certificate": CertificateParams,
}


def validate(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return the normalised params or raise a DomainError naming the bad field."""
    model = PARAMS.get(kind)
    if model is None:
        raise DomainError("criterion_kind", _("Unknown criterion kind “%s”.") % kind, field="kind")
    try:
        parsed = model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "params"
        raise DomainError(
            "criterion_params",
            _("Criterion field %(loc)s: %(msg)s") % {"loc": loc, "msg": first["msg"]},
            field="params",
        ) from exc
    if isinstance(parsed, MetricParams):
        known = MONEY_METRICS | RATE_METRICS
        if parsed.metric not in known:
            raise DomainError(
                "criterion_metric",
                _("Unknown metric “%(m)s”; use one of: %(known)s")
                % {"m": parsed.metric, "known": ", ".join(sorted(known))},
                field="params",
            )
        if parsed.metric in MONEY_METRICS and parsed.min_value != int(parsed.min_value):
            raise DomainError(
                "criterion_money", _("Money thresholds are whole fen."), field="params"
            )
    return parsed.model_dump(mode="json", exclude_none=True)


def describe(kind: str, params: dict[str, Any]) -> str:
    """The rule in words, in the active language ("近12个月销售额 ≥ ¥800,000.00")."""
    if kind == "tenure_years":
        if params.get("job_family"):
            return _("At least %(n)s years in the job family %(family)s") % {
                "n": params.get("min_years"),
                "family": params["job_family"],
            }
        return _("At least %(n)s years of tenure") % {"n": params.get("min_years")}
    if kind == "metric_threshold":
        metric = params.get("metric", "")
        value = Decimal(str(params.get("min_value", 0)))
        shown = format_fen(int(value)) if metric in MONEY_METRICS else f"{value * 100:.0f}%"
        return _("%(label)s over the last %(months)s months ≥ %(value)s") % {
            "label": metric_label(metric),
            "months": params.get("window_months"),
            "value": shown,
        }
    if kind == "client_count":
        return _("At least %(n)s enterprise clients") % {"n": params.get("min_count")}
    if kind == "certificate":
        return _("Holds the certificate “%(name)s”") % {"name": params.get("name")}
    return kind
