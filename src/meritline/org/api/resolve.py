"""Codes and employee numbers in write payloads → the records they name.

Always looked up through the scoped selectors, so a code outside the user's scope is as
unknown as a code that does not exist: a 400 ``unknown_<kind>`` on the field.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.org import selectors
from meritline.org.api.schemas import PlacementIn
from meritline.org.models import Department
from meritline.org.services.employees import Placement


def _by_code(
    queryset: QuerySet[Any],
    code: str,
    field: str,
    message: str,
    key: str = "code",
    kind: str | None = None,
) -> Any:
    """The row of ``queryset`` with that code, or a 400 ``unknown_<kind>`` on ``field``."""
    found = queryset.filter(**{key: code.strip()}).first()
    if found is None:
        raise DomainError(f"unknown_{kind or field}", message % {"code": code}, field=field)
    return found


def optional(code: str | None) -> str | None:
    return code.strip() if code and code.strip() else None


def entity(user: Any, code: str, field: str = "entity") -> Any:
    return _by_code(
        selectors.entity_list(user=user), code, field, _("Unknown legal entity code “%(code)s”.")
    )


def department(user: Any, code: str, field: str = "department") -> Department:
    return _by_code(  # type: ignore[no-any-return]
        selectors.department_list(user=user),
        code,
        field,
        _("Unknown department code “%(code)s”."),
        kind="department",
    )


def region(user: Any, code: str | None) -> Any:
    if optional(code) is None:
        return None
    return _by_code(
        selectors.region_list(user=user), code or "", "region", _("Unknown region code “%(code)s”.")
    )


def placement(user: Any, data: PlacementIn) -> Placement:
    level = optional(data.level)
    manager = optional(data.manager)
    platform = optional(data.platform)
    return Placement(
        department=department(user, data.department),
        position=_by_code(
            selectors.position_list(user=user),
            data.position,
            "position",
            _("Unknown position code “%(code)s”."),
        ),
        level=None
        if level is None
        else _by_code(
            selectors.level_list(user=user), level, "level", _("Unknown job level code “%(code)s”.")
        ),
        manager=None
        if manager is None
        else _by_code(
            selectors.employee_list(user=user),
            manager,
            "manager",
            _("No employee with the number “%(code)s”."),
            key="employee_no",
        ),
        platform=None
        if platform is None
        else _by_code(
            selectors.platform_list(user=user),
            platform,
            "platform",
            _("Unknown platform code “%(code)s”."),
        ),
    )
