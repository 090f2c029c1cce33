"""Plumbing shared by the sales services: row issues, bulk results, dates, batches."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.sales.errors import ErrorCode

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

# Dates may lie this far ahead of today (time zones, a contract dated tomorrow morning).
FUTURE_TOLERANCE = timedelta(days=1)
BATCH_SIZE = 5000
GC_PAUSE_FROM = 10_000
ALL_OR_NOTHING = "all_or_nothing"
VALID_ROWS = "valid_rows"
MODES = (ALL_OR_NOTHING, VALID_ROWS)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowIssue:
    """One problem of one input row: ``row`` as the caller numbered it, ``key`` its
    external id, ``field`` the input field it is about."""

    row: int
    key: str
    code: str
    message: str
    field: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "key": self.key,
            "code": self.code,
            "message": self.message,
            "field": self.field,
        }

    def as_error(self) -> DomainError:
        return DomainError(self.code, self.message, field=self.field or None)


@dataclass
class BulkResult:
    """What a bulk upsert found and did. ``written`` is False when nothing was saved
    (a dry run, or bad rows in all-or-nothing mode)."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    written: bool = False

    @property
    def error_rows(self) -> int:
        return len({issue.row for issue in self.errors})

    @property
    def outcome(self) -> Outcome:
        """The outcome of a one-row upsert."""
        if self.created:
            return Outcome.CREATED
        return Outcome.UPDATED if self.updated else Outcome.UNCHANGED

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.CREATED:
            self.created += 1
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


ProgressHook = Callable[[str, int, int], None]
_progress: ContextVar[ProgressHook | None] = ContextVar("sales_bulk_progress", default=None)
CHECKING = "checking"
WRITING = "writing"


@contextmanager
def reporting_progress(hook: ProgressHook) -> Iterator[None]:
    """Within the block, bulk upserts call ``hook(phase, done, total)`` after each chunk
    they check (phase ``checking``) and write (``writing``): the progress bar of an
    import job or of the CLI, without a parameter through every service."""
    token = _progress.set(hook)
    try:
        yield
    finally:
        _progress.reset(token)


def _report(phase: str, done: int, total: int) -> None:
    hook = _progress.get()
    if hook is not None:
        hook(phase, done, total)


class Rollback(Exception):
    """Raised inside a bulk transaction to undo it (all-or-nothing with bad rows)."""


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


def latest_allowed_day() -> date:
    return today() + FUTURE_TOLERANCE


