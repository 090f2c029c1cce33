"""Structure endpoints of the org API: departments, entities, regions, positions, levels,
platforms, the reporting tree and team membership on a date."""

from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from meritline.core.errors import DomainError
from meritline.org import selectors
from meritline.org.api import resolve
from meritline.org.api.schemas import (
    ChartNodeOut,
    DepartmentIn,
    DepartmentOut,
    DepartmentUpdateIn,
    EmployeeOut,
    EntityOut,
    LevelOut,
    PlatformOut,
    PositionOut,
    RegionOut,
)
from meritline.org.services.common import require_manage_org
from meritline.org.services.structure import department_save

router = Router()


@router.get("/departments", response=list[DepartmentOut], summary="List departments")
def org_department_list(request: HttpRequest) -> Any:
    """Departments in the user's scope, in tree order."""
    return selectors.department_list(user=request.auth)  # type: ignore[attr-defined]


@router.post("/departments", response={201: DepartmentOut}, summary="Create a department")
def org_department_create(request: HttpRequest, payload: DepartmentIn) -> Any:
    """Create a department (HR admin)."""
    user = request.auth  # type: ignore[attr-defined]
    require_manage_org(user)
    parent = resolve.optional(payload.parent)
    department = department_save(
        actor=user,
        code=payload.code.strip(),
        name=payload.name.strip(),
        entity=resolve.entity(user, payload.entity),
        parent=None if parent is None else resolve.department(user, parent, field="parent"),
        region=resolve.region(user, payload.region),
        active=payload.active,
    )
    return selectors.department_get(user=user, pk=department.pk)


@router.patch(
    "/departments/{department_id}", response=DepartmentOut, summary="Edit or move a department"
)
def org_department_update(
    request: HttpRequest, department_id: int, payload: DepartmentUpdateIn
) -> Any:
    """Rename, re-code or move a department (its subtree moves with it) (HR admin)."""
    user = request.auth  # type: ignore[attr-defined]
    department = selectors.department_get(user=user, pk=department_id)
    require_manage_org(user)
    sent = payload.model_dump(exclude_unset=True)
    for name in ("code", "name", "entity", "active"):
        if name in sent and sent[name] is None:
            raise DomainError("required", _("This field cannot be empty."), field=name)
    if "parent" in sent:
        parent_code = resolve.optional(sent["parent"])
        parent = (
            None if parent_code is None else resolve.department(user, parent_code, field="parent")
        )
    else:
        parent = department.parent
    department_save(
        actor=user,
        pk=department.pk,
        code=sent["code"].strip() if "code" in sent else department.code,
        name=sent["name"].strip() if "name" in sent else department.name,
        entity=resolve.entity(user, sent["entity"]) if "entity" in sent else department.entity,
        parent=parent,
        region=resolve.region(user, sent["region"]) if "region" in sent else department.region,
        active=sent.get("active", department.active),
    )
    return selectors.department_get(user=user, pk=department.pk)


@router.get("/entities", response=list[EntityOut], summary="List legal entities")
def org_entity_list(request: HttpRequest) -> Any:
    """Legal entities of the group."""
    return selectors.entity_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/regions", response=list[RegionOut], summary="List regions")
def org_region_list(request: HttpRequest) -> Any:
    """Sales regions."""
    return selectors.region_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/positions", response=list[PositionOut], summary="List positions with their criteria")
def org_position_list(request: HttpRequest) -> Any:
    """Posts with their hard criteria (in words and as structured rules) and competencies."""
    return selectors.position_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/levels", response=list[LevelOut], summary="List job levels")
def org_level_list(request: HttpRequest) -> Any:
    """Job levels."""
    return selectors.level_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/platforms", response=list[PlatformOut], summary="List sales platforms")
def org_platform_list(request: HttpRequest) -> Any:
    """Sales platforms and their maturity stage."""
    return selectors.platform_list(user=request.auth)  # type: ignore[attr-defined]


@router.get("/chart", response=list[ChartNodeOut], summary="Reporting tree")
def org_chart(request: HttpRequest, on: date | None = None) -> Any:
    """The reporting tree of the employees the user sees, on ``on`` (default today)."""
    return selectors.org_chart(user=request.auth, on=on)  # type: ignore[attr-defined]


@router.get(
    "/teams/{department_id}/members",
    response=list[EmployeeOut],
    summary="Members of a team on a date",
)
def org_team_members(request: HttpRequest, department_id: int, on: date | None = None) -> Any:
    """Who was in the department (and its subtree) on ``on`` (default today), with the
    assignment they held that day."""
    user = request.auth  # type: ignore[attr-defined]
    day = on or selectors.today()
    department = selectors.department_get(user=user, pk=department_id)
    held = selectors.assignments_on(day).select_related(
        "department", "position", "level", "manager", "platform"
    )
    return (
        selectors.team_on(user=user, department=department, on=day)
        .select_related("entity")
        .prefetch_related(Prefetch("assignments", queryset=held, to_attr="current_assignments"))
        .order_by("employee_no")
    )
