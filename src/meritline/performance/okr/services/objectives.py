"""Objectives: set one for a quarter, edit it, align it to a parent (no cycles, same
period, company → team → person)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.org.models import Department, Employee
from meritline.org.selectors import assignments_on, reporting_subtree, today
from meritline.performance.okr import access
from meritline.performance.okr.errors import ErrorCode
from meritline.performance.okr.models import LEVEL_RANK, Level, Objective, Visibility
from meritline.performance.okr.services.common import period_for, require, require_open, text

FIELDS = ("period", "title", "description", "level", "owner", "team", "parent", "visibility")


def _check_level(*, actor: Any, level: str, team: Department | None) -> None:
    if level not in Level.values:
        raise DomainError(ErrorCode.BAD_LEVEL, _("Choose company, team or person."), field="level")
    if level == Level.TEAM and team is None:
        raise DomainError(
            ErrorCode.TEAM_REQUIRED, _("A team objective needs its team."), field="team"
        )
    if level == Level.COMPANY and not access.is_hr_admin(actor):
        raise DomainError(
            ErrorCode.COMPANY_ONLY_HR,
            _("Only an HR admin may set company objectives."),
            field="level",
        )


def _check_team(*, actor: Any, owner: Employee, team: Department) -> None:
    """A team objective's key results may add up the team's sales: the team must be the
    owner's own (theirs or one of the people they lead) unless HR sets it."""
    if access.is_hr_admin(actor):
        return
    people = reporting_subtree([owner.pk])
    teams = assignments_on(today()).filter(employee_id__in=people).values_list("department_id")
    if not Department.objects.filter(pk=team.pk, pk__in=teams).exists():
        raise DomainError(
            ErrorCode.INVALID,
            _("%(team)s is not %(owner)s's team: choose the team they lead or work in.")
            % {"team": team.name, "owner": owner.name},
            field="team",
        )


def _check_parent(
    *, actor: Any, objective: Objective | None, parent: Objective | None, period_id: int, level: str
) -> None:
    if parent is None:
        return
    if not Objective.objects.filter(access.readable_q(actor), pk=parent.pk).exists():
        raise DomainError(ErrorCode.INVALID, _("Choose an objective you can see."), field="parent")
    if parent.period_id != period_id:
        raise DomainError(
            ErrorCode.PARENT_OTHER_PERIOD,
            _("“%(parent)s” belongs to %(other)s: align only to an objective of the same period.")
            % {"parent": parent.title, "other": parent.period.code},
            field="parent",
        )
    if LEVEL_RANK[Level(parent.level)] > LEVEL_RANK[Level(level)]:
        raise DomainError(
            ErrorCode.PARENT_LEVEL,
            _("A %(level)s objective cannot align to a %(parent_level)s objective.")
            % {"level": Level(level).label, "parent_level": Level(parent.level).label},
            field="parent",
        )
    if objective is None:
        return
    chain: list[str] = [objective.title]
    seen: set[int] = set()
    node: Objective | None = parent
    while node is not None and node.pk not in seen:
        chain.append(node.title)
        if node.pk == objective.pk:
            raise DomainError(
                ErrorCode.ALIGNMENT_CYCLE,
                _("This would align the objective to itself: %(chain)s.")
                % {"chain": " → ".join(chain)},
                field="parent",
            )
        seen.add(node.pk)
        node = node.parent


@transaction.atomic
def objective_create(
    *,
    actor: Any,
    period: str,
    title: str,
    level: str,
    owner: Employee,
    team: Department | None = None,
    parent: Objective | None = None,
    visibility: str = Visibility.PUBLIC,
    description: str = "",
) -> Objective:
    """Set an objective for ``owner`` (and ``team`` for a team objective) in a quarter."""
    okr_period = period_for(period)
    require_open(okr_period)
    require(
        access.may_act_for(actor, owner.pk),
        _("You may set objectives only for yourself and the people you manage."),
    )
    _check_level(actor=actor, level=level, team=team)
    if level == Level.TEAM and team is not None:
        _check_team(actor=actor, owner=owner, team=team)
    if visibility not in Visibility.values:
        raise DomainError(ErrorCode.INVALID, _("Choose who may see it."), field="visibility")
    if not owner.is_active:
        raise DomainError(ErrorCode.BAD_OWNER, _("The owner has left."), field="owner")
    _check_parent(actor=actor, objective=None, parent=parent, period_id=okr_period.pk, level=level)
    objective = Objective.objects.create(
        period=okr_period,
        title=text(title, field="title", limit=200),
        description=text(description, field="description", limit=4000, required=False),
        level=level,
        owner=owner,
        team=team if level == Level.TEAM else None,
        parent=parent,
        visibility=visibility,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="okr.objective_create",
        target=objective,
        after=audit.snapshot(objective, FIELDS),
    )
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: Any,
    objective: Objective,
    title: str,
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    parent: Objective | None = None,
) -> Objective:
    """Change the wording, visibility or alignment of an objective."""
    locked = Objective.objects.select_for_update().select_related("period").get(pk=objective.pk)
    require_open(locked.period)
    require(access.may_write(actor, locked), _("You may not change this objective."))
    if visibility not in Visibility.values:
        raise DomainError(ErrorCode.INVALID, _("Choose who may see it."), field="visibility")
    _check_parent(
        actor=actor, objective=locked, parent=parent, period_id=locked.period_id, level=locked.level
    )
    before = audit.snapshot(locked, FIELDS)
    locked.title = text(title, field="title", limit=200)
    locked.description = text(description, field="description", limit=4000, required=False)
    locked.visibility = visibility
    locked.parent = parent
    locked.save()
    after = audit.snapshot(locked, FIELDS)
    audit.record(
        actor=actor,
        action="okr.objective_update",
        target=locked,
        before=before,
        after=audit.changed(before, after),
    )
    return locked
