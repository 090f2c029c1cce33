"""Deal rows and their checks (fetch + compute of ``deals``): a chunk of rows is
validated in memory against data fetched in a few queries, and each row gets a plan —
create, update, unchanged — or the reasons it cannot be written."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from meritline.core.money import format_fen
from meritline.sales.errors import ErrorCode
from meritline.sales.models import Customer, Deal, DealSplit, DealStatus, Lead
from meritline.sales.services import refs
from meritline.sales.services.bulkdb import (
    among,
)
from meritline.sales.services.common import (
    Outcome,
    Planned,
    RowIssue,
    chunked,
    diff,
    latest_allowed_day,
)

FIELDS = (
    "number",
    "signed_on",
    "amount_fen",
    "cost_fen",
    "platform_id",
    "customer_id",
    "owner_id",
    "lead_id",
    "products",
)
ONE = Decimal(1)
SHARE_STEP = Decimal("0.0001")


@dataclass(frozen=True)
class DealRow:
    """One deal as an import or API gives it. The platform by code, people by employee
    number, the customer by external id (in ``customer_source``, default ``source``),
    the lead by its number. ``splits`` are ``(employee number, share)`` pairs adding up
    to exactly 1; none means the owner is credited with all of it."""

    source: str
    external_id: str
    signed_on: date
    amount_fen: int
    platform: str
    customer: str
    owner: str
    number: str = ""
    cost_fen: int = 0
    lead: str = ""
    products: tuple[str, ...] = ()
    splits: tuple[tuple[str, Decimal], ...] = ()
    customer_source: str = ""
    row: int = 0


@dataclass
class DealPlan(Planned):
    row: int
    key: str
    source: str
    external_id: str
    values: tuple[Any, ...] = ()
    splits: dict[int, Decimal] = field(default_factory=dict)
    pk: int | None = None
    old_customer_id: int | None = None
    splits_changed: bool = False
    is_repurchase: bool = False
    fingerprint: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    outcome: Outcome | None = None
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def customer_id(self) -> int:
        return int(self.values[CUSTOMER_AT])


@dataclass(frozen=True)
class Existing:
    pk: int
    cancelled: bool
    collected_fen: int
    refunded_fen: int
    values: tuple[Any, ...]
    splits: dict[int, Decimal]


CUSTOMER_AT = FIELDS.index("customer_id")


def key_of(source: str, external_id: str) -> str:
    return f"{source}:{external_id}"


def percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01'))} %"


def fingerprint(r: DealRow) -> str:
    """A digest of what a row says (not its row number): equal digests, equal rows."""
    content = (
        r.source.strip(),
        r.external_id.strip(),
        r.signed_on,
        r.amount_fen,
        r.platform.strip(),
        (r.customer_source or r.source).strip(),
        r.customer.strip(),
        r.owner.strip(),
        r.number.strip(),
        r.cost_fen,
        r.lead.strip(),
        tuple(p.strip() for p in r.products),
        tuple(sorted((str(n).strip(), str(share)) for n, share in r.splits)),
    )
    return hashlib.md5(repr(content).encode(), usedforsecurity=False).hexdigest()


def check_splits(
    splits: Sequence[tuple[int, Decimal]], names: dict[int, str] | None = None
) -> list[tuple[str, str]]:
    """Problems with credited shares as ``(code, message)``: each share more than 0 and
    at most 1 with at most four decimals, nobody twice, and a sum of exactly 1."""
    problems: list[tuple[str, str]] = []
    seen: set[int] = set()
    total = Decimal(0)
    for employee_id, share in splits:
        label = (names or {}).get(employee_id, str(employee_id))
        if employee_id in seen:
            problems.append(
                (ErrorCode.DUPLICATE_SPLIT, _("%s is credited twice on this deal.") % label)
            )
        seen.add(employee_id)
        try:
            exact = share.is_finite() and share == share.quantize(SHARE_STEP)
        except InvalidOperation:
            exact = False
        if not exact or not (0 < share <= ONE):
            problems.append(
                (
                    ErrorCode.BAD_SHARE,
                    _(
                        "The share of %(person)s (%(share)s) must be more than 0 and at most 1, "
                        "with at most four decimals."
                    )
                    % {"person": label, "share": share},
                )
            )
            continue
        total += share
    if not problems and total != ONE:
        problems.append(
            (
                ErrorCode.SHARES_NOT_100,
                _("The split shares add up to %s; they must add up to exactly 100 %%.")
                % percent(total),
            )
        )
    return problems


# From this many rows on, a batch loads all customers of its sources at once.
PRELOAD_FROM = 20_000


class Context:
    def __init__(self, actor: Any, rows: Sequence[DealRow]) -> None:
        self.actor = actor
        self.platforms = refs.platforms_by_code()
        self.employees = refs.employees_by_no()
        self.latest_day = latest_allowed_day()
        self.dirty: set[int] = set()
        self.first_purchase: dict[int, date] = {}
        # Leads linked to a deal written now: lead id → (signing date, deal label).
        self.signings: dict[int, tuple[date, str]] = {}
        self.created = 0
        sources = {r.source.strip() for r in rows}
        # A source with no deals yet (a first import) needs no lookups of existing ones.
        self.sources_with_deals = {s for s in sources if Deal.objects.filter(source=s).exists()}
        self.customers: dict[tuple[str, str], int] | None = None
        if len(rows) >= PRELOAD_FROM:
            self.customers = {}
            for source in sources | {r.customer_source.strip() for r in rows if r.customer_source}:
                for ext, pk in (
                    Customer.objects.filter(source=source)
                    .values_list("external_id", "pk")
                    .iterator(chunk_size=20_000)
                ):
                    self.customers[(source, ext)] = pk


def _fetch_fingerprints(
    keys: Sequence[tuple[str, str]], sources: set[str]
) -> dict[tuple[str, str], str]:
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        if source in sources:
            by_source.setdefault(source, []).append(external_id)
    found: dict[tuple[str, str], str] = {}
    for source, ids in by_source.items():
        for external_id, digest in Deal.objects.filter(
            among("external_id", ids), source=source
        ).values_list("external_id", "fingerprint"):
            found[(source, external_id)] = digest
    return found


def _fetch_existing(
    keys: Sequence[tuple[str, str]], *, lock: bool, sources: set[str] | None = None
) -> dict[tuple[str, str], Existing]:
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        if sources is None or source in sources:
            by_source.setdefault(source, []).append(external_id)
    rows: dict[int, tuple[str, tuple[Any, ...]]] = {}
    for source, ids in by_source.items():
        query = Deal.objects.filter(among("external_id", ids), source=source)
        if lock:
            query = query.select_for_update()
        for values in query.values_list(
            "pk", "external_id", "status", "collected_fen", "refunded_fen", *FIELDS
        ):
            rows[values[0]] = (source, values)
    splits: dict[int, dict[int, Decimal]] = {pk: {} for pk in rows}
    for part in chunked(list(rows)):
        for deal_id, employee_id, share in DealSplit.objects.filter(
            among("deal_id", part)
        ).values_list("deal_id", "employee_id", "share"):
            splits[deal_id][employee_id] = share
    return {
        (source, v[1]): Existing(
            v[0], v[2] == DealStatus.CANCELLED, v[3], v[4], tuple(v[5:]), splits[v[0]]
        )
        for source, v in rows.values()
    }


def _plan_row(
    r: DealRow,
    ctx: Context,
    existing: Existing | None,
    customers: dict[tuple[str, str], int],
    leads: dict[str, tuple[int, int | None]],
) -> DealPlan:
    source, external_id = r.source.strip(), r.external_id.strip()
    plan = DealPlan(r.row, external_id, source, external_id)
    issues = plan.issues

    def issue(code: str, message: str, field_name: str) -> None:
        issues.append(RowIssue(plan.row, external_id, code, message, field_name))

    if not source:
        issue(ErrorCode.REQUIRED, _("Give the source system."), "source")
    if not external_id:
        issue(ErrorCode.REQUIRED, _("Give the external id."), "external_id")
    elif len(external_id) > 64:
        issue(ErrorCode.TOO_LONG, _("The external id is longer than 64 characters."), "external_id")
    signed_on = r.signed_on
    dated = isinstance(signed_on, date)
    if not dated:
        issue(ErrorCode.INVALID, _("Give the signing date."), "signed_on")
    elif signed_on > ctx.latest_day:
        issue(
            ErrorCode.FUTURE_DATE,
            _("The signing date %s is in the future.") % signed_on.isoformat(),
            "signed_on",
        )
    amount = r.amount_fen
    if type(amount) is not int:
        issue(
            ErrorCode.INVALID, _("The contract amount must be a whole number of fen."), "amount_fen"
        )
    elif amount <= 0:
        issue(
            ErrorCode.NOT_POSITIVE,
            _("The contract amount must be more than zero (got %s); record refunds separately.")
            % format_fen(amount),
            "amount_fen",
        )
    if type(r.cost_fen) is not int:
        issue(ErrorCode.INVALID, _("The cost must be a whole number of fen."), "cost_fen")
    elif r.cost_fen < 0:
        issue(ErrorCode.NEGATIVE_COST, _("The cost cannot be negative."), "cost_fen")
    platform_id = ctx.platforms.get(r.platform.strip())
    if platform_id is None:
        issue(
            ErrorCode.UNKNOWN_PLATFORM, _("Unknown sales platform “%s”.") % r.platform, "platform"
        )
    customer_id = customers.get(((r.customer_source or source).strip(), r.customer.strip()))
    if customer_id is None:
        issue(ErrorCode.UNKNOWN_CUSTOMER, _("Unknown customer “%s”.") % r.customer, "customer")
    owner = ctx.employees.get(r.owner.strip())
    if owner is None:
        issue(ErrorCode.UNKNOWN_OWNER, _("Unknown employee number “%s”.") % r.owner, "owner")
    elif dated and not owner.employed_on(signed_on):
        issue(
            ErrorCode.NOT_EMPLOYED,
            _("%(name)s was not employed on %(day)s.")
            % {"name": owner.name, "day": signed_on.isoformat()},
            "owner",
        )
    lead_id = None
    if r.lead:
        lead = leads.get(r.lead.strip())
        if lead is None:
            issue(ErrorCode.UNKNOWN_LEAD, _("Unknown lead “%s”.") % r.lead, "lead")
        else:
            lead_id = lead[0]
            if lead[1] is not None and customer_id is not None and lead[1] != customer_id:
                issue(
                    ErrorCode.CUSTOMER_MISMATCH,
                    _("Lead %s belongs to another customer.") % r.lead.strip(),
                    "lead",
                )
    if r.splits:
        _plan_splits(plan, r, ctx, issue)
    elif owner is not None:
        plan.splits = {owner.pk: ONE}
    if issues:
        return plan
    assert owner is not None
    plan.values = (
        r.number.strip()[:64],
        signed_on,
        amount,
        r.cost_fen,
        platform_id,
        customer_id,
        owner.pk,
        lead_id,
        [p.strip() for p in r.products if p and p.strip()],
    )
    if existing is None:
        plan.outcome = Outcome.CREATED
        return plan
    return _plan_update(plan, existing)


def _plan_splits(plan: DealPlan, r: DealRow, ctx: Context, issue: Any) -> None:
    splits: list[tuple[int, Decimal]] = []
    names: dict[int, str] = {}
    for number, share in r.splits:
        person = ctx.employees.get(str(number).strip())
        if person is None:
            issue(ErrorCode.UNKNOWN_EMPLOYEE, _("Unknown employee number “%s”.") % number, "splits")
            continue
        names[person.pk] = person.name
        try:
            value = share if isinstance(share, Decimal) else Decimal(str(share))
        except InvalidOperation:
            value = Decimal("NaN")
        splits.append((person.pk, value))
    for code, message in check_splits(splits, names):
        issue(code, message, "splits")
    plan.splits = dict(splits)


def _plan_update(plan: DealPlan, existing: Existing) -> DealPlan:
    plan.pk = existing.pk
    plan.old_customer_id = existing.values[CUSTOMER_AT]
    plan.splits_changed = existing.splits != plan.splits
    if existing.values == plan.values and not plan.splits_changed:
        plan.outcome = Outcome.UNCHANGED
        return plan
    plan.changes = diff(
        dict(zip(FIELDS, existing.values, strict=True)), dict(zip(FIELDS, plan.values, strict=True))
    )
    if plan.splits_changed:
        plan.changes["splits"] = [
            {str(k): str(v) for k, v in existing.splits.items()},
            {str(k): str(v) for k, v in plan.splits.items()},
        ]
    plan.outcome = Outcome.UPDATED
    if existing.cancelled:
        plan.issues.append(
            RowIssue(
                plan.row,
                plan.key,
                ErrorCode.DEAL_CANCELLED,
                _("Deal %s is cancelled and can no longer change.") % plan.key,
                "external_id",
            )
        )
    paid = max(existing.collected_fen, existing.refunded_fen)
    if plan.values[FIELDS.index("amount_fen")] < paid:
        plan.issues.append(
            RowIssue(
                plan.row,
                plan.key,
                ErrorCode.AMOUNT_BELOW_PAID,
                _("The amount cannot drop below what was already collected or refunded (%s).")
                % format_fen(paid),
                "amount_fen",
            )
        )
    if plan.issues:
        plan.outcome = None
    return plan


def _customers_of(chunk: Sequence[DealRow]) -> dict[tuple[str, str], int]:
    customer_keys: dict[str, set[str]] = {}
    for r in chunk:
        customer_keys.setdefault((r.customer_source or r.source).strip(), set()).add(
            r.customer.strip()
        )
    customers: dict[tuple[str, str], int] = {}
    for source, ids in customer_keys.items():
        for ext, pk in Customer.objects.filter(
            among("external_id", ids), source=source
        ).values_list("external_id", "pk"):
            customers[(source, ext)] = pk
    return customers


def plan_chunk(chunk: Sequence[DealRow], ctx: Context) -> list[DealPlan]:
    keys = [(r.source.strip(), r.external_id.strip()) for r in chunk]
    digests = [fingerprint(r) for r in chunk]
    stored = _fetch_fingerprints(keys, ctx.sources_with_deals)
    # A row identical to what is stored changes nothing: no need to read or check it.
    full = [
        i
        for i, (key, digest) in enumerate(zip(keys, digests, strict=True))
        if stored.get(key) != digest
    ]
    existing = _fetch_existing([keys[i] for i in full if keys[i] in stored], lock=False)
    rows = [chunk[i] for i in full]
    customers = ctx.customers if ctx.customers is not None else _customers_of(rows)
    numbers = {r.lead.strip() for r in rows if r.lead}
    leads = {}
    if numbers:
        leads = {
            number: (pk, customer_id)
            for number, pk, customer_id in Lead.objects.filter(
                among("number", numbers)
            ).values_list("number", "pk", "customer_id")
        }
    to_check = set(full)
    plans = []
    for i, (r, key) in enumerate(zip(chunk, keys, strict=True)):
        if i in to_check:
            plan = _plan_row(r, ctx, existing.get(key), customers, leads)
            plan.fingerprint = digests[i]
        else:
            plan = DealPlan(r.row, key[1], key[0], key[1], outcome=Outcome.UNCHANGED)
        plans.append(plan)
    changing = [(p.source, p.external_id) for p in plans if p.outcome is Outcome.UPDATED]
    if changing:
        # Re-check what will change against the rows locked for this transaction.
        locked = _fetch_existing(changing, lock=True)
        for plan in plans:
            if plan.outcome is Outcome.UPDATED:
                plan.changes = {}
                _plan_update(plan, locked[(plan.source, plan.external_id)])
    return plans
