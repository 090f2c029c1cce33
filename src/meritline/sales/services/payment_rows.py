"""Collection and refund rows and what they share: the deals a batch touches, locked
with running totals, and the checks every money line gets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from meritline.core.money import format_fen
from meritline.sales.errors import ErrorCode
from meritline.sales.models import (
    Deal,
    DealStatus,
)
from meritline.sales.services.bulkdb import among
from meritline.sales.services.common import (
    Outcome,
    Planned,
    RowIssue,
    latest_allowed_day,
)


@dataclass(frozen=True)
class CollectionRow:
    """Money received on the deal with external id ``deal`` (in ``deal_source``, default
    ``source``)."""

    source: str
    external_id: str
    deal: str
    received_on: date
    amount_fen: int
    note: str = ""
    deal_source: str = ""
    row: int = 0


@dataclass(frozen=True)
class RefundRow:
    """Money given back on a deal; ``cancel`` cancels the deal, refunding all that remains
    (``amount_fen`` None means exactly that)."""

    source: str
    external_id: str
    deal: str
    refunded_on: date
    amount_fen: int | None
    reason: str = ""
    cancel: bool = False
    deal_source: str = ""
    row: int = 0


@dataclass
class LinePlan(Planned):
    row: int
    key: str
    source: str
    external_id: str
    deal_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    pk: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    outcome: Outcome | None = None
    issues: list[RowIssue] = field(default_factory=list)


@dataclass
class DealState:
    pk: int
    label: str
    amount_fen: int
    collected_fen: int
    refunded_fen: int
    cancelled: bool
    customer_id: int


def key_of(source: str, external_id: str) -> str:
    return f"{source}:{external_id}"


class Context:
    """Deals locked so far, with running totals that include the batch's earlier rows."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.deals: dict[tuple[str, str], DealState] = {}
        self.latest_day = latest_allowed_day()

    def load(self, keys: set[tuple[str, str]]) -> None:
        missing: dict[str, set[str]] = {}
        for source, ext in keys - set(self.deals):
            missing.setdefault(source, set()).add(ext)
        for source, ids in missing.items():
            for values in (
                Deal.objects.select_for_update()
                .filter(among("external_id", ids), source=source)
                .order_by("pk")
                .values(
                    "pk",
                    "external_id",
                    "number",
                    "amount_fen",
                    "collected_fen",
                    "refunded_fen",
                    "status",
                    "customer_id",
                )
            ):
                self.deals[(source, values["external_id"])] = DealState(
                    values["pk"],
                    values["number"] or values["external_id"],
                    values["amount_fen"],
                    values["collected_fen"],
                    values["refunded_fen"],
                    values["status"] == DealStatus.CANCELLED,
                    values["customer_id"],
                )


def check_line(
    plan: LinePlan, ctx: Context, deal_key: tuple[str, str], day: Any, amount: Any, what: str
) -> DealState | None:
    def issue(code: str, message: str, field_name: str) -> None:
        plan.issues.append(RowIssue(plan.row, plan.key, code, message, field_name))

    if not plan.source:
        issue(ErrorCode.REQUIRED, _("Give the source system."), "source")
    if not plan.external_id:
        issue(ErrorCode.REQUIRED, _("Give the external id."), "external_id")
    elif len(plan.external_id) > 64:
        issue(ErrorCode.TOO_LONG, _("The external id is longer than 64 characters."), "external_id")
    if not isinstance(day, date):
        issue(ErrorCode.INVALID, _("Give the date."), what)
    elif day > ctx.latest_day:
        issue(ErrorCode.FUTURE_DATE, _("The date %s is in the future.") % day.isoformat(), what)
    if amount is not None:
        if not isinstance(amount, int) or isinstance(amount, bool):
            issue(ErrorCode.INVALID, _("The amount must be a whole number of fen."), "amount_fen")
        elif amount <= 0:
            issue(
                ErrorCode.NOT_POSITIVE,
                _("The amount must be more than zero (got %s).") % format_fen(amount),
                "amount_fen",
            )
    deal = ctx.deals.get(deal_key)
    if deal is None:
        issue(
            ErrorCode.UNKNOWN_DEAL,
            _("There is no deal “%(deal)s” from %(source)s.")
            % {"deal": deal_key[1], "source": deal_key[0]},
            "deal",
        )
    elif deal.cancelled:
        issue(
            ErrorCode.DEAL_CANCELLED,
            _("Deal %s is cancelled; nothing more can be recorded on it.") % deal.label,
            "deal",
        )
    return None if plan.issues else deal


def existing_lines(
    model: type, chunk: Sequence[Any], fields: Sequence[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    by_source: dict[str, list[str]] = {}
    for r in chunk:
        by_source.setdefault(r.source.strip(), []).append(r.external_id.strip())
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for source, ids in by_source.items():
        for values in (
            model.objects.select_for_update()
            .filter(among("external_id", ids), source=source)
            .values("pk", "external_id", "deal_id", *fields)
        ):
            found[(source, values["external_id"])] = values
    return found


def moved(plan: LinePlan, old: dict[str, Any], deal: DealState) -> bool:
    if old["deal_id"] != deal.pk:
        plan.issues.append(
            RowIssue(
                plan.row,
                plan.key,
                ErrorCode.LINE_MOVED,
                _("This line is already recorded on another deal; it cannot move."),
                "deal",
            )
        )
        return True
    return False


# Collections
