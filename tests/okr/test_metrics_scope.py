"""OKR key results updated from the sales data count only what the acting user may see:
a person's records through ``person_frames``, a team's through ``frames_for`` scoped to
the user — and a user who cannot see everyone the objective counts is refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from meritline.core.access import Role, forget_scope
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.periods import Period
from meritline.metrics.windows import previous_window
from meritline.org.models import RoleGrant
from meritline.performance.okr.errors import ErrorCode
from meritline.performance.okr.models import CheckIn, Level, Measure
from meritline.performance.okr.services.common import current_period_code
from meritline.performance.okr.services.key_results import key_results_save
from meritline.performance.okr.services.metrics import objective_refresh
from meritline.performance.okr.services.objectives import objective_create
from meritline.sales import frames as sales_frames
from tests.okr.builders import kr


def _follow(objective, actor):
    (amount,) = key_results_save(
        actor=actor,
        objective=objective,
        rows=[kr("签约额", Measure.CURRENCY, 100, 0, 50_000_000, metric="sales_amount")],
    )
    return amount


def _team(*, actor, owner, team):
    return objective_create(
        actor=actor,
        period=current_period_code(),
        title="团队签约",
        level=Level.TEAM,
        owner=owner,
        team=team,
    )


def _refused(actor, objective, amount):
    with pytest.raises(DomainError) as caught:
        objective_refresh(actor=actor, objective=objective)
    assert not isinstance(caught.value, PermissionDeniedError)
    assert caught.value.code == ErrorCode.METRICS_FAILED
    amount.refresh_from_db()
    assert amount.current_value == 0
    assert not CheckIn.objects.filter(key_result=amount).exists()


def test_a_rep_updating_their_teams_kr_is_refused_rather_than_counting_colleagues(world, sales):
    objective = _team(actor=world.employee, owner=world.chenjing, team=world.team_a)
    amount = _follow(objective, world.employee)
    _refused(world.employee, objective, amount)  # 孙磊's 50,000 CNY are not hers to see


def test_a_manager_updating_another_teams_kr_does_not_count_sales_outside_their_scope(world, sales):
    south = _team(actor=world.hr_admin, owner=world.zhangwei, team=world.sales_south)
    amount = _follow(south, world.hr_admin)
    _refused(world.manager, south, amount)  # 刘洋 is outside 张伟's scope


def test_hr_admin_updating_another_teams_kr_counts_that_team(world, sales):
    south = _team(actor=world.hr_admin, owner=world.zhangwei, team=world.sales_south)
    amount = _follow(south, world.hr_admin)
    assert objective_refresh(actor=world.hr_admin, objective=south) == 1
    amount.refresh_from_db()
    assert amount.current_value == 7_000_000


def test_a_line_manager_who_cannot_see_the_reports_sales_is_refused(world, sales):
    amount = _follow(sales["person"], world.employee)
    RoleGrant.objects.filter(user=world.manager, role=Role.SALES_MANAGER).delete()
    forget_scope(world.manager)
    _refused(world.manager, sales["person"], amount)


def test_a_rep_updating_their_own_kr_counts_only_their_own_sales(world, sales):
    amount = _follow(sales["person"], world.employee)
    objective_refresh(actor=world.employee, objective=sales["person"])
    amount.refresh_from_db()
    assert amount.current_value == 10_000_000


@pytest.mark.parametrize(
    ("level", "loader", "actor"),
    [("person", "person_frames", "employee"), ("team", "frames_for", "manager")],
)
def test_the_frames_are_read_as_the_actor_sees_them_from_the_previous_window(
    world, sales, monkeypatch, level, loader, actor
):
    calls = []
    real = getattr(sales_frames, loader)

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(sales_frames, loader, spy)
    monkeypatch.setattr(sales_frames, "frames_unscoped", None)
    _follow(sales[level], getattr(world, actor))
    objective_refresh(actor=getattr(world, actor), objective=sales[level])
    quarter = Period.parse(current_period_code())
    end = min(timezone.localdate(), quarter.end)
    (call,) = calls
    assert call["user"] == getattr(world, actor)
    assert call["since"] == previous_window((quarter.start, end))[0]
    if level == "person":
        assert call["employee_id"] == world.chenjing.pk
