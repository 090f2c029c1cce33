"""Targets cascade company → platform → team → employee, with the gaps listed (PRF-1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.models import Target
from meritline.performance.services.targets import (
    TargetRow,
    target_gaps,
    target_set,
    targets_import,
)


def _set(pw, level, value, **owner):
    return target_set(
        actor=pw.w.hr_admin,
        level=level,
        period="2026-Q4",
        metric="sales_amount",
        value=value,
        **owner,
    )


def test_a_negative_target_is_refused_and_nothing_is_written(pw):
    with pytest.raises(DomainError) as caught:
        _set(pw, "company", "-1")
    assert (caught.value.code, caught.value.field) == ("negative_target", "value")
    assert not Target.objects.exists()


def test_setting_a_target_again_changes_it(pw):
    _set(pw, "platform", 100, platform=pw.w.platform)
    _set(pw, "platform", 120, platform=pw.w.platform)
    (only,) = Target.objects.all()
    assert only.value == Decimal(120)


def test_gaps_list_where_children_do_not_add_up_to_their_parent(pw):
    w = pw.w
    _set(pw, "company", 100)
    _set(pw, "platform", 60, platform=w.platform)
    _set(pw, "platform", 30, platform=pw.sw.web)
    _set(pw, "team", 60, platform=w.platform, department=w.team_a)
    _set(pw, "employee", 30, employee=w.chenjing)
    _set(pw, "employee", 30, employee=w.sunlei)
    _set(pw, "employee", 5, employee=w.liuyang)
    gaps = target_gaps(user=w.hr_admin, period="2026-Q4")
    assert [(g.parent_key, g.children_total, g.difference) for g in gaps] == [
        (f"p{pw.sw.web.pk}-d{w.sales_south.pk}", Decimal(5), None),
        ("company", Decimal(90), Decimal(-10)),
    ]
    assert gaps[1].parent.value == Decimal(100)
    assert {c.owner_key for c in gaps[0].children} == {f"e{w.liuyang.pk}"}


def test_an_employee_target_rolls_up_to_their_team_and_platform(pw):
    target = _set(pw, "employee", 30, employee=pw.w.chenjing)
    assert (target.platform, target.department) == (pw.w.platform, pw.w.team_a)


def test_managers_set_targets_for_their_people_only(pw):
    w = pw.w
    target_set(
        actor=w.manager,
        level="employee",
        period="2026-Q4",
        metric="deal_count",
        value=3,
        employee=w.sunlei,
    )
    for kwargs in (
        {"level": "employee", "employee": w.liuyang},
        {"level": "employee", "employee": w.zhangwei},
        {"level": "platform", "platform": w.platform},
    ):
        with pytest.raises(PermissionDeniedError):
            target_set(actor=w.manager, period="2026-Q4", metric="deal_count", value=3, **kwargs)
    with pytest.raises(PermissionDeniedError):
        target_set(
            actor=w.employee,
            level="employee",
            period="2026-Q4",
            metric="deal_count",
            value=3,
            employee=w.chenjing,
        )
    assert Target.objects.count() == 1


def test_the_gap_report_is_not_for_reps(pw):
    with pytest.raises(PermissionDeniedError):
        target_gaps(user=pw.w.employee, period="2026-Q4")


def test_an_import_with_a_bad_row_writes_nothing_and_names_every_bad_row(pw):
    rows = [
        TargetRow(1, "company", "2026-Q4", "sales_amount", "100"),
        TargetRow(2, "platform", "2026-Q4", "sales_amount", "60", platform="NOPE"),
        TargetRow(3, "employee", "2026-Q4", "sales_amount", "-5", employee="XH00004"),
        TargetRow(4, "team", "2026-13", "sales_amount", "5", department="S-E-A"),
    ]
    result = targets_import(actor=pw.w.hr_admin, rows=rows)
    assert [(e["row"], e["field"]) for e in result.errors] == [
        (2, "platform"),
        (3, "value"),
        (4, "period"),
    ]
    assert result.written == 0
    assert not Target.objects.exists()


def test_a_managers_import_refuses_alike_whether_someone_out_of_scope_exists(pw):
    rows = [
        TargetRow(1, "employee", "2026-Q4", "sales_amount", "100", employee="XH00004"),
        TargetRow(2, "employee", "2026-Q4", "sales_amount", "100", employee="XH00006"),
        TargetRow(3, "employee", "2026-Q4", "sales_amount", "100", employee="XH99999"),
    ]
    audit_rows = AuditLog.objects.count()
    with translation.override("en"):
        result = targets_import(actor=pw.w.manager, rows=rows)
    outsider, unknown = result.errors
    assert (outsider["row"], unknown["row"]) == (2, 3)
    assert {k: v for k, v in outsider.items() if k != "row"} == {
        k: v for k, v in unknown.items() if k != "row"
    }
    assert outsider["field"] == "employee"
    assert outsider["message"] == "You may not set targets for this employee."
    assert result.written == 0
    assert not Target.objects.exists() and AuditLog.objects.count() == audit_rows
    # HR sees everyone: an unknown number is named as unknown
    result = targets_import(actor=pw.w.hr_admin, rows=rows[2:])
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "employee")]
    assert "XH99999" in result.errors[0]["message"]


def test_a_clean_import_sets_every_target(pw):
    rows = [
        TargetRow(1, "company", "2026-Q4", "sales_amount", "100"),
        TargetRow(2, "platform", "2026-Q4", "sales_amount", "100", platform="GOV"),
        TargetRow(3, "team", "2026-Q4", "sales_amount", "100", platform="GOV", department="S-E-A"),
        TargetRow(4, "employee", "2026-Q4", "sales_amount", "100", employee="XH00004"),
    ]
    result = targets_import(actor=pw.w.hr_admin, rows=rows)
    assert (result.written, result.errors) == (4, [])
    assert target_gaps(user=pw.w.hr_admin, period="2026-Q4") == []


@pytest.mark.parametrize("value", ["100.5", "0.01", "30000000.000001"])
def test_a_money_target_in_fractions_of_a_fen_is_refused_and_nothing_is_written(pw, value):
    with translation.override("en"), pytest.raises(DomainError) as caught:
        _set(pw, "company", value)
    assert (caught.value.code, caught.value.field) == ("invalid", "value")
    assert str(caught.value) == (
        f"A money target is a whole number of fen (1 yuan = 100 fen), not {value}."
    )
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("metric", "value"),
    [("sales_amount", "100.00"), ("conversion_rate", "0.35"), ("products_listed", "2.5")],
)
def test_whole_fen_and_targets_not_in_money_keep_their_decimals(pw, metric, value):
    target = target_set(
        actor=pw.w.hr_admin, level="company", period="2026-Q4", metric=metric, value=value
    )
    assert target.value == Decimal(value)


def test_an_import_names_the_row_of_a_fractional_money_target(pw):
    rows = [
        TargetRow(1, "company", "2026-Q4", "sales_amount", "100"),
        TargetRow(2, "employee", "2026-Q4", "gross_margin", "99.5", employee="XH00004"),
    ]
    result = targets_import(actor=pw.w.hr_admin, rows=rows)
    assert [(e["row"], e["field"]) for e in result.errors] == [(2, "value")]
    assert result.written == 0 and not Target.objects.exists()
