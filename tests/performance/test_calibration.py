"""Calibration: a reason is mandatory, the coefficient follows, the guideline warns
(PRF-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.models import Appraisal, CycleStatus
from meritline.performance.services.calibration import (
    GradeChange,
    cycle_calibrate,
    warning_text,
)
from meritline.performance.services.cycles import cycle_close, cycle_open
from meritline.performance.services.scoring import cycle_score


@pytest.fixture
def scored(chenjing_sales):
    w = chenjing_sales.w
    cycle = cycle_open(
        actor=w.hr_admin,
        platform=w.platform,
        period="2026-Q3",
        guideline={"max_share": {"S": "10", "A": "50"}, "min_team_size": 2},
    )
    return cycle_score(actor=w.hr_admin, cycle=cycle)


def _state():
    return list(
        Appraisal.objects.order_by("pk").values_list(
            "grade", "calibrated_grade", "coefficient", "calibration_reason"
        )
    )


def test_a_calibration_without_a_reason_changes_nothing(scored):
    w = scored.opened_by
    before = _state()
    with pytest.raises(DomainError) as caught:
        cycle_calibrate(
            actor=w,
            cycle=scored,
            changes=[GradeChange(Appraisal.objects.first().employee_id, "S", " ")],
        )
    assert (caught.value.code, caught.value.field) == ("reason_required", "reason")
    assert _state() == before
    assert not AuditLog.objects.filter(action="performance.appraisal.calibrate").exists()


def test_an_unknown_grade_is_refused(scored):
    with pytest.raises(DomainError) as caught:
        cycle_calibrate(
            actor=scored.opened_by,
            cycle=scored,
            changes=[GradeChange(Appraisal.objects.first().employee_id, "Z", "理由")],
        )
    assert caught.value.code == "unknown_grade"


def test_a_calibrated_grade_keeps_the_computed_one_and_warns_on_the_distribution(
    scored, chenjing_sales
):
    w = chenjing_sales.w
    result = cycle_calibrate(
        actor=w.manager,
        cycle=scored,
        changes=[GradeChange(w.chenjing.pk, "S", "独立拿下省级大单")],
    )
    mine = Appraisal.objects.get(employee=w.chenjing)
    assert (mine.grade, mine.calibrated_grade, mine.effective_grade) == ("A", "S", "S")
    assert mine.coefficient == Decimal("1.5000")
    assert (mine.calibrated_by, mine.calibration_reason) == (w.manager, "独立拿下省级大单")
    (warning,) = result.warnings
    assert (warning.team, warning.grade, warning.count, warning.total) == (
        "政企大客户部",
        "S",
        1,
        2,
    )
    assert "50.00" in warning_text(warning)
    log = AuditLog.objects.get(action="performance.appraisal.calibrate")
    assert log.before["grade"] == "A" and log.after["calibrated_grade"] == "S"
    scored.refresh_from_db()
    assert scored.status == CycleStatus.CALIBRATION


def test_nobody_calibrates_themself_or_people_they_do_not_lead(scored, chenjing_sales):
    w = chenjing_sales.w
    for actor, employee in (
        (w.employee, w.chenjing),
        (w.employee, w.sunlei),
        (w.manager, w.zhangwei),
    ):
        with pytest.raises(PermissionDeniedError):
            cycle_calibrate(
                actor=actor, cycle=scored, changes=[GradeChange(employee.pk, "B", "理由")]
            )
    assert all(row[1] == "" for row in _state())


def test_a_calibration_needs_a_scored_open_cycle(scored, chenjing_sales):
    w = chenjing_sales.w
    cycle_close(actor=w.hr_admin, cycle=scored)
    with pytest.raises(DomainError) as caught:
        cycle_calibrate(
            actor=w.hr_admin, cycle=scored, changes=[GradeChange(w.chenjing.pk, "S", "理由")]
        )
    assert caught.value.code == "cycle_status"
