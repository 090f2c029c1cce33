"""Leads: registering and importing them with their steps (LED-1) under the ownership
rule (LED-3). Rows are validated in memory against data fetched per chunk, then written
in bulk; ``lead_register`` is the one-lead path of the pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils.translation import gettext as _

from meritline.core.access import scope_for
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.org.models import Employee, Platform
from meritline.sales import access
from meritline.sales.errors import ErrorCode
from meritline.sales.models import MANUAL_SOURCE, Customer, Lead, LeadStep, SourceKind
from meritline.sales.services.bulkdb import among, update_rows
from meritline.sales.services.common import (
    ALL_OR_NOTHING,
    BulkResult,
    Outcome,
    audit_batch,
    now,
    raise_first,
    require,
    run_bulk,
    single_pk,
    upsert_one,
)
from meritline.sales.services.customers import new_external_id
from meritline.sales.services.lead_rows import (
    FIELDS,
    Context,
    LeadPlan,
    LeadRow,
    key_of,
    plan_chunk,
)

__all__ = ["LeadRow", "lead_bulk_upsert", "lead_register", "lead_upsert"]


def _write_chunk(chunk: Sequence[LeadPlan], ctx: Context) -> None:
    stamp = now()
    new = [
        Lead(
            source=p.source,
            external_id=p.external_id,
            number="~" + uuid.uuid4().hex[:31],
            **p.values,
        )
        for p in chunk
        if p.outcome is Outcome.CREATED
    ]
    Lead.objects.bulk_create(new)
    new_ids = [lead.pk for lead in new]
    if new_ids:
        Lead.objects.filter(among("pk", new_ids)).update(
            number=Concat(Value("L"), LPad(Cast("pk", CharField()), 7, Value("0")))
        )
    changed = [p for p in chunk if p.outcome is Outcome.UPDATED]
    update_rows(
        Lead,
        [*FIELDS, "updated_at"],
        [(p.pk, *(p.values[f] for f in FIELDS), stamp) for p in changed],
    )
    lead_ids = iter(new_ids)
    step_rows: list[LeadStep] = []
    actor = ctx.actor if getattr(ctx.actor, "pk", None) else None
    for p in chunk:
        lead_id = next(lead_ids) if p.outcome is Outcome.CREATED else p.pk
        assert lead_id is not None
        who = p.values["owner_id"] or p.values["source_employee_id"]
        step_rows.extend(
            LeadStep(
                lead_id=lead_id,
                step=step,
                at=at,
                owner_id=who,
                actor=actor,
                note=p.note if step == p.values["step"] else "",
            )
            for step, at in p.new_steps.items()
        )
        for step, at in p.moved_steps.items():
            LeadStep.objects.filter(lead_id=lead_id, step=step).update(at=at)
    LeadStep.objects.bulk_create(step_rows)
    audit_batch(
        actor=ctx.actor,
        action="sales.lead.upsert",
        target_type="sales.lead",
        created=[key_of(lead.source, lead.external_id) for lead in new],
        updated={key_of(p.source, p.external_id): p.changes for p in chunk if p.changes},
        target_id=single_pk([*new, *changed]),
    )


def _lead_bulk(*, actor: Any, rows: Sequence[LeadRow], mode: str, dry_run: bool) -> BulkResult:
    ctx = Context(actor)
    return run_bulk(
        rows,
        mode=mode,
        dry_run=dry_run,
        key_of=lambda r: key_of(r.source, r.external_id),
        row_of=lambda r: r.row,
        plan_chunk=lambda chunk: plan_chunk(chunk, ctx),
        write_chunk=lambda chunk: _write_chunk(chunk, ctx),
    )


def lead_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[LeadRow],
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
) -> BulkResult:
    """Create or update leads (with their steps) by ``(source, external_id)``.

    Steps already recorded are kept; a row adds new ones or moves their times. A
    self-sourced row that matches a marketing lead (same normalised company name, phone
    or e-mail, in the database or earlier in the batch) is refused, naming that lead.
    """
    require(access.writes_sales_records(actor), _("You may not import leads."))
    return _lead_bulk(actor=actor, rows=rows, mode=mode, dry_run=dry_run)


@transaction.atomic
def lead_upsert(
    *,
    actor: Any,
    external_id: str,
    company_name: str,
    source_kind: str,
    platform: str,
    entered_at: datetime,
    source: str = MANUAL_SOURCE,
    source_employee: str = "",
    owner: str = "",
    customer: str = "",
    customer_source: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    referrer_name: str = "",
    steps: Sequence[tuple[str, datetime]] = (),
    lost_reason: str = "",
) -> tuple[Lead, Outcome]:
    """One lead by ``(source, external_id)`` (references as in ``LeadRow``); raises
    ``DomainError`` on the first problem."""
    row = LeadRow(
        source=source,
        external_id=external_id,
        company_name=company_name,
        source_kind=source_kind,
        platform=platform,
        entered_at=entered_at,
        source_employee=source_employee,
        owner=owner,
        customer=customer,
        customer_source=customer_source,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        referrer_name=referrer_name,
        steps=tuple(steps),
        lost_reason=lost_reason,
        row=1,
    )
    return upsert_one(lead_bulk_upsert, Lead, actor=actor, row=row)


def _require_register(
    actor: Any, source_kind: str, source_employee: Employee | None, owner: Employee | None
) -> tuple[Employee | None, Employee | None]:
    """Fill in the actor as the source / owner where the kind implies it, and check that
    a non-writer registers a lead they (or a report of theirs) brought or own."""
    if access.writes_sales_records(actor):
        return source_employee, owner
    me = scope_for(actor).self_employee_id
    if me is None or access.read_only(actor):
        raise PermissionDeniedError(_("Only an employee can register leads."))
    mine = Employee.objects.get(pk=me)
    if source_kind == SourceKind.SELF_SOURCED:
        owner = owner or source_employee or mine
        source_employee = source_employee or owner
    elif source_employee is None and source_kind == SourceKind.MARKETING:
        source_employee = mine
    elif source_employee is None and owner is None:  # a referral taken by the actor
        owner = mine
    side = {p.pk for p in (source_employee, owner) if p is not None}
    if source_kind == SourceKind.MARKETING:
        side = {source_employee.pk} if source_employee else set()
    if not side & access.managed_ids(actor):
        raise PermissionDeniedError(
            _("You may register only leads that you or your team brought or own.")
        )
    return source_employee, owner


@transaction.atomic
def lead_register(
    *,
    actor: Any,
    company_name: str,
    source_kind: str,
    platform: Platform,
    source_employee: Employee | None = None,
    owner: Employee | None = None,
    customer: Customer | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    referrer_name: str = "",
    entered_at: datetime | None = None,
    note: str = "",
) -> Lead:
    """Record a new lead at step ``entered``. A self-sourced lead belongs to whoever
    found it (the actor by default); it is refused when it matches a marketing lead,
    and the message names that lead."""
    source_employee, owner = _require_register(actor, source_kind, source_employee, owner)
    row = LeadRow(
        source=MANUAL_SOURCE,
        external_id=new_external_id(),
        company_name=company_name,
        source_kind=source_kind,
        platform=platform.code,
        entered_at=entered_at or now(),
        source_employee=source_employee.employee_no if source_employee else "",
        owner=owner.employee_no if owner else "",
        customer=customer.external_id if customer else "",
        customer_source=customer.source if customer else "",
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        referrer_name=referrer_name,
        note=note,
        row=1,
    )
    result = _lead_bulk(actor=actor, rows=[row], mode=ALL_OR_NOTHING, dry_run=False)
    raise_first(result)
    if not result.written:  # pragma: no cover - one good row is always written
        raise DomainError(ErrorCode.INVALID, _("The lead could not be saved."))
    return Lead.objects.get(source=MANUAL_SOURCE, external_id=row.external_id)
