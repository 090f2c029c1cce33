"""Collections (回款) and refunds/cancellations on deals, upserted by ``(source,
external_id)``. The deals a batch touches are locked first; their running totals are
recomputed from the lines after the write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from meritline.core.money import format_fen
from meritline.sales import access
from meritline.sales.errors import ErrorCode
from meritline.sales.models import (
    MANUAL_SOURCE,
    Collection,
    Deal,
    DealStatus,
    Refund,
    RefundKind,
)
from meritline.sales.services.bulkdb import update_rows
from meritline.sales.services.common import (
    ALL_OR_NOTHING,
    BulkResult,
    Outcome,
    RowIssue,
    audit_batch,
    chunked,
    diff,
    now,
    require,
    run_bulk,
    single_pk,
    upsert_one,
)
from meritline.sales.services.customers import new_external_id
from meritline.sales.services.derived import refresh_customers
from meritline.sales.services.payment_rows import (
    CollectionRow,
    Context,
    LinePlan,
    RefundRow,
    check_line,
    existing_lines,
    key_of,
    moved,
)

__all__ = [
    "CollectionRow",
    "RefundRow",
    "collection_bulk_upsert",
    "collection_record",
    "collection_upsert",
    "deal_cancel",
    "refund_bulk_upsert",
    "refund_record",
    "refund_upsert",
]


COLLECTION_FIELDS = ("received_on", "amount_fen", "note")


def _plan_collections(chunk: Sequence[CollectionRow], ctx: Context) -> list[LinePlan]:
    ctx.load({((r.deal_source or r.source).strip(), r.deal.strip()) for r in chunk})
    existing = existing_lines(Collection, chunk, COLLECTION_FIELDS)
    plans = []
    for r in chunk:
        plan = LinePlan(r.row, r.external_id.strip(), r.source.strip(), r.external_id.strip())
        plans.append(plan)
        deal_key = ((r.deal_source or r.source).strip(), r.deal.strip())
        deal = check_line(plan, ctx, deal_key, r.received_on, r.amount_fen, "received_on")
        if deal is None:
            continue
        plan.deal_id = deal.pk
        plan.values = {
            "received_on": r.received_on,
            "amount_fen": r.amount_fen,
            "note": r.note.strip()[:255],
        }
        old = existing.get((plan.source, plan.external_id))
        if old is not None and moved(plan, old, deal):
            continue
        total = deal.collected_fen - (old["amount_fen"] if old else 0) + r.amount_fen
        net = deal.amount_fen - deal.refunded_fen
        if total > net:
            plan.issues.append(
                RowIssue(
                    plan.row,
                    plan.key,
                    ErrorCode.COLLECTION_TOO_LARGE,
                    _(
                        "Collections on deal %(deal)s would reach %(total)s, more than its "
                        "amount net of refunds (%(net)s)."
                    )
                    % {"deal": deal.label, "total": format_fen(total), "net": format_fen(net)},
                    "amount_fen",
                )
            )
            continue
        if old is None:
            plan.outcome = Outcome.CREATED
        else:
            plan.pk = old["pk"]
            plan.changes = diff(old, plan.values)
            plan.outcome = Outcome.UPDATED if plan.changes else Outcome.UNCHANGED
        deal.collected_fen = total
    return plans


def _recount(deal_ids: set[int]) -> None:
    """Running totals and the cancelled state of ``deal_ids`` from their lines."""
    for part in chunked(sorted(deal_ids)):
        collected = (
            Collection.objects.filter(deal=OuterRef("pk"))
            .values("deal")
            .annotate(total=Sum("amount_fen"))
            .values("total")
        )
        refunded = (
            Refund.objects.filter(deal=OuterRef("pk"))
            .values("deal")
            .annotate(total=Sum("amount_fen"))
            .values("total")
        )
        Deal.objects.filter(pk__in=part).update(
            collected_fen=Coalesce(Subquery(collected), 0),
            refunded_fen=Coalesce(Subquery(refunded), 0),
            updated_at=now(),
        )
        last_refund = (
            Refund.objects.filter(deal=OuterRef("pk"))
            .order_by("-refunded_on")
            .values("refunded_on")[:1]
        )
        Deal.objects.filter(pk__in=part, refunded_fen__gte=F("amount_fen")).exclude(
            status=DealStatus.CANCELLED
        ).update(status=DealStatus.CANCELLED, cancelled_on=Subquery(last_refund), updated_at=now())


def _write_lines(model: type, chunk: Sequence[LinePlan], ctx: Context, action: str) -> set[int]:
    stamp = now()
    new = [
        model(
            source=p.source,
            external_id=p.external_id,
            deal_id=p.deal_id,
            created_at=stamp,
            updated_at=stamp,
            **p.values,
        )
        for p in chunk
        if p.outcome is Outcome.CREATED
    ]
    model.objects.bulk_create(new)
    changed = [p for p in chunk if p.outcome is Outcome.UPDATED]
    if changed:
        columns = list(changed[0].values)
        update_rows(
            model,
            [*columns, "updated_at"],
            [(p.pk, *(p.values[c] for c in columns), stamp) for p in changed],
        )
    deal_ids = {p.deal_id for p in chunk if p.deal_id is not None}
    _recount(deal_ids)
    audit_batch(
        actor=ctx.actor,
        action=action,
        target_type=model._meta.label_lower,
        created=[key_of(line.source, line.external_id) for line in new],
        updated={key_of(p.source, p.external_id): p.changes for p in chunk if p.changes},
        target_id=single_pk([*new, *changed]),
    )
    return deal_ids


def collection_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[CollectionRow],
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
) -> BulkResult:
    """Create or update collections by ``(source, external_id)``. A deal's collections
    may not add up to more than its amount net of refunds; a cancelled deal takes none."""
    require(access.writes_sales_records(actor), _("You may not record collections."))
    ctx = Context(actor)
    return run_bulk(
        rows,
        mode=mode,
        dry_run=dry_run,
        key_of=lambda r: key_of(r.source.strip(), r.external_id.strip()),
        row_of=lambda r: r.row,
        plan_chunk=lambda chunk: _plan_collections(chunk, ctx),
        write_chunk=lambda chunk: _write_lines(Collection, chunk, ctx, "sales.collection.upsert"),
    )


@transaction.atomic
def collection_upsert(
    *,
    actor: Any,
    external_id: str,
    deal: str,
    received_on: date,
    amount_fen: int,
    source: str = MANUAL_SOURCE,
    note: str = "",
    deal_source: str = "",
) -> tuple[Collection, Outcome]:
    """One collection by ``(source, external_id)`` on the deal with external id ``deal``."""
    row = CollectionRow(
        source=source,
        external_id=external_id,
        deal=deal,
        received_on=received_on,
        amount_fen=amount_fen,
        note=note,
        deal_source=deal_source,
        row=1,
    )
    return upsert_one(collection_bulk_upsert, Collection, actor=actor, row=row)


def collection_record(
    *, actor: Any, deal: Deal, received_on: date, amount_fen: int, note: str = ""
) -> Collection:
    """Record a payment received on ``deal`` (the page's path)."""
    line, _outcome = collection_upsert(
        actor=actor,
        external_id=new_external_id(),
        deal=deal.external_id,
        deal_source=deal.source,
        received_on=received_on,
        amount_fen=amount_fen,
        note=note,
    )
    return line


# Refunds and cancellations

REFUND_FIELDS = ("refunded_on", "amount_fen", "kind", "reason")


def _plan_refunds(chunk: Sequence[RefundRow], ctx: Context) -> list[LinePlan]:
    ctx.load({((r.deal_source or r.source).strip(), r.deal.strip()) for r in chunk})
    existing = existing_lines(Refund, chunk, REFUND_FIELDS)
    plans = []
    for r in chunk:
        plan = LinePlan(r.row, r.external_id.strip(), r.source.strip(), r.external_id.strip())
        plans.append(plan)
        deal_key = ((r.deal_source or r.source).strip(), r.deal.strip())
        amount = r.amount_fen
        if amount is None and not r.cancel:
            plan.issues.append(
                RowIssue(
                    plan.row, plan.key, ErrorCode.REQUIRED, _("Give the amount."), "amount_fen"
                )
            )
        deal = check_line(plan, ctx, deal_key, r.refunded_on, amount, "refunded_on")
        if deal is None:
            continue
        plan.deal_id = deal.pk
        old = existing.get((plan.source, plan.external_id))
        if old is not None and moved(plan, old, deal):
            continue
        remaining = deal.amount_fen - deal.refunded_fen + (old["amount_fen"] if old else 0)
        amount = remaining if amount is None else amount
        problem = None
        if amount > remaining:
            problem = (
                ErrorCode.REFUND_TOO_LARGE,
                _(
                    "The refund of %(amount)s is larger than what remains of deal %(deal)s "
                    "(%(remaining)s)."
                )
                % {
                    "amount": format_fen(amount),
                    "deal": deal.label,
                    "remaining": format_fen(remaining),
                },
            )
        elif r.cancel and amount != remaining:
            problem = (
                ErrorCode.CANCELLATION_NOT_FULL,
                _(
                    "A cancellation refunds all that remains of deal %(deal)s (%(remaining)s), "
                    "not %(amount)s."
                )
                % {
                    "amount": format_fen(amount),
                    "deal": deal.label,
                    "remaining": format_fen(remaining),
                },
            )
        if problem is not None:
            plan.issues.append(RowIssue(plan.row, plan.key, *problem, "amount_fen"))
            continue
        plan.values = {
            "refunded_on": r.refunded_on,
            "amount_fen": amount,
            "kind": RefundKind.CANCELLATION if r.cancel else RefundKind.REFUND,
            "reason": r.reason.strip()[:255],
        }
        if old is None:
            plan.outcome = Outcome.CREATED
        else:
            plan.pk = old["pk"]
            plan.changes = diff(old, plan.values)
            plan.outcome = Outcome.UPDATED if plan.changes else Outcome.UNCHANGED
        deal.refunded_fen = deal.amount_fen - remaining + amount
        deal.cancelled = deal.refunded_fen >= deal.amount_fen
    return plans


def _write_refunds(chunk: Sequence[LinePlan], ctx: Context) -> None:
    deal_ids = _write_lines(Refund, chunk, ctx, "sales.refund.upsert")
    refresh_customers(
        set(Deal.objects.filter(pk__in=list(deal_ids)).values_list("customer_id", flat=True))
    )


def refund_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[RefundRow],
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
) -> BulkResult:
    """Create or update refunds by ``(source, external_id)``. A refund may not exceed
    what remains of its deal; refunds reaching the whole amount cancel the deal (which
    then no longer counts as a purchase of its customer)."""
    require(access.writes_sales_records(actor), _("You may not record refunds."))
    ctx = Context(actor)
    return run_bulk(
        rows,
        mode=mode,
        dry_run=dry_run,
        key_of=lambda r: key_of(r.source.strip(), r.external_id.strip()),
        row_of=lambda r: r.row,
        plan_chunk=lambda chunk: _plan_refunds(chunk, ctx),
        write_chunk=lambda chunk: _write_refunds(chunk, ctx),
    )


