"""Customers: validated in memory, upserted by ``(source, external_id)`` in bulk (PLT-7)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from meritline.sales import access, normalise
from meritline.sales.errors import ErrorCode
from meritline.sales.models import MANUAL_SOURCE, Customer, CustomerKind, Deal, Lead
from meritline.sales.selectors import customer_list
from meritline.sales.services import refs
from meritline.sales.services.bulkdb import among, update_rows
from meritline.sales.services.common import (
    ALL_OR_NOTHING,
    BulkResult,
    Outcome,
    Planned,
    RowIssue,
    audit_batch,
    diff,
    now,
    require,
    run_bulk,
    single_pk,
    upsert_one,
)

FIELDS = (
    "name",
    "name_normalised",
    "kind",
    "industry",
    "region_id",
    "platform_id",
    "phone",
    "phone_normalised",
    "email",
    "email_normalised",
)


@dataclass(frozen=True)
class CustomerRow:
    """One customer as an import or API gives it; references by code."""

    source: str
    external_id: str
    name: str
    platform: str
    kind: str = CustomerKind.SMB
    industry: str = ""
    region: str = ""
    phone: str = ""
    email: str = ""
    row: int = 0


@dataclass
class CustomerPlan(Planned):
    row: int
    key: str
    source: str
    external_id: str
    values: dict[str, Any] = field(default_factory=dict)
    pk: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    outcome: Outcome | None = None
    issues: list[RowIssue] = field(default_factory=list)


def new_external_id() -> str:
    """An id for a record created in Meritline itself (source ``meritline``)."""
    return uuid.uuid4().hex


def _key(source: str, external_id: str) -> str:
    return f"{source.strip()}:{external_id.strip()}"


class _Context:
    def __init__(self, actor: Any = None) -> None:
        self.actor = actor
        self.platforms = refs.platforms_by_code()
        self.regions = refs.regions_by_code_or_name()


def _values(r: CustomerRow, ctx: _Context, plan: CustomerPlan) -> dict[str, Any]:
    def issue(code: str, message: str, field_name: str) -> None:
        plan.issues.append(RowIssue(plan.row, r.external_id, code, message, field_name))

    if not r.source.strip():
        issue(ErrorCode.REQUIRED, _("Give the source system."), "source")
    if not r.external_id.strip():
        issue(ErrorCode.REQUIRED, _("Give the external id."), "external_id")
    elif len(r.external_id.strip()) > 64:
        issue(ErrorCode.TOO_LONG, _("The external id is longer than 64 characters."), "external_id")
    name = r.name.strip()
    if not name:
        issue(ErrorCode.REQUIRED, _("Give the customer's name."), "name")
    elif len(name) > 200:
        issue(ErrorCode.TOO_LONG, _("The name is longer than 200 characters."), "name")
    if r.kind not in CustomerKind.values:
        issue(ErrorCode.BAD_CHOICE, _("“%s” is not a customer kind.") % r.kind, "kind")
    platform_id = ctx.platforms.get(r.platform.strip())
    if platform_id is None:
        issue(
            ErrorCode.UNKNOWN_PLATFORM, _("Unknown sales platform “%s”.") % r.platform, "platform"
        )
    region_id = None
    if r.region.strip():
        region_id = ctx.regions.get(r.region.strip())
        if region_id is None:
            issue(ErrorCode.UNKNOWN_REGION, _("Unknown region “%s”.") % r.region, "region")
    email = r.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            issue(ErrorCode.INVALID, _("“%s” is not an e-mail address.") % email, "email")
    return {
        "name": name[:200],
        "name_normalised": normalise.company_name(name)[:200],
        "kind": r.kind,
        "industry": r.industry.strip()[:100],
        "region_id": region_id,
        "platform_id": platform_id,
        "phone": r.phone.strip()[:32],
        "phone_normalised": normalise.phone(r.phone)[:32],
        "email": email[:254],
        "email_normalised": normalise.email(email)[:254],
    }


def _plan_chunk(chunk: Sequence[CustomerRow], ctx: _Context) -> list[CustomerPlan]:
    existing: dict[tuple[str, str], dict[str, Any]] = {}
    by_source: dict[str, list[str]] = {}
    for r in chunk:
        by_source.setdefault(r.source.strip(), []).append(r.external_id.strip())
    for source, ids in by_source.items():
        for found in Customer.objects.filter(among("external_id", ids), source=source).values(
            "pk", "external_id", *FIELDS
        ):
            existing[(source, found["external_id"])] = found
    plans: list[CustomerPlan] = []
    for r in chunk:
        source, external_id = r.source.strip(), r.external_id.strip()
        plan = CustomerPlan(r.row, external_id, source, external_id)
        plan.values = _values(r, ctx, plan)
        if not plan.issues:
            old = existing.get((source, external_id))
            if old is None:
                plan.outcome = Outcome.CREATED
            else:
                plan.pk = old["pk"]
                plan.changes = diff(old, plan.values)
                plan.outcome = Outcome.UPDATED if plan.changes else Outcome.UNCHANGED
        plans.append(plan)
    _refuse_out_of_scope(plans, ctx)
    locked = [p.pk for p in plans if p.outcome is Outcome.UPDATED]
    if locked:
        list(Customer.objects.select_for_update().filter(among("pk", locked)).values_list("pk"))
    return plans


def _refuse_out_of_scope(plans: list[CustomerPlan], ctx: _Context) -> None:
    """A sales manager (who does not write all sales records) changes only customers of
    their scope, or customers nobody has a deal or lead with yet (such as one they just
    created): never another region's customer."""
    if ctx.actor is None or access.writes_sales_records(ctx.actor):
        return
    touched = [p.pk for p in plans if p.outcome is Outcome.UPDATED and p.pk is not None]
    if not touched:
        return
    allowed = set(
        customer_list(user=ctx.actor).filter(among("pk", touched)).values_list("pk", flat=True)
    )
    attached = set(
        Deal.objects.filter(among("customer_id", touched)).values_list("customer_id", flat=True)
    ) | set(
        Lead.objects.filter(among("customer_id", touched)).values_list("customer_id", flat=True)
    )
    for plan in plans:
        if plan.pk in touched and plan.pk not in allowed and plan.pk in attached:
            plan.issues.append(
                RowIssue(
                    plan.row,
                    plan.key,
                    ErrorCode.OUT_OF_SCOPE,
                    _("Customer %s belongs to another team; you may not change it.") % plan.key,
                    "external_id",
                )
            )
            plan.outcome = None


