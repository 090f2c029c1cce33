"""The audit log (SPEC PLT-4): filter, read before/after, export. HR admin and auditor only."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from meritline.core.access import Scope, scope_for
from meritline.core.audit import PAY_KEYS_SUFFIX
from meritline.core.export import FORMATS, export_response
from meritline.core.listing import apply_sort, paginate
from meritline.core.models import AuditLog
from meritline.core.money import format_fen
from meritline.web import selectors
from meritline.web.forms import AuditFilterForm

SORTS = {"at": "at", "actor": "actor_name", "action": "action", "target": "target_type"}
DEFAULT_SORT = "-at"
REDACTED = "—"
_MISSING = object()


@dataclass(frozen=True)
class DiffRow:
    key: str
    before: str | None
    after: str | None
    changed: bool
    redacted: bool


@dataclass(frozen=True)
class Entry:
    record: AuditLog
    target_label: str
    diff: list[DiffRow]

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.diff if row.changed)


def _reader_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.read_audit:
        raise PermissionDenied(_("Only HR administrators and auditors may read the audit log."))
    return scope


def _form(request: HttpRequest) -> AuditFilterForm:
    user = request.user
    types = [(t, f"{target_label(t)} ({t})") for t in selectors.audit_target_types(user=user)]
    return AuditFilterForm(
        request.GET or None,
        actions=selectors.audit_actions(user=user),
        target_types=types,
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = _reader_scope(request)
    form = _form(request)
    rows = selectors.audit_log_list(user=request.user, filters=form.filters())
    rows, sort = apply_sort(rows, request, SORTS, DEFAULT_SORT)
    page = paginate(rows, request, per_page=50)
    entries = [
        Entry(
            record=record,
            target_label=target_label(record.target_type),
            diff=diff_rows(record.before, record.after, show_pay=scope.pay_fields),
        )
        for record in page
    ]
    filtered = any(v for k, v in request.GET.items() if k not in ("sort", "page"))
    context = {
        "form": form,
        "page_obj": page,
        "entries": entries,
        "sort": sort,
        "filtered": filtered,
        "show_pay": scope.pay_fields,
    }
    return render(request, "web/audit_log.html", context)


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    scope = _reader_scope(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown export format: choose csv or xlsx."))
    form = _form(request)
    rows = selectors.audit_log_list(user=request.user, filters=form.filters())
    rows, _sort = apply_sort(rows, request, SORTS, DEFAULT_SORT)
    headers = [
        _("Time"),
        _("Actor"),
        _("Action"),
        _("Target type"),
        _("Target ID"),
        _("Target"),
        _("Before"),
        _("After"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export_response(
        rows=_export_rows(rows, show_pay=scope.pay_fields),
        headers=headers,
        filename=f"audit-log-{stamp}",
        fmt=fmt,
    )


def _export_rows(rows: Any, *, show_pay: bool) -> Iterator[list[Any]]:
    for record in rows.iterator(chunk_size=1000):
        yield [
            timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M:%S"),
            record.actor_name,
            record.action,
            record.target_type,
            record.target_id,
            record.target_repr,
            _as_json(redact(record.before, show_pay=show_pay)),
            _as_json(redact(record.after, show_pay=show_pay)),
        ]


def _as_json(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _is_pay_key(key: Any) -> bool:
    return isinstance(key, str) and key.endswith(PAY_KEYS_SUFFIX)


def redact(value: Any, *, show_pay: bool) -> Any:
    """``value`` with every ``*_fen`` entry (at any depth) replaced by a dash, unless allowed."""
    if show_pay:
        return value
    if isinstance(value, Mapping):
        return {
            k: REDACTED if _is_pay_key(k) else redact(v, show_pay=False) for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v, show_pay=False) for v in value]
    return value


def diff_rows(before: Any, after: Any, *, show_pay: bool) -> list[DiffRow]:
    """Before and after side by side, one row per key, in the order the keys first appear."""
    old = before if isinstance(before, Mapping) else {}
    new = after if isinstance(after, Mapping) else {}
    keys = list(old) + [k for k in new if k not in old]
    rows = []
    for key in keys:
        b, a = old.get(key, _MISSING), new.get(key, _MISSING)
        hidden = _is_pay_key(key) and not show_pay
        changed = before is not None and after is not None and b != a
        rows.append(
            DiffRow(
                key=str(key),
                before=REDACTED if hidden and b is not _MISSING else _show(key, b, show_pay),
                after=REDACTED if hidden and a is not _MISSING else _show(key, a, show_pay),
                changed=changed,
                redacted=hidden,
            )
        )
    return rows


def _show(key: Any, value: Any, show_pay: bool) -> str | None:
    if value is _MISSING:
        return None
    if value is None:
        return _("(empty)")
    if _is_pay_key(key) and isinstance(value, int) and not isinstance(value, bool):
        return format_fen(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(redact(value, show_pay=show_pay), ensure_ascii=False, default=str)
    return str(value)


@cache
def _model_label(target_type: str) -> Any:
    """The model's lazy verbose name (translated when shown, not when cached)."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return None
    return model._meta.verbose_name


def target_label(target_type: str) -> str:
    """ "org.employee" → "Employee" (translated), or the raw type when unknown."""
    if not target_type:
        return ""
    label = _model_label(target_type)
    return capfirst(str(label)) if label is not None else target_type
