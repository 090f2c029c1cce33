"""Setting and aligning objectives: who may, levels, periods, no alignment cycles."""

from __future__ import annotations

import pytest
from django.utils import translation

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.performance.okr.models import Level, Objective, OkrPeriod, PeriodStatus
from meritline.performance.okr.services.common import current_period_code
from meritline.performance.okr.services.objectives import objective_create, objective_update


def _person(world, actor=None, owner=None, **kw):
    return objective_create(
        actor=actor or world.employee,
        period=kw.pop("period", current_period_code()),
        title=kw.pop("title", "个人目标"),
        level=kw.pop("level", Level.PERSON),
        owner=owner or world.chenjing,
        **kw,
    )


def test_an_objective_is_created_audited_and_its_period_opened(world, okr):
    objective = _person(world, parent=okr["team"])
    assert objective.period.code == current_period_code()
    assert objective.period.status == PeriodStatus.OPEN
    log = AuditLog.objects.get(action="okr.objective_create", target_id=str(objective.pk))
    assert log.after["parent"] == okr["team"].pk


def test_a_manager_sets_objectives_for_their_reports_not_for_others(world):
    assert _person(world, actor=world.manager, owner=world.sunlei).owner == world.sunlei
    with pytest.raises(PermissionDeniedError):
        _person(world, actor=world.manager, owner=world.liuyang)
    with pytest.raises(PermissionDeniedError):
        _person(world, actor=world.employee, owner=world.sunlei)


def test_company_objectives_are_for_hr_admins(world):
    with pytest.raises(DomainError) as err:
        _person(world, actor=world.manager, owner=world.zhangwei, level=Level.COMPANY)
    assert err.value.code == "company_only_hr"


def test_a_team_objective_needs_its_team(world):
    with pytest.raises(DomainError) as err:
        _person(world, actor=world.manager, owner=world.zhangwei, level=Level.TEAM)
    assert err.value.code == "team_required"


def test_a_team_objective_is_for_the_owners_own_team(world):
    """A team objective may add up its team's sales: nobody may point it at another team."""
    with translation.override("en"), pytest.raises(DomainError) as err:
        _person(world, level=Level.TEAM, team=world.sales_south)  # 陈静 is in team A
    assert err.value.code == "invalid" and err.value.field == "team"
    assert "is not 陈静's team" in str(err.value.message)
    assert not Objective.objects.exists()
    assert _person(world, level=Level.TEAM, team=world.team_a).team == world.team_a
    hr = _person(world, actor=world.hr_admin, level=Level.TEAM, team=world.sales_south)
    assert hr.team == world.sales_south


def test_a_bad_quarter_is_refused(world):
    with translation.override("zh-hans"), pytest.raises(DomainError) as err:
        _person(world, period="2026-13")
    assert err.value.code == "bad_period"
    assert "2026-Q4" in str(err.value.message)
    assert not Objective.objects.exists()


def test_a_parent_in_another_period_is_refused(world, okr):
    with pytest.raises(DomainError) as err:
        _person(world, period="2030-Q1", parent=okr["team"])
    assert err.value.code == "parent_other_period"
    assert okr["team"].period.code in str(err.value.message)
    assert not Objective.objects.filter(period__code="2030-Q1").exists()


def test_a_team_cannot_align_to_a_person(world, okr):
    with pytest.raises(DomainError) as err:
        objective_create(
            actor=world.manager,
            period=current_period_code(),
            title="团队目标",
            level=Level.TEAM,
            owner=world.zhangwei,
            team=world.team_a,
            parent=okr["person"],
        )
    assert err.value.code == "parent_level"


def test_alignment_cycles_are_refused_and_nothing_changes(world, okr):
    second = objective_create(
        actor=world.manager,
        period=current_period_code(),
        title="二级团队目标",
        level=Level.TEAM,
        owner=world.zhangwei,
        team=world.team_a,
        parent=okr["team"],
    )
    with translation.override("en"), pytest.raises(DomainError) as err:
        objective_update(
            actor=world.manager, objective=okr["team"], title=okr["team"].title, parent=second
        )
    assert err.value.code == "alignment_cycle"
    assert "→" in str(err.value.message)
    okr["team"].refresh_from_db()
    assert okr["team"].parent == okr["company"]
    with pytest.raises(DomainError) as err:
        objective_update(actor=world.manager, objective=okr["team"], title="x", parent=okr["team"])
    assert err.value.code == "alignment_cycle"


def test_an_update_is_audited_with_what_changed(world, okr):
    objective_update(
        actor=world.employee, objective=okr["person"], title="新标题", parent=okr["team"]
    )
    log = AuditLog.objects.filter(action="okr.objective_update").get()
    assert log.after == {"title": "新标题"}


def test_an_empty_title_is_refused(world):
    with pytest.raises(DomainError) as err:
        _person(world, title="  ")
    assert err.value.field == "title"


def test_nothing_is_set_in_a_closed_period(world, okr):
    OkrPeriod.objects.update(status=PeriodStatus.CLOSED)
    with pytest.raises(DomainError) as err:
        _person(world)
    assert err.value.code == "period_closed"
    with pytest.raises(DomainError):
        objective_update(actor=world.employee, objective=okr["person"], title="x")
