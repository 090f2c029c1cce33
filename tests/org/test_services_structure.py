"""Structure services: department tree moves, reference data, post criteria."""

from __future__ import annotations

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.core.models import AuditLog
from meritline.org.models import Department, PostCriterion
from meritline.org.services.structure import (
    criterion_add,
    department_save,
    position_save,
    reference_save,
)


def move(world, department, parent, actor=None):
    return department_save(
        actor=actor or world.hr_admin,
        pk=department.pk,
        code=department.code,
        name=department.name,
        entity=department.entity,
        parent=parent,
        region=department.region,
    )


def test_moving_a_department_reroots_its_subtree(world):
    move(world, world.sales_east, world.hr)
    world.team_a.refresh_from_db()
    assert (
        world.team_a.path
        == f"/{world.root.pk}/{world.hr.pk}/{world.sales_east.pk}/{world.team_a.pk}/"
    )


@pytest.mark.parametrize("target", ["team_a", "sales_east"])
def test_moving_under_itself_or_a_child_is_refused(world, target):
    paths = list(Department.objects.values_list("pk", "path", "parent_id"))
    logs = AuditLog.objects.count()
    with pytest.raises(DomainError) as exc:
        move(world, world.sales_east, getattr(world, target))
    assert exc.value.code == "department_cycle"
    assert exc.value.field == "parent"
    assert list(Department.objects.values_list("pk", "path", "parent_id")) == paths
    assert AuditLog.objects.count() == logs


def test_new_department_gets_its_path(world):
    dept = department_save(
        actor=world.hr_admin, code="NEW", name="新部门", entity=world.sh, parent=world.team_a
    )
    assert dept.path == world.team_a.path + f"{dept.pk}/"


def test_duplicate_codes_are_refused_on_the_field(world):
    with pytest.raises(DomainError) as exc:
        department_save(actor=world.hr_admin, code="HR", name="重复", entity=world.sh)
    assert exc.value.field == "code"
    with pytest.raises(DomainError) as exc:
        reference_save(actor=world.hr_admin, kind="region", data={"code": "EAST", "name": "又一个"})
    assert exc.value.field == "code"


def test_only_hr_admin_changes_structure(world):
    for role in ("hrbp", "sales_manager", "employee", "finance", "auditor"):
        with pytest.raises(PermissionDeniedError):
            reference_save(
                actor=world.user(role), kind="region", data={"code": "N", "name": "华北"}
            )


def test_career_path_cannot_loop(world):
    position_save(actor=world.hr_admin, pk=world.rep.pk, data={"next_position": world.senior})
    position_save(
        actor=world.hr_admin, pk=world.senior.pk, data={"next_position": world.manager_post}
    )
    with pytest.raises(DomainError) as exc:
        position_save(
            actor=world.hr_admin, pk=world.manager_post.pk, data={"next_position": world.rep}
        )
    assert exc.value.code == "ladder_cycle"


def test_senior_rep_criteria_are_stored_and_described(world):
    criterion_add(
        actor=world.hr_admin, position=world.senior, kind="tenure_years", params={"min_years": 3}
    )
    criterion_add(
        actor=world.hr_admin,
        position=world.senior,
        kind="metric_threshold",
        params={"metric": "sales_amount", "window_months": 12, "min_value": 80_000_000},
    )
    criterion_add(
        actor=world.hr_admin, position=world.senior, kind="client_count", params={"min_count": 30}
    )
    texts = [str(c) for c in world.senior.criteria.all()]
    assert any("¥800,000.00" in t for t in texts)
    assert any("30" in t for t in texts)


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("tenure_years", {"min_years": -1}),
        ("tenure_years", {"years": 3}),
        ("metric_threshold", {"metric": "height", "window_months": 12, "min_value": 1}),
        ("metric_threshold", {"metric": "sales_amount", "window_months": 0, "min_value": 1}),
        ("client_count", {"min_count": 0}),
        ("certificate", {"name": ""}),
        ("astrology", {}),
    ],
)
def test_bad_criteria_are_refused(world, kind, params):
    with pytest.raises(DomainError):
        criterion_add(actor=world.hr_admin, position=world.senior, kind=kind, params=params)
    assert not PostCriterion.objects.exists()