@transaction.atomic
def refund_upsert(
    *,
    actor: Any,
    external_id: str,
    deal: str,
    refunded_on: date,
    amount_fen: int | None,
    source: str = MANUAL_SOURCE,
    reason: str = "",
    cancel: bool = False,
    deal_source: str = "",
) -> tuple[Refund, Outcome]:
    """One refund by ``(source, external_id)`` on the deal with external id ``deal``."""
    row = RefundRow(
        source=source,
        external_id=external_id,
        deal=deal,
        refunded_on=refunded_on,
        amount_fen=amount_fen,
        reason=reason,
        cancel=cancel,
        deal_source=deal_source,
        row=1,
    )
    return upsert_one(refund_bulk_upsert, Refund, actor=actor, row=row)


def refund_record(
    *, actor: Any, deal: Deal, refunded_on: date, amount_fen: int, reason: str = ""
) -> Refund:
    """Record money given back on ``deal`` (the page's path)."""
    line, _outcome = refund_upsert(
        actor=actor,
        external_id=new_external_id(),
        deal=deal.external_id,
        deal_source=deal.source,
        refunded_on=refunded_on,
        amount_fen=amount_fen,
        reason=reason,
    )
    return line


def deal_cancel(*, actor: Any, deal: Deal, cancelled_on: date, reason: str) -> Refund:
    """Cancel ``deal``: a cancellation line refunding all that remains of it."""
    line, _outcome = refund_upsert(
        actor=actor,
        external_id=new_external_id(),
        deal=deal.external_id,
        deal_source=deal.source,
        refunded_on=cancelled_on,
        amount_fen=None,
        reason=reason,
        cancel=True,
    )
    return line
