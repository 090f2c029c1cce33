"""Deals with credited splits (PAY-2…PAY-6): validated in memory (``deal_rows``),
upserted in bulk by ``(source, external_id)``. The segment of a deal is not stored: it
follows from the big-client threshold in force on its signing date
(``selectors.segment_of``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.sales import access
from meritline.sales.models import MANUAL_SOURCE, Customer, Deal, DealSplit, DealStatus
from meritline.sales.services.bulkdb import among, analyze, insert_rows, set_values, update_rows
from meritline.sales.services.common import (
    ALL_OR_NOTHING,
    BulkResult,
    Outcome,
    audit_batch,
    chunked,
    now,
    require,
    run_bulk,
    single_pk,
    upsert_one,
)
from meritline.sales.services.deal_rows import (
    FIELDS,
    Context,
    DealPlan,
    DealRow,
    check_splits,
    fingerprint,
    key_of,
    plan_chunk,
)
from meritline.sales.services.derived import advance_linked_leads, refresh_customers

__all__ = ["DealRow", "check_splits", "deal_bulk_upsert", "deal_upsert", "fingerprint"]


def _derive(plans: Sequence[DealPlan], ctx: Context) -> None:
    """Repurchase flags of the new deals and first purchases of their customers, from the
    stored first purchase (the invariant kept here) and the batch. Customers where an
    existing deal may change its flag (an update, or an earlier new deal) are refreshed
    exactly after the write instead."""
    ctx.created = sum(1 for p in plans if p.outcome is Outcome.CREATED)
    ctx.dirty = {p.customer_id for p in plans if p.outcome is Outcome.UPDATED}
    ctx.dirty |= {p.old_customer_id for p in plans if p.old_customer_id is not None}
    batch_first: dict[int, date] = {}
    for p in plans:
        if p.outcome is Outcome.CREATED:
            day = p.values[1]
            if p.customer_id not in batch_first or day < batch_first[p.customer_id]:
                batch_first[p.customer_id] = day
    stored: dict[int, date | None] = {}
    for part in chunked(sorted(batch_first)):
        stored.update(
            Customer.objects.filter(among("pk", part)).values_list("pk", "first_purchase_on")
        )
    for customer_id, day in batch_first.items():
        current = stored.get(customer_id)
        if current is not None and day < current:
            ctx.dirty.add(customer_id)
        elif current is None:
            ctx.first_purchase[customer_id] = day
    for p in plans:
        if p.outcome is Outcome.CREATED and p.customer_id not in ctx.dirty:
            first = stored.get(p.customer_id) or batch_first[p.customer_id]
            p.is_repurchase = p.values[1] > first


INSERT_COLUMNS = (
    "source",
    "external_id",
    *FIELDS,
    "fingerprint",
    "is_repurchase",
    "status",
    "collected_fen",
    "refunded_fen",
    "created_at",
    "updated_at",
)


def _write_chunk(chunk: Sequence[DealPlan], ctx: Context) -> None:
    stamp = now()
    created = [p for p in chunk if p.outcome is Outcome.CREATED]
    new_ids = insert_rows(
        Deal,
        INSERT_COLUMNS,
        [
            (
                p.source,
                p.external_id,
                *p.values,
                p.fingerprint,
                p.is_repurchase,
                DealStatus.ACTIVE,
                0,
                0,
                stamp,
                stamp,
            )
            for p in created
        ],
    )
    changed = [p for p in chunk if p.outcome is Outcome.UPDATED]
    for p in chunk:
        lead_id = p.values[LEAD_AT]
        if lead_id is not None:
            ctx.signings[lead_id] = (p.values[SIGNED_AT], p.values[0] or p.external_id)
    update_rows(
        Deal,
        [*FIELDS, "fingerprint", "updated_at"],
        [(p.pk, *p.values, p.fingerprint, stamp) for p in changed],
    )
    resplit = [p.pk for p in chunk if p.outcome is Outcome.UPDATED and p.splits_changed]
    if resplit:
        DealSplit.objects.filter(among("deal_id", resplit)).delete()
    splits = [
        (deal_id, employee_id, share)
        for deal_id, p in zip(new_ids, created, strict=True)
        for employee_id, share in p.splits.items()
    ]
    splits.extend(
        (p.pk, employee_id, share)
        for p in chunk
        if p.outcome is Outcome.UPDATED and p.splits_changed
        for employee_id, share in p.splits.items()
    )
    insert_rows(DealSplit, ("deal_id", "employee_id", "share"), splits)
    audit_batch(
        actor=ctx.actor,
        action="sales.deal.upsert",
        target_type="sales.deal",
        created=[key_of(p.source, p.external_id) for p in created],
        updated={key_of(p.source, p.external_id): p.changes for p in chunk if p.changes},
        target_id=new_ids[0] if len(chunk) == 1 and new_ids else single_pk(changed),
    )


ANALYZE_FROM = 50_000
LEAD_AT = FIELDS.index("lead_id")
SIGNED_AT = FIELDS.index("signed_on")


def _after_write(ctx: Context) -> None:
    set_values(Customer, "first_purchase_on", ctx.first_purchase)
    refresh_customers(ctx.dirty)
    moved = advance_linked_leads(ctx.signings, ctx.actor)
    if moved:
        audit.record(
            actor=ctx.actor,
            action="sales.lead.advance_by_deal",
            target_type="sales.lead",
            after={"step": "contract", "leads": moved},
        )
    if ctx.created >= ANALYZE_FROM:
        analyze(Deal)
        analyze(DealSplit)


def deal_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[DealRow],
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
) -> BulkResult:
    """Create or update deals (and their splits) by ``(source, external_id)``; rows equal
    to what is stored change nothing. Keeps each customer's first-purchase date and each
    deal's repurchase flag in step. See ``run_bulk`` for ``mode`` and ``dry_run``."""
    require(access.writes_sales_records(actor), _("You may not change deals."))
    ctx = Context(actor, rows)
    return run_bulk(
        rows,
        mode=mode,
        dry_run=dry_run,
        key_of=lambda r: key_of(r.source.strip(), r.external_id.strip()),
        row_of=lambda r: r.row,
        plan_chunk=lambda chunk: plan_chunk(chunk, ctx),
        write_chunk=lambda chunk: _write_chunk(chunk, ctx),
        before_write=lambda plans: _derive(plans, ctx),
        after_write=lambda: _after_write(ctx),
    )


@transaction.atomic
def deal_upsert(
    *,
    actor: Any,
    external_id: str,
    signed_on: date,
    amount_fen: int,
    platform: str,
    customer: str,
    owner: str,
    source: str = MANUAL_SOURCE,
    number: str = "",
    cost_fen: int = 0,
    lead: str = "",
    products: Sequence[str] = (),
    splits: Sequence[tuple[str, Decimal]] = (),
    customer_source: str = "",
) -> tuple[Deal, Outcome]:
    """One deal by ``(source, external_id)`` (references as in ``DealRow``); raises
    ``DomainError`` on the first problem."""
    row = DealRow(
        source=source,
        external_id=external_id,
        signed_on=signed_on,
        amount_fen=amount_fen,
        platform=platform,
        customer=customer,
        owner=owner,
        number=number,
        cost_fen=cost_fen,
        lead=lead,
        products=tuple(products),
        splits=tuple(splits),
        customer_source=customer_source,
        row=1,
    )
    return upsert_one(deal_bulk_upsert, Deal, actor=actor, row=row)
