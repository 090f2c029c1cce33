"""Shared plumbing of org services: permission checks and validated saves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import scope_for
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.org.models import Employee
from meritline.org.selectors import visible_employee_q


def require_manage_org(actor: Any) -> None:
    if not scope_for(actor).manage_org:
        raise PermissionDeniedError(_("Only an HR admin may change the organisation."))


def require_manage_employee(actor: Any, employee: Employee | None) -> None:
    """HR admins manage everyone; HR business partners only employees in their scope."""
    scope = scope_for(actor)
    if not scope.manage_people:
        raise PermissionDeniedError(_("You may not change employee records."))
    if (
        employee is not None
        and not scope.manage_org
        and not Employee.objects.filter(visible_employee_q(scope), pk=employee.pk).exists()
    ):
        raise PermissionDeniedError(_("This employee is outside your scope."))


def validated_save(
    instance: models.Model, *, exclude: list[str] | None = None, constraints: bool = True
) -> None:
    """full_clean() then save(); Django's field errors become a DomainError on that field.

    ``constraints=False`` skips Meta.constraints (one query each) where the service has
    already checked them with a message of its own; the database still enforces them.
    """
    try:
        instance.full_clean(exclude=exclude, validate_constraints=constraints)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(
            "invalid", messages[0], field=None if field == "__all__" else field
        ) from exc
    instance.save()


def save_audited(
    *, actor: Any, instance: models.Model, data: dict[str, Any], action: str
) -> models.Model:
    """Apply ``data`` to ``instance``, validate, save and audit before/after."""
    creating = instance.pk is None
    before = None if creating else audit.snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    validated_save(instance)
    after = audit.snapshot(instance)
    audit.record(
        actor=actor,
        action=action,
        target=instance,
        before=before,
        after=after if creating or before is None else audit.changed(before, after),
    )
    return instance
