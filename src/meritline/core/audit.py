"""``record()``: one append-only audit row per write, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from meritline.core.models import AuditLog

# Values never copied into the audit log (encrypted at rest; the log only says they changed).
SECRET_FIELDS = frozenset({"id_number_encrypted", "id_number_index", "password"})
# Keys shown to pay roles only when the log is displayed.
PAY_KEYS_SUFFIX = "_fen"


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of the instance's concrete fields (FKs as ids)."""
    data: dict[str, Any] = {}
    names = set(fields) if fields is not None else None
    for f in instance._meta.concrete_fields:
        if names is not None and f.name not in names:
            continue
        if f.name in SECRET_FIELDS:
            continue
        value = getattr(instance, f.attname)
        data[f.name] = _jsonable(value)
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Append an audit row. Must run inside the writing service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the writing transaction")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id if target_id is not None else target.pk
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditLog.objects.create(
        actor=actor_obj,
        actor_name=getattr(actor_obj, "username", "") or "system",
        action=action,
        target_type=target_type or "",
        target_id="" if target_id is None else str(target_id),
        target_repr=str(target)[:255] if target is not None else "",
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Keys whose value differs; used to keep update records short."""
    return {
        k: after.get(k) for k in after if k not in _BOOKKEEPING and before.get(k) != after.get(k)
    }


_BOOKKEEPING = frozenset({"created_at", "updated_at"})