def _write_chunk(chunk: Sequence[CustomerPlan], actor: Any) -> None:
    new = [
        Customer(source=p.source, external_id=p.external_id, **p.values)
        for p in chunk
        if p.outcome is Outcome.CREATED
    ]
    Customer.objects.bulk_create(new)
    stamp = now()
    changed = [p for p in chunk if p.outcome is Outcome.UPDATED]
    update_rows(
        Customer,
        [*FIELDS, "updated_at"],
        [(p.pk, *(p.values[f] for f in FIELDS), stamp) for p in changed],
    )
    audit_batch(
        actor=actor,
        action="sales.customer.upsert",
        target_type="sales.customer",
        created=[_key(c.source, c.external_id) for c in new],
        updated={_key(p.source, p.external_id): p.changes for p in chunk if p.changes},
        target_id=single_pk([*new, *changed]),
    )


def customer_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[CustomerRow],
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
) -> BulkResult:
    """Create or update customers by ``(source, external_id)``; nothing changes for rows
    equal to what is stored. See ``run_bulk`` for ``mode`` and ``dry_run``."""
    require(access.writes_customers(actor), _("You may not change customer records."))
    ctx = _Context(actor)
    return run_bulk(
        rows,
        mode=mode,
        dry_run=dry_run,
        key_of=lambda r: _key(r.source, r.external_id),
        row_of=lambda r: r.row,
        plan_chunk=lambda chunk: _plan_chunk(chunk, ctx),
        write_chunk=lambda chunk: _write_chunk(chunk, actor),
    )


@transaction.atomic
def customer_upsert(
    *,
    actor: Any,
    external_id: str,
    name: str,
    platform: str,
    source: str = MANUAL_SOURCE,
    kind: str = CustomerKind.SMB,
    industry: str = "",
    region: str = "",
    phone: str = "",
    email: str = "",
) -> tuple[Customer, Outcome]:
    """One customer by ``(source, external_id)``; ``platform`` and ``region`` are codes.
    Raises ``DomainError`` on the first problem."""
    row = CustomerRow(
        source=source,
        external_id=external_id,
        name=name,
        platform=platform,
        kind=kind,
        industry=industry,
        region=region,
        phone=phone,
        email=email,
        row=1,
    )
    return upsert_one(customer_bulk_upsert, Customer, actor=actor, row=row)
