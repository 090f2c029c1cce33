"""Key results: weights total 100 %, a target differs from its start, money in whole,
non-negative fen, metrics match their measure, history is kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.okr.models import KeyResult, Measure
from meritline.performance.okr.services.checkins import check_in_create
from meritline.performance.okr.services.key_results import key_results_save
from tests.okr.builders import kr


def _save(world, objective, rows, actor=None):
    return key_results_save(actor=actor or world.employee, objective=objective, rows=rows)


def _titles(objective):
    return list(KeyResult.objects.filter(objective=objective).values_list("title", flat=True))


def test_weights_not_totalling_100_are_refused_with_the_sum(world, okr):
    before = _titles(okr["person"])
    with translation.override("en"), pytest.raises(DomainError) as err:
        _save(world, okr["person"], [kr("a", Measure.NUMBER, 50), kr("b", Measure.NUMBER, 40)])
    assert err.value.code == "weights_sum"
    assert "90 %" in str(err.value.message)
    with translation.override("zh-hans"), pytest.raises(DomainError) as err:
        _save(world, okr["person"], [kr("a", Measure.NUMBER, 70), kr("b", Measure.NUMBER, 45.5)])
    assert "115.5" in str(err.value.message)
    assert _titles(okr["person"]) == before


def test_a_target_equal_to_its_start_is_refused(world, okr):
    with translation.override("en"), pytest.raises(DomainError) as err:
        _save(world, okr["person"], [kr("持平", Measure.NUMBER, 100, 5, 5)])
    assert err.value.code == "target_equals_start"
    assert "Key result 1 “持平”" in str(err.value.message)


def test_negative_money_is_refused(world, okr):
    with pytest.raises(DomainError) as err:
        _save(world, okr["person"], [kr("回款", Measure.CURRENCY, 100, -100, 500)])
    assert err.value.code == "negative_money"


def test_a_metric_must_match_the_measure(world, okr):
    with pytest.raises(DomainError) as err:
        _save(world, okr["person"], [kr("签约", Measure.NUMBER, 100, metric="sales_amount")])
    assert err.value.code == "metric_measure"
    with pytest.raises(DomainError) as err:
        _save(world, okr["person"], [kr("签约", Measure.NUMBER, 100, metric="no_such")])
    assert err.value.code == "unknown_metric"


def test_no_key_results_is_refused(world, okr):
    with pytest.raises(DomainError) as err:
        _save(world, okr["person"], [])
    assert err.value.code == "no_key_results"


def test_a_milestone_runs_from_0_to_1(world, okr):
    saved = _save(world, okr["person"], [kr("上线", Measure.MILESTONE, 100, 7, 7)])
    assert (saved[0].start_value, saved[0].target_value) == (0, 1)


def test_key_results_are_replaced_kept_by_id_and_audited(world, okr):
    first = okr["person"].key_results.first()
    saved = _save(
        world,
        okr["person"],
        [
            kr("新签央企客户(改)", Measure.NUMBER, 60, 0, 12, id=first.pk),
            kr("新增", Measure.PERCENT, 40, 10, 30),
        ],
    )
    assert saved[0].pk == first.pk and saved[0].target_value == 12
    assert _titles(okr["person"]) == ["新签央企客户(改)", "新增"]
    log = AuditLog.objects.filter(action="okr.key_results_save").order_by("pk").last()
    assert len(log.before["key_results"]) == 3 and len(log.after["key_results"]) == 2


def test_a_key_result_with_check_ins_is_not_removed(world, okr):
    first = okr["person"].key_results.first()
    check_in_create(actor=world.employee, key_result=first, value=Decimal(3), confidence="high")
    with pytest.raises(DomainError) as err:
        _save(world, okr["person"], [kr("其他", Measure.NUMBER, 100)])
    assert err.value.code == "has_check_ins"
    assert KeyResult.objects.filter(pk=first.pk).exists()


def test_others_may_not_change_key_results(world, okr):
    with pytest.raises(PermissionDeniedError):
        _save(world, okr["person"], [kr("x", Measure.NUMBER, 100)], actor=world.other_employee)
    with pytest.raises(PermissionDeniedError):
        _save(world, okr["company"], [kr("x", Measure.NUMBER, 100)], actor=world.manager)
