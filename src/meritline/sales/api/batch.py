"""Pushing many records at once: each row of a batch is checked on its own, so a row that
does not even match the schema (a text where the amount goes) is reported with its row
number beside the rows the services refuse, instead of failing the whole request."""

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Schema, Status
from pydantic import ValidationError, ValidatorFunctionWrapHandler

from meritline.core.errors import DomainError
from meritline.sales.errors import ErrorCode
from meritline.sales.services.common import ALL_OR_NOTHING, BulkResult, Outcome, RowIssue

MAX_ROWS = 5000
BATCH_TOO_LARGE = "batch_too_large"


class BadRow:
    """A row that did not match its schema, with pydantic's errors."""

    def __init__(self, raw: Any, errors: Sequence[Any]) -> None:
        self.raw = raw
        self.errors = errors

    def key(self) -> str:
        value = self.raw.get("external_id") if isinstance(self.raw, dict) else None
        return str(value).strip() if isinstance(value, str | int) else ""

    def issues(self, row: int) -> list[RowIssue]:
        if not isinstance(self.raw, dict):
            message = _("Each row must be an object with the fields of a record.")
            return [RowIssue(row, "", ErrorCode.INVALID, message)]
        found: dict[str, RowIssue] = {}
        for error in self.errors:
            loc = error.get("loc") or ()
            name = str(loc[0]) if loc else ""
            if name not in found:
                # The message names the exact place ("steps.1.at"), the field its top level.
                code, message = _describe(error, ".".join(str(part) for part in loc))
                found[name] = RowIssue(row, self.key(), code, message, name)
        return list(found.values())


def keep_bad_rows(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A wrap validator for one row: the parsed row, or a ``BadRow`` with the errors."""
    try:
        return handler(value)
    except ValidationError as exc:
        return BadRow(value, exc.errors())


_FEN_MESSAGES = {
    "amount_fen": gettext_noop("The amount must be a whole number of fen."),
    "cost_fen": gettext_noop("The cost must be a whole number of fen."),
}


def _describe(error: Any, name: str) -> tuple[str, str]:
    kind = str(error.get("type", ""))
    if not name:
        return ErrorCode.INVALID, _("Each row must be an object with the fields of a record.")
    if kind == "missing":
        return ErrorCode.REQUIRED, _("The field “%s” is required.") % name
    if name in _FEN_MESSAGES:
        return ErrorCode.INVALID, _(_FEN_MESSAGES[name])
    if kind.startswith("datetime"):
        return ErrorCode.INVALID, _(
            "“%s” must be a date and time in ISO 8601, e.g. 2026-03-31T09:30:00+08:00."
        ) % name
    if kind.startswith("date"):
        return ErrorCode.INVALID, _("“%s” must be a date in ISO 8601, e.g. 2026-03-31.") % name
    if kind.startswith("decimal"):
        return ErrorCode.INVALID, _("“%s” must be a decimal number, e.g. 0.6.") % name
    if kind.startswith("int"):
        return ErrorCode.INVALID, _("“%s” must be a whole number.") % name
    if kind.startswith("bool"):
        return ErrorCode.INVALID, _("“%s” must be true or false.") % name
    if kind.startswith("list") or kind.startswith("model") or kind.startswith("dict"):
        return ErrorCode.INVALID, _("“%s” does not have the documented structure.") % name
    return ErrorCode.INVALID, _("“%s” is not valid here.") % name


class RowErrorOut(Schema):
    row: int = Field(description="1-based position of the row in the request's `rows`.")
    key: str = Field(description="The row's external id (empty if it had none).")
    code: str
    message: str = Field(description="In the request's language.")
    field: str | None = Field(None, description="The row field at fault.")


class BatchResultOut(Schema):
    """What a batch found and did."""

    total: int = Field(description="Rows in the request.")
    created: int = Field(description="Rows that create a record (or would: see `written`).")
    updated: int = Field(description="Rows that change a record.")
    unchanged: int = Field(description="Rows equal to what is stored.")
    written: bool = Field(
        description="False when nothing was saved: a dry run, or bad rows in `all_or_nothing`."
    )
    errors: list[RowErrorOut]


def run_batch(
    *,
    bulk: Callable[..., BulkResult],
    actor: Any,
    items: Sequence[Any],
    mode: str,
    dry_run: bool,
    to_row: Callable[[Any, int], Any],
) -> dict[str, Any]:
    """Hand the rows that match their schema to the bulk service (numbered by their place
    in the request) and merge its report with the rows that did not. In
    ``all_or_nothing`` mode a row that did not match makes the service only check."""
    if len(items) > MAX_ROWS:
        raise DomainError(
            BATCH_TOO_LARGE,
            _("A batch may hold at most %(max)d rows; this one has %(count)d. Split it up.")
            % {"max": MAX_ROWS, "count": len(items)},
            field="rows",
        )
    rows: list[Any] = []
    issues: list[RowIssue] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, BadRow):
            issues.extend(item.issues(number))
        else:
            rows.append(to_row(item, number))
    check_only = dry_run or (mode == ALL_OR_NOTHING and bool(issues))
    result = bulk(actor=actor, rows=rows, mode=mode, dry_run=check_only)
    errors = sorted([*issues, *result.errors], key=lambda issue: issue.row)
    return {
        "total": len(items),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "written": result.written,
        "errors": [
            {
                "row": e.row,
                "key": e.key,
                "code": str(e.code),
                "message": str(e.message),
                "field": e.field or None,
            }
            for e in errors
        ],
    }


def upserted(outcome: Outcome, record: Any) -> Status[Any]:
    """The response of a single-record ``PUT``: 201 when it created the record, else 200."""
    return Status(201 if outcome is Outcome.CREATED else 200, record)