def check_mode(mode: str) -> None:
    if mode not in MODES:
        raise DomainError(ErrorCode.INVALID, _("Choose how to treat bad rows."), field="mode")


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def chunked(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def clean_text(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


def duplicate_keys(keys: Iterable[tuple[int, str]]) -> dict[int, int]:
    """row → the earlier row with the same key, for every repeated key."""
    first: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for row, key in keys:
        if key in first:
            repeats[row] = first[key]
        else:
            first[key] = row
    return repeats


def duplicate_issue(row: int, key: str, earlier: int, field: str = "external_id") -> RowIssue:
    return RowIssue(
        row,
        key,
        ErrorCode.DUPLICATE_KEY,
        _("External id %(key)s appears again; it was first given in row %(row)d.")
        % {"key": key, "row": earlier},
        field,
    )


def audit_batch(
    *,
    actor: Any,
    action: str,
    target_type: str,
    created: list[str],
    updated: dict[str, dict[str, Any]],
    extra: dict[str, Any] | None = None,
    target_id: int | None = None,
) -> None:
    """One audit row for a batch: the keys created, and for each updated key its changed
    fields as ``[old, new]``."""
    if not created and not updated:
        return
    audit.record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        after={"created": created, "updated": updated, **(extra or {})},
    )


def single_pk(objects: Sequence[Any]) -> int | None:
    """The pk of the only object written, for the audit row of a one-row batch."""
    return objects[0].pk if len(objects) == 1 else None


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if hasattr(value, "as_tuple") and not isinstance(value, int | float):  # Decimal
        return str(value)
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Fields whose value differs, as ``{field: [old, new]}`` (JSON-safe)."""
    return {k: [jsonable(old.get(k)), jsonable(v)] for k, v in new.items() if old.get(k) != v}


class Planned:
    """A row's plan: what it will do (``outcome``) or why it cannot (``issues``)."""

    row: int
    key: str
    outcome: Outcome | None
    issues: list[RowIssue]


P = TypeVar("P", bound=Planned)
R = TypeVar("R")


def run_bulk(
    rows: Sequence[R],
    *,
    mode: str,
    dry_run: bool,
    key_of: Callable[[R], str],
    row_of: Callable[[R], int],
    plan_chunk: Callable[[Sequence[R]], list[P]],
    write_chunk: Callable[[Sequence[P]], None],
    before_write: Callable[[Sequence[P]], None] | None = None,
    after_write: Callable[[], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> BulkResult:
    """Plan every row (validation against the database, in chunks), then — unless it is a
    dry run, or there are bad rows in all-or-nothing mode — write the rows that change in
    chunks, all in one transaction. ``before_write`` sees every changing plan at once
    (to derive values across the batch); ``after_write`` runs after the last chunk."""
    check_mode(mode)
    with paused_gc(len(rows)):
        return _run_bulk(
            rows,
            mode=mode,
            dry_run=dry_run,
            key_of=key_of,
            row_of=row_of,
            plan_chunk=plan_chunk,
            write_chunk=write_chunk,
            before_write=before_write,
            after_write=after_write,
            batch_size=batch_size,
        )


@contextmanager
def paused_gc(rows: int) -> Iterator[None]:
    """Pause the cyclic garbage collector while a large batch holds millions of small
    objects that are not garbage (it would traverse them again and again); reference
    counting still frees everything as usual."""
    pause = rows >= GC_PAUSE_FROM and gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.enable()


def _run_bulk(
    rows: Sequence[R],
    *,
    mode: str,
    dry_run: bool,
    key_of: Callable[[R], str],
    row_of: Callable[[R], int],
    plan_chunk: Callable[[Sequence[R]], list[P]],
    write_chunk: Callable[[Sequence[P]], None],
    before_write: Callable[[Sequence[P]], None] | None,
    after_write: Callable[[], None] | None,
    batch_size: int,
) -> BulkResult:
    result = BulkResult(total=len(rows))
    repeats = duplicate_keys((row_of(r), key_of(r)) for r in rows)
    result.errors.extend(
        duplicate_issue(row_of(r), key_of(r), repeats[row_of(r)])
        for r in rows
        if row_of(r) in repeats
    )
    unique = [r for r in rows if row_of(r) not in repeats]
    try:
        with transaction.atomic():
            plans: list[P] = []
            for chunk in chunked(unique, batch_size):
                plans.extend(plan_chunk(chunk))
                _report(CHECKING, len(plans), len(unique))
            good: list[P] = []
            for plan in plans:
                if plan.issues:
                    result.errors.extend(plan.issues)
                else:
                    good.append(plan)
                    assert plan.outcome is not None
                    result.count(plan.outcome)
            result.errors.sort(key=lambda issue: issue.row)
            if dry_run or (mode == ALL_OR_NOTHING and result.errors):
                raise Rollback
            changing = [p for p in good if p.outcome is not Outcome.UNCHANGED]
            if before_write is not None:
                before_write(changing)
            written = 0
            for chunk in chunked(changing, batch_size):
                write_chunk(chunk)
                written += len(chunk)
                _report(WRITING, written, len(changing))
            if after_write is not None:
                after_write()
            result.written = True
    except Rollback:
        pass
    return result


def raise_first(result: BulkResult) -> None:
    if result.errors:
        raise result.errors[0].as_error()


def upsert_one(
    bulk: Callable[..., BulkResult], model: type[M], *, actor: Any, row: Any
) -> tuple[M, Outcome]:
    """Upsert one row through its bulk service (the single-record path of the API and
    pages): the row's first problem is raised as a DomainError, else the saved record."""
    result = bulk(actor=actor, rows=[row])
    raise_first(result)
    saved = model.objects.get(source=row.source.strip(), external_id=row.external_id.strip())
    return saved, result.outcome
