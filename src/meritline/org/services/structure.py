"""Entities, regions, the department tree, levels, positions, post criteria, platforms."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.org import criteria
from meritline.org.models import (
    Department,
    JobFamily,
    JobLevel,
    LegalEntity,
    Platform,
    Position,
    PostCompetency,
    PostCriterion,
    Region,
)
from meritline.org.services.common import require_manage_org, save_audited

_REFERENCE_MODELS: dict[str, type] = {
    "entity": LegalEntity,
    "region": Region,
    "family": JobFamily,
    "level": JobLevel,
    "platform": Platform,
}


@transaction.atomic
def reference_save(*, actor: Any, kind: str, data: dict[str, Any], pk: int | None = None) -> Any:
    """Create (``pk`` None) or update one row of reference data: entity, region, job
    family, job level or platform."""
    require_manage_org(actor)
    model = _REFERENCE_MODELS[kind]
    instance = model() if pk is None else model.objects.select_for_update().get(pk=pk)
    parent = data.get("parent")
    if kind == "entity" and pk is not None and parent is not None and parent.pk == pk:
        raise DomainError("entity_cycle", _("An entity cannot be its own parent."), field="parent")
    action = f"org.{kind}.{'create' if pk is None else 'update'}"
    return save_audited(actor=actor, instance=instance, data=data, action=action)


@transaction.atomic
def department_save(
    *,
    actor: Any,
    code: str,
    name: str,
    entity: LegalEntity,
    parent: Department | None = None,
    region: Region | None = None,
    active: bool = True,
    pk: int | None = None,
) -> Department:
    """Create or update a department; moving it re-roots its whole subtree.

    Refuses moving a department under itself or one of its descendants.
    """
    require_manage_org(actor)
    if pk is None:
        department = Department()
        old_path = None
    else:
        department = Department.objects.select_for_update().get(pk=pk)
        old_path = department.path
    if parent is not None and old_path is not None and parent.path.startswith(old_path):
        raise DomainError(
            "department_cycle",
            _("“%(dept)s” cannot be moved under “%(parent)s”: that is inside its own subtree.")
            % {"dept": department.name, "parent": parent.name},
            field="parent",
        )
    save_audited(
        actor=actor,
        instance=department,
        data={
            "code": code,
            "name": name,
            "entity": entity,
            "parent": parent,
            "region": region,
            "active": active,
        },
        action="org.department.create" if pk is None else "org.department.update",
    )
    new_path = (parent.path if parent else "/") + f"{department.pk}/"
    if new_path != department.path:
        _repath(department, old_path or department.path, new_path)
    return department


def _repath(department: Department, old_path: str, new_path: str) -> None:
    department.path = new_path
    department.save(update_fields=["path"])
    if old_path:
        descendants = Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk)
        for child in descendants:
            child.path = new_path + child.path[len(old_path) :]
            child.save(update_fields=["path"])


@transaction.atomic
def position_save(*, actor: Any, data: dict[str, Any], pk: int | None = None) -> Position:
    require_manage_org(actor)
    instance = Position() if pk is None else Position.objects.select_for_update().get(pk=pk)
    nxt = data.get("next_position")
    if pk is not None and nxt is not None:
        links = dict(Position.objects.values_list("pk", "next_position_id"))
        step: int | None = nxt.pk
        while step is not None:
            if step == pk:
                raise DomainError(
                    "ladder_cycle",
                    _("The career path would loop back to this post."),
                    field="next_position",
                )
            step = links.get(step)
    return save_audited(
        actor=actor,
        instance=instance,
        data=data,
        action="org.position.create" if pk is None else "org.position.update",
    )  # type: ignore[return-value]


@transaction.atomic
def criterion_add(
    *, actor: Any, position: Position, kind: str, params: dict[str, Any]
) -> PostCriterion:
    """Add a hard criterion (structured rule) to a post."""
    require_manage_org(actor)
    clean = criteria.validate(kind, params)
    order = position.criteria.count()
    criterion = PostCriterion.objects.create(
        position=position, kind=kind, params=clean, order=order
    )
    audit.record(
        actor=actor,
        action="org.criterion.add",
        target=criterion,
        after={"position": position.pk, "kind": kind, "params": clean},
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor: Any, criterion: PostCriterion) -> None:
    require_manage_org(actor)
    before = {"position": criterion.position_id, "kind": criterion.kind, "params": criterion.params}
    audit.record(actor=actor, action="org.criterion.remove", target=criterion, before=before)
    criterion.delete()


@transaction.atomic
def competency_add(
    *, actor: Any, position: Position, name: str, description: str = "", competency_code: str = ""
) -> PostCompetency:
    require_manage_org(actor)
    if not name.strip():
        raise DomainError("required", _("A competency needs a name."), field="name")
    competency = PostCompetency.objects.create(
        position=position,
        name=name.strip(),
        description=description,
        competency_code=competency_code,
        order=position.competencies.count(),
    )
    audit.record(
        actor=actor,
        action="org.competency.add",
        target=competency,
        after=audit.snapshot(competency),
    )
    return competency
