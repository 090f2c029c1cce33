"""Who sees which appraisals, cycles and targets."""

from __future__ import annotations

import pytest

from meritline.core.errors import NotFoundError
from meritline.performance.selectors import (
    appraisal_get,
    appraisal_list,
    cycle_list,
    target_list,
)
from meritline.performance.services.cycles import cycle_open
from meritline.performance.services.targets import target_set


@pytest.fixture
def company(pw):
    return cycle_open(actor=pw.w.hr_admin, period="2026-10", cadence="monthly")


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("employee", {"chenjing"}),
        ("sales_manager", {"chenjing", "sunlei"}),
        ("hrbp", {"chenjing", "sunlei"}),
        ("hr_admin", {"chenjing", "sunlei", "liuyang"}),
        ("auditor", {"chenjing", "sunlei", "liuyang"}),
    ],
)
def test_appraisals_are_scoped_to_the_user(pw, company, role, seen):
    w = pw.w
    names = {w.chenjing.pk: "chenjing", w.sunlei.pk: "sunlei", w.liuyang.pk: "liuyang"}
    rows = appraisal_list(user=w.user(role), cycle=company)
    assert {names[a.employee_id] for a in rows} == seen


def test_a_rep_cannot_open_a_colleagues_appraisal(pw, company):
    his = company.appraisals.get(employee=pw.w.sunlei)
    with pytest.raises(NotFoundError):
        appraisal_get(user=pw.w.employee, pk=his.pk)
    assert appraisal_get(user=pw.w.other_employee, pk=his.pk) == his


def test_a_rep_sees_only_the_cycles_they_are_in(pw, company):
    other = cycle_open(actor=pw.w.hr_admin, platform=pw.sw.web, period="2026-11")
    assert list(cycle_list(user=pw.w.employee)) == [company]
    assert set(cycle_list(user=pw.w.manager)) == {company, other}


def test_employee_targets_are_scoped_and_the_cascade_above_is_shared(pw):
    w = pw.w
    for employee in (w.chenjing, w.sunlei, w.liuyang):
        target_set(
            actor=w.hr_admin,
            level="employee",
            period="2026-Q4",
            metric="deal_count",
            value=3,
            employee=employee,
        )
    target_set(actor=w.hr_admin, level="company", period="2026-Q4", metric="deal_count", value=9)
    mine = target_list(user=w.employee)
    assert {t.employee_id for t in mine} == {w.chenjing.pk, None}
    assert {t.employee_id for t in target_list(user=w.manager)} == {
        w.chenjing.pk,
        w.sunlei.pk,
        None,
    }
    assert target_list(user=w.hr_admin).count() == 4


def test_awards_to_a_person_are_seen_like_their_appraisal(pw, company):
    from meritline.performance.selectors import award_list
    from meritline.performance.services.awards import team_award_grant

    w = pw.w
    his = company.appraisals.get(employee=w.liuyang)
    team_award_grant(
        actor=w.hr_admin,
        cycle=company,
        kind="breakthrough",
        points="2",
        reason="破局",
        appraisal=his,
    )
    assert not award_list(user=w.employee).exists()
    assert award_list(user=w.auditor).count() == 1
