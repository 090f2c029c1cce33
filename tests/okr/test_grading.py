"""End-of-period grading: the owner grades 0–1, a manager reviews; HR admins close."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.okr.models import GradeStatus, OkrPeriod, PeriodStatus
from meritline.performance.okr.services.checkins import check_in_create
from meritline.performance.okr.services.grading import (
    objective_grade,
    objective_review,
    period_close,
)


def test_owner_grades_and_manager_reviews(world, okr):
    person = okr["person"]
    objective_grade(actor=world.employee, objective=person, score=Decimal("0.7"), note="尽力了")
    person.refresh_from_db()
    assert (person.self_score, person.grade_status) == (Decimal("0.7"), GradeStatus.SUBMITTED)
    objective_review(actor=world.manager, objective=person, score=Decimal("0.7"))
    person.refresh_from_db()
    assert (person.final_score, person.grade_status) == (Decimal("0.7"), GradeStatus.REVIEWED)
    assert AuditLog.objects.filter(action__startswith="okr.objective_").count() >= 2


def test_a_different_final_grade_needs_a_reason(world, okr):
    person = okr["person"]
    objective_grade(actor=world.employee, objective=person, score=Decimal("0.9"))
    with pytest.raises(DomainError) as err:
        objective_review(actor=world.manager, objective=person, score=Decimal("0.6"))
    assert err.value.field == "note"
    objective_review(actor=world.manager, objective=person, score=Decimal("0.6"), note="偏高")
    person.refresh_from_db()
    assert person.final_score == Decimal("0.6")


@pytest.mark.parametrize("score", [Decimal("1.2"), Decimal("-0.1"), Decimal("0.705")])
def test_a_grade_outside_0_1_is_refused(world, okr, score):
    with pytest.raises(DomainError) as err:
        objective_grade(actor=world.employee, objective=okr["person"], score=score)
    assert err.value.code == "bad_score"
    okr["person"].refresh_from_db()
    assert okr["person"].self_score is None


def test_nobody_reviews_their_own_grade_nor_an_ungraded_one(world, okr):
    with pytest.raises(DomainError) as err:
        objective_review(actor=world.manager, objective=okr["person"], score=Decimal("0.5"))
    assert err.value.code == "not_graded"
    objective_grade(actor=world.manager, objective=okr["team"], score=Decimal("0.5"))
    with pytest.raises(DomainError) as err:
        objective_review(actor=world.manager, objective=okr["team"], score=Decimal("0.5"))
    assert err.value.code == "own_review"
    objective_grade(actor=world.employee, objective=okr["person"], score=Decimal("0.5"))
    with pytest.raises(PermissionDeniedError):
        objective_review(actor=world.other_employee, objective=okr["person"], score=Decimal(1))


def test_closing_a_period_freezes_it(world, okr):
    period = okr["person"].period
    with pytest.raises(PermissionDeniedError):
        period_close(actor=world.manager, period=period)
    period_close(actor=world.hr_admin, period=period)
    assert OkrPeriod.objects.get(pk=period.pk).status == PeriodStatus.CLOSED
    with pytest.raises(DomainError):
        objective_grade(actor=world.employee, objective=okr["person"], score=Decimal("0.5"))
    with pytest.raises(DomainError):
        check_in_create(
            actor=world.employee,
            key_result=okr["person"].key_results.first(),
            value=Decimal(1),
            confidence="high",
        )
    with pytest.raises(DomainError) as err:
        period_close(actor=world.hr_admin, period=period)
    assert err.value.code == "period_closed"
