"""The seed KPI templates as data (PRF-2, PRF-6), for the demo company.

- ``NEW-PLATFORM`` (new platforms): growth rate, new customers, new products listed
  (a manual KPI, entered with evidence).
- ``MATURE-PLATFORM`` (mature platforms): revenue, repurchase rate, gross margin rate.
- ``KEY-ACCOUNTS`` (growing platforms), in two versions so the history shows the
  re-weighting of seed 003: monthly volume 60 % (+ new customers 20 %, collection rate
  20 %) until the change, then big-client signing 30 % + retention 25 % + satisfaction
  20 % (a rating) + small-order volume 25 %.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from meritline.org.models import PlatformStage
from meritline.performance.models import KpiTemplate
from meritline.performance.services.templates import template_create, template_version_create

STANDARD_CURVE: dict[str, Any] = {"kind": "linear", "points": [[60, 0], [100, 100], [120, 120]]}


def _item(
    kpi_id: str, name: str, kind: str, unit: str, target: Any, weight: int, metric: str = ""
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": kpi_id,
        "name": name,
        "kind": kind,
        "unit": unit,
        "target": target,
        "curve": STANDARD_CURVE,
        "weight": weight,
    }
    if metric:
        item["metric"] = metric
    return item


NEW_PLATFORM = [
    _item("growth", "增长率", "metric", "ratio", "0.3", 40, "growth_rate"),
    _item("new_customers", "新客户数", "metric", "count", 10, 35, "new_customers"),
    _item("products_listed", "新品上架数", "manual", "count", 20, 25),
]
MATURE_PLATFORM = [
    _item("revenue", "营收", "metric", "fen", 50_000_000, 50, "sales_amount"),
    _item("repurchase", "复购率", "metric", "ratio", "0.35", 25, "repurchase_rate"),
    _item("gross_margin", "毛利率", "metric", "ratio", "0.3", 25, "gross_margin_rate"),
]
KEY_ACCOUNTS_V1 = [
    _item("volume", "月度业绩", "metric", "fen", 20_000_000, 60, "sales_amount"),
    _item("new_customers", "新客户数", "metric", "count", 5, 20, "new_customers"),
    _item("collection", "回款率", "metric", "ratio", "0.9", 20, "collection_rate"),
]
KEY_ACCOUNTS_V2 = [
    _item("big_clients", "大客户签约率", "metric", "ratio", "0.3", 30, "big_client_signing_rate"),
    _item("retention", "客户留存率", "metric", "ratio", "0.6", 25, "retention_rate"),
    _item("satisfaction", "客户满意度", "rating", "score", 4, 20),
    _item("small_orders", "小单量", "metric", "count", 20, 25, "small_order_volume"),
]


@transaction.atomic
def seed_templates(
    actor: Any, *, since: date = date(2025, 1, 1), reweighted_on: date = date(2026, 7, 1)
) -> list[KpiTemplate]:
    """Create the seed templates (those whose code already exists are left alone) and
    return all three."""
    specs = [
        ("NEW-PLATFORM", "新平台 KPI", PlatformStage.NEW, NEW_PLATFORM),
        ("MATURE-PLATFORM", "成熟平台 KPI", PlatformStage.MATURE, MATURE_PLATFORM),
        ("KEY-ACCOUNTS", "大客户销售 KPI", PlatformStage.GROWING, KEY_ACCOUNTS_V1),
    ]
    templates = []
    for code, name, stage, items in specs:
        template = KpiTemplate.objects.filter(code=code).first()
        if template is None:
            template = template_create(
                actor=actor, code=code, name=name, stage=stage, items=items, valid_from=since
            )
            if code == "KEY-ACCOUNTS":
                template_version_create(
                    actor=actor,
                    template=template,
                    items=KEY_ACCOUNTS_V2,
                    valid_from=reweighted_on,
                    note="从“月度业绩 60%”调整为大客户签约、留存、满意度与小单量 (seed 003)",
                )
        templates.append(template)
    return templates
