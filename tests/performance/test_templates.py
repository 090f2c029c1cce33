"""KPI templates: validated items, effective-dated versions, history kept (PRF-2, PRF-6)."""

from __future__ import annotations

from datetime import date

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.models import KpiTemplate, KpiTemplateVersion
from meritline.performance.selectors import template_version_list
from meritline.performance.services.seed import KEY_ACCOUNTS_V1, seed_templates
from meritline.performance.services.templates import (
    template_create,
    template_version_create,
    version_in_force,
)

CURVE = {"kind": "linear", "points": [[60, 0], [100, 100], [120, 120]]}


def item(kpi_id: str, weight: str, metric: str = "sales_amount", unit: str = "fen", **extra):
    return {
        "id": kpi_id,
        "kind": "metric",
        "metric": metric,
        "unit": unit,
        "target": 1000,
        "curve": CURVE,
        "weight": weight,
        **extra,
    }


def test_weights_not_adding_up_to_100_are_refused_with_their_sum(world):
    audits = AuditLog.objects.count()
    with pytest.raises(DomainError) as caught:
        template_create(
            actor=world.hr_admin,
            code="T1",
            name="试用",
            items=[item("a", "60"), item("b", "35", "deal_count", "count")],
            valid_from=date(2026, 1, 1),
        )
    assert caught.value.code == "weights_sum"
    assert caught.value.field == "items"
    assert "95" in str(caught.value)
    assert not KpiTemplate.objects.exists()
    assert AuditLog.objects.count() == audits


def test_an_unknown_metric_and_a_negative_target_are_both_reported(world):
    with pytest.raises(DomainError) as caught:
        template_create(
            actor=world.hr_admin,
            code="T1",
            name="试用",
            items=[item("a", "50", metric="made_up"), item("b", "50", target=-5)],
            valid_from=date(2026, 1, 1),
        )
    assert caught.value.code == "bad_template"
    assert "made_up" in str(caught.value) and "items[1].target" in str(caught.value)
    assert not KpiTemplate.objects.exists()


def test_a_metric_in_the_wrong_unit_is_refused(world):
    with pytest.raises(DomainError, match=r"items\[0\]\.unit"):
        template_create(
            actor=world.hr_admin,
            code="T1",
            name="试用",
            items=[item("a", "100", unit="count")],
            valid_from=date(2026, 1, 1),
        )


def test_only_an_hr_admin_writes_templates(world):
    for user in (world.manager, world.employee, world.finance):
        with pytest.raises(PermissionDeniedError):
            template_create(
                actor=user,
                code="T1",
                name="试用",
                items=[item("a", "100")],
                valid_from=date(2026, 1, 1),
            )
    assert not KpiTemplate.objects.exists()


def test_a_duplicate_code_is_refused(world):
    template_create(
        actor=world.hr_admin,
        code="T1",
        name="试用",
        items=[item("a", "100")],
        valid_from=date(2026, 1, 1),
    )
    with pytest.raises(DomainError) as caught:
        template_create(
            actor=world.hr_admin,
            code="T1",
            name="另一个",
            items=[item("a", "100")],
            valid_from=date(2026, 1, 1),
        )
    assert caught.value.code == "duplicate_code"
    assert KpiTemplate.objects.count() == 1


def test_reweighting_keeps_the_old_weights_in_the_history(world):
    (_new, _mature, key) = seed_templates(world.hr_admin)
    v2, v1 = template_version_list(user=world.employee, template=key)
    assert (v1.number, v2.number) == (1, 2)
    assert v1.weights == {"volume": "60", "new_customers": "20", "collection": "20"}
    assert v2.weights == {
        "big_clients": "30",
        "retention": "25",
        "satisfaction": "20",
        "small_orders": "25",
    }
    assert v1.valid_to == date(2026, 6, 30) and v2.valid_to is None
    assert version_in_force(key, date(2026, 6, 30)) == v1
    assert version_in_force(key, date(2026, 7, 1)) == v2
    created = AuditLog.objects.get(action="performance.template_version.create", target_id=v2.pk)
    assert created.before == {"weights": v1.weights}


def test_seeding_twice_changes_nothing(world):
    seed_templates(world.hr_admin)
    versions = KpiTemplateVersion.objects.count()
    seed_templates(world.hr_admin)
    assert KpiTemplateVersion.objects.count() == versions == 4


def test_a_version_cannot_start_before_the_latest_one(world):
    template = template_create(
        actor=world.hr_admin,
        code="T1",
        name="试用",
        items=[item("a", "100")],
        valid_from=date(2026, 3, 1),
    )
    with pytest.raises(DomainError) as caught:
        template_version_create(
            actor=world.hr_admin,
            template=template,
            items=KEY_ACCOUNTS_V1,
            valid_from=date(2026, 3, 1),
        )
    assert caught.value.code == "version_backdated"
    (only,) = template.versions.all()
    assert only.valid_to is None


def test_a_bad_reweighting_leaves_the_version_in_force(world):
    template = template_create(
        actor=world.hr_admin,
        code="T1",
        name="试用",
        items=[item("a", "100")],
        valid_from=date(2026, 3, 1),
    )
    with pytest.raises(DomainError, match="110"):
        template_version_create(
            actor=world.hr_admin,
            template=template,
            items=[item("a", "60"), item("b", "50", "deal_count", "count")],
            valid_from=date(2026, 6, 1),
        )
    (only,) = template.versions.all()
    assert only.valid_to is None
