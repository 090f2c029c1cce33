"""Platform pages: the platforms with their stage history and a monthly comparison of
their figures (computed by the metrics engine), and the stage change for HR admins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from meritline.core.money import to_yuan
from meritline.org.models import PlatformStage as Stage
from meritline.org.selectors import today
from meritline.sales import access
from meritline.sales import selectors_pages as pages
from meritline.sales.forms import PlatformStageForm
from meritline.sales.services import config
from meritline.sales.views.common import (
    FORM_TEMPLATE,
    bound,
    call_service,
    export,
    render_form,
    require,
    sales_view,
)

MONTHS = 12


def _ratio(value: Any) -> float | None:
    """A Decimal ratio as a float for the chart only (the table shows the Decimal)."""
    return None if value is None else float(value)


def _chart_data(comparison: pages.Comparison) -> dict[str, Any]:
    series = []
    for platform in comparison.platforms:
        cells = comparison.cells.get(platform.pk, {})
        if not any(cell.get("deal_count") or cell.get("sales_amount") for cell in cells.values()):
            continue  # nothing to draw: keep the legend short
        series.append(
            {
                "name": platform.name,
                "sales": [
                    str(to_yuan(cells.get(m, {}).get("sales_amount") or 0))
                    for m in comparison.months
                ],
                "growth": [_ratio(cells.get(m, {}).get("growth_rate")) for m in comparison.months],
            }
        )
    return {
        "months": comparison.months,
        "series": series,
        "labels": {"sales": _("Sales (yuan)"), "growth": _("Growth vs previous month")},
    }


def _percent(value: Any) -> str:
    """A Decimal ratio as "12.3 %"; empty when there is none (zero denominator)."""
    if value is None:
        return ""
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'))} %"


def _table(rows: list[pages.PlatformRow], comparison: pages.Comparison) -> list[dict[str, Any]]:
    table = []
    for row in rows:
        cells = comparison.cells.get(row.platform.pk, {})
        months = []
        for month in comparison.months:
            cell = cells.get(month, {})
            growth = cell.get("growth_rate")
            months.append(
                {
                    "month": month,
                    "sales_fen": cell.get("sales_amount") or 0,
                    "deals": cell.get("deal_count") or 0,
                    "growth": _percent(growth),
                    "growth_down": growth is not None and growth < 0,
                    "collection": _percent(cell.get("collection_rate")),
                }
            )
        table.append(
            {
                "row": row,
                "months": months,
                "last": months[-1],
                "total_fen": comparison.totals.get(row.platform.pk, {}).get("sales_amount", 0),
                "total_deals": comparison.totals.get(row.platform.pk, {}).get("deal_count", 0),
            }
        )
    return table


@sales_view
def platform_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    comparison = pages.platform_comparison(user=user, months=MONTHS)
    table = _table(pages.platform_rows(user=user), comparison)
    return render(
        request,
        "sales/platforms/list.html",
        {
            "table": table,
            "comparison": comparison,
            "last_month": comparison.months[-1],
            "chart": _chart_data(comparison),
            "has_data": any(t["total_deals"] for t in table),
            "can_configure": access.configures_sales(user),
            "months": MONTHS,
        },
    )


@sales_view
def platform_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    comparison = pages.platform_comparison(user=user, months=MONTHS)
    stages = dict(Stage.choices)
    lines = []
    for row in pages.platform_rows(user=user):
        for month in comparison.months:
            cell = comparison.cells.get(row.platform.pk, {}).get(month, {})
            lines.append((row, month, cell))
    return export(
        request,
        rows=lines,
        headers=[
            _("Code"),
            _("Sales platform"),
            _("Launch date"),
            _("Maturity stage"),
            _("Month"),
            _("Sales (yuan)"),
            _("Deals"),
            _("Growth vs previous month"),
            _("Collection rate"),
        ],
        row=lambda line: [
            line[0].platform.code,
            line[0].platform.name,
            line[0].platform.launched_on.isoformat(),
            stages.get(line[0].stage, line[0].stage),
            line[1],
            to_yuan(line[2].get("sales_amount") or 0),
            line[2].get("deal_count") or 0,
            _percent(line[2].get("growth_rate")),
            _percent(line[2].get("collection_rate")),
        ],
        filename="platforms",
    )


@sales_view
def platform_stage(request: HttpRequest, pk: int) -> HttpResponse:
    require(access.configures_sales(request.user))
    platform = pages.platform_get(user=request.user, pk=pk)
    form = PlatformStageForm(
        bound(request), initial={"stage": platform.stage, "valid_from": today()}
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        ok, _row = call_service(
            form,
            config.platform_stage_set,
            actor=request.user,
            platform=platform,
            stage=data["stage"],
            valid_from=data["valid_from"],
            note=data["note"],
        )
        if ok:
            messages.success(
                request,
                _("%(platform)s is %(stage)s from %(day)s.")
                % {
                    "platform": platform.name,
                    "stage": Stage(data["stage"]).label,
                    "day": data["valid_from"].isoformat(),
                },
            )
            return redirect("sales:platform_list")
    return render_form(
        request,
        FORM_TEMPLATE,
        {
            "title": _("Change the maturity stage"),
            "subtitle": f"{platform.name} · {platform.code}",
            "intro": _("Launched on %s. The history keeps every earlier stage.")
            % platform.launched_on.isoformat(),
            "submit_label": _("Save the stage"),
            "cancel_url": reverse("sales:platform_list"),
        },
        form,
    )
