"""Who reads which objectives: public ones everyone; private ones the owner, their
managers and HR."""

from __future__ import annotations

from meritline.performance.okr import selectors
from meritline.performance.okr.models import Objective, Visibility
from meritline.performance.okr.services.common import current_period_code
from tests.okr.builders import PRIVATE_TITLE, liuyang_private


def _titles(user):
    return set(selectors.objective_list(user=user).values_list("title", flat=True))


def test_public_objectives_are_read_by_everyone(world, okr):
    for role in ("hr_admin", "hrbp", "sales_manager", "employee", "finance", "auditor"):
        assert okr["company"].title in _titles(world.user(role))


def test_private_objectives_are_read_by_owner_managers_and_hr(world, okr):
    Objective.objects.filter(pk=okr["person"].pk).update(visibility=Visibility.PRIVATE)
    title = okr["person"].title
    assert title in _titles(world.employee)  # 陈静, the owner
    assert title in _titles(world.manager)  # 张伟, her manager
    assert title in _titles(world.hr_admin)
    assert title in _titles(world.hrbp)  # 李强, HRBP of 华东
    assert title not in _titles(world.other_employee)  # 孙磊, a colleague
    assert title not in _titles(world.finance)
    assert title not in _titles(world.auditor)


def test_liuyang_private_objective_is_outside_the_east(world):
    liuyang_private(world)
    assert PRIVATE_TITLE in _titles(world.hr_admin)
    for role in ("hrbp", "sales_manager", "employee", "finance", "auditor"):
        assert PRIVATE_TITLE not in _titles(world.user(role))


def test_the_alignment_tree_nests_company_team_person(world, okr):
    roots = selectors.alignment_tree(user=world.employee, period=current_period_code())
    assert [n.objective.title for n in roots] == [okr["company"].title]
    team = roots[0].children[0]
    assert team.objective == okr["team"]
    assert [c.objective for c in team.children] == [okr["person"]]


def test_a_child_under_an_unreadable_parent_shows_as_a_root(world, okr):
    Objective.objects.filter(pk=okr["team"].pk).update(visibility=Visibility.PRIVATE)
    roots = selectors.alignment_tree(user=world.other_employee, period=current_period_code())
    assert {n.objective.title for n in roots} == {okr["company"].title, okr["person"].title}


def test_my_objectives_and_my_reports(world, okr):
    period = current_period_code()
    assert selectors.my_objectives(user=world.manager, period=period) == [
        okr["company"],
        okr["team"],
    ]
    assert selectors.reports_objectives(user=world.manager, period=period) == [okr["person"]]
    assert selectors.reports_objectives(user=world.employee, period=period) == []
