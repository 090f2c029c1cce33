"""Check-ins: value, comment and confidence; history kept and audited; refused on a
closed period, from someone who may not, with a negative amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.okr.models import CheckIn, KeyResult, OkrPeriod, PeriodStatus
from meritline.performance.okr.services.checkins import check_in_create


def _krs(okr):
    return list(okr["person"].key_results.all())


def test_a_check_in_moves_the_value_and_keeps_the_history(world, okr):
    clients = _krs(okr)[0]
    check_in_create(actor=world.employee, key_result=clients, value=Decimal(3), confidence="high")
    row = check_in_create(
        actor=world.manager,
        key_result=clients,
        value=Decimal(7),
        confidence="medium",
        comment="两家央企已签",
    )
    clients.refresh_from_db()
    assert clients.current_value == 7
    assert (row.previous_value, row.value, row.score) == (3, 7, Decimal("0.7"))
    # 0.5 × 0.7 + 0.3 × 0 + 0.2 × 0
    assert row.objective_score == Decimal("0.35")
    assert row.author_name == "张伟"
    assert list(CheckIn.objects.filter(key_result=clients).values_list("value", flat=True)) == [
        7,
        3,
    ]
    log = AuditLog.objects.filter(action="okr.check_in").order_by("pk").last()
    assert log.before == {"current_value": "3.0000"}
    assert log.after["comment"] == "两家央企已签"


def test_the_objective_score_is_weighted(world, okr):
    clients, amount, milestone = _krs(okr)
    check_in_create(actor=world.employee, key_result=clients, value=Decimal(10), confidence="high")
    check_in_create(
        actor=world.employee, key_result=amount, value=Decimal(50_000_000), confidence="high"
    )
    row = check_in_create(
        actor=world.employee, key_result=milestone, value=Decimal(1), confidence="high"
    )
    assert row.objective_score == Decimal("0.85")  # 0.5 + 0.3 × 0.5 + 0.2
    okr["person"].refresh_from_db()
    assert okr["person"].score() == Decimal("0.85")


def test_a_check_in_on_a_closed_period_is_refused(world, okr):
    clients = _krs(okr)[0]
    OkrPeriod.objects.update(status=PeriodStatus.CLOSED)
    with translation.override("en"), pytest.raises(DomainError) as err:
        check_in_create(
            actor=world.employee, key_result=clients, value=Decimal(3), confidence="high"
        )
    assert err.value.code == "period_closed"
    assert "is closed" in str(err.value.message)
    assert not CheckIn.objects.exists()
    assert KeyResult.objects.get(pk=clients.pk).current_value == 0


@pytest.mark.parametrize("who", ["other_employee", "finance", "auditor", "hrbp"])
def test_only_the_owner_and_their_managers_check_in(world, okr, who):
    clients = _krs(okr)[0]
    with pytest.raises(PermissionDeniedError):
        check_in_create(
            actor=world.user(who) if who != "other_employee" else world.other_employee,
            key_result=clients,
            value=Decimal(3),
            confidence="high",
        )
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("index", "value", "code"),
    [
        (1, Decimal(-100), "negative_money"),
        (1, Decimal("10.5"), "not_whole_fen"),
        (2, Decimal("0.5"), "bad_milestone"),
        (0, Decimal("1.23456"), "invalid"),
        (0, Decimal("1e20"), "invalid"),
    ],
)
def test_bad_values_are_refused(world, okr, index, value, code):
    kr = _krs(okr)[index]
    with pytest.raises(DomainError) as err:
        check_in_create(actor=world.employee, key_result=kr, value=value, confidence="high")
    assert err.value.code == code
    assert not CheckIn.objects.exists()


def test_a_confidence_is_required(world, okr):
    with pytest.raises(DomainError) as err:
        check_in_create(
            actor=world.employee, key_result=_krs(okr)[0], value=Decimal(1), confidence="sure"
        )
    assert err.value.field == "confidence"


def test_a_metric_key_result_is_not_typed(world, okr):
    kr = _krs(okr)[0]
    KeyResult.objects.filter(pk=kr.pk).update(metric="deal_count")
    with pytest.raises(DomainError) as err:
        check_in_create(actor=world.employee, key_result=kr, value=Decimal(1), confidence="high")
    assert err.value.code == "metric_linked"
