"""Reads the sales pages need beyond ``selectors``: every one scoped to the acting user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from meritline.core.access import Role, scope_for
from meritline.core.errors import NotFoundError
from meritline.core.money import allocate
from meritline.core.periods import Period, PeriodKind
from meritline.metrics import compute, monthly_windows
from meritline.org.models import Employee, EmployeeStatus, Platform, Region
from meritline.org.selectors import current_assignment, today
from meritline.sales import access, normalise, selectors
from meritline.sales import frames as sales_frames
from meritline.sales.models import (
    CHAIN,
    TERMINAL,
    Customer,
    Deal,
    DealSplit,
    DealStatus,
    DisputeKind,
    DisputeStatus,
    Lead,
    LeadDispute,
    PlatformStage,
    Segment,
    SegmentThreshold,
    Step,
)
from meritline.sales.services.ownership import Contact, marketing_index

STEP_ORDER = {step: i for i, step in enumerate(CHAIN)}
OPEN_STEPS = tuple(s for s in CHAIN if s not in TERMINAL)


def step_order() -> Case:
    """An integer for sorting by step along the chain (lost last)."""
    return Case(
        *(When(step=step, then=Value(i)) for i, step in enumerate(CHAIN)),
        default=Value(len(CHAIN)),
        output_field=IntegerField(),
    )


# Leads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadFilters:
    q: str = ""
    step: str = ""
    source_kind: str = ""
    platform: Platform | None = None
    owner: Employee | None = None
    qualified: str = ""  # "yes", "no", "pending" or ""


def lead_rows(*, user: Any, filters: LeadFilters | None = None) -> QuerySet[Lead]:
    """The scoped leads, filtered, with ``step_rank`` for sorting along the chain."""
    f = filters or LeadFilters()
    rows = selectors.lead_list(user=user).annotate(step_rank=step_order())
    if f.q:
        rows = rows.filter(
            Q(company_name__icontains=f.q)
            | Q(number__icontains=f.q)
            | Q(contact_name__icontains=f.q)
            | Q(contact_phone__icontains=f.q)
        )
    if f.step:
        rows = rows.filter(step=f.step)
    if f.source_kind:
        rows = rows.filter(source_kind=f.source_kind)
    if f.platform is not None:
        rows = rows.filter(platform=f.platform)
    if f.owner is not None:
        rows = rows.filter(Q(owner=f.owner) | Q(source_employee=f.owner))
    if f.qualified == "yes":
        rows = rows.filter(qualified=True)
    elif f.qualified == "no":
        rows = rows.filter(qualified=False)
    elif f.qualified == "pending":
        rows = rows.filter(qualified__isnull=True)
    return rows


def lead_people(*, user: Any) -> QuerySet[Employee]:
    """Owners and bringers of the leads and deals the user sees (for the filters)."""
    leads = selectors.lead_list(user=user)
    deals = selectors.deal_list(user=user)
    return Employee.objects.filter(
        Q(pk__in=leads.values("owner_id"))
        | Q(pk__in=leads.values("source_employee_id"))
        | Q(pk__in=deals.values("owner_id"))
    ).order_by("employee_no")


@dataclass(frozen=True)
class TimelineEntry:
    step: str
    label: str
    at: datetime | None = None
    owner: Employee | None = None
    note: str = ""
    reached: bool = False
    current: bool = False


def lead_timeline(lead: Lead) -> list[TimelineEntry]:
    """Every step of the chain in order, reached or still ahead; a lost lead ends with
    ``lost`` and its skipped steps are left out."""
    by_step = {row.step: row for row in lead.steps.all()}
    entries: list[TimelineEntry] = []
    lost = lead.step == Step.LOST
    for step in CHAIN:
        row = by_step.get(step)
        if row is None and lost:
            continue
        entries.append(
            TimelineEntry(
                step=step,
                label=str(Step(step).label),
                at=row.at if row else None,
                owner=row.owner if row else None,
                note=row.note if row else "",
                reached=row is not None,
                current=lead.step == step,
            )
        )
    if lost:
        row = by_step.get(Step.LOST)
        entries.append(
            TimelineEntry(
                step=Step.LOST,
                label=str(Step.LOST.label),
                at=row.at if row else lead.step_at,
                owner=row.owner if row else None,
                note=lead.lost_reason or (row.note if row else ""),
                reached=True,
                current=True,
            )
        )
    return entries


def next_steps(lead: Lead) -> list[str]:
    """The steps ``lead`` may move to: any later step of the chain, or lost."""
    if lead.step in TERMINAL:
        return []
    later = [s for s in CHAIN if STEP_ORDER[s] > STEP_ORDER[lead.step]]
    return [*later, Step.LOST]


def next_chain_step(step: str) -> str | None:
    """The step after ``step`` along the chain (None at the end or off it)."""
    if step not in STEP_ORDER or STEP_ORDER[step] + 1 >= len(CHAIN):
        return None
    return CHAIN[STEP_ORDER[step] + 1]


@dataclass(frozen=True)
class LeadActions:
    advance: bool = False
    review: bool = False
    assign: bool = False
    dispute: bool = False


def lead_actions(*, user: Any, lead: Lead) -> LeadActions:
    """Which of the lead's actions the user may take (the services decide in the end)."""
    scope = scope_for(user)
    me = scope.self_employee_id
    writer = access.writes_sales_records(user)
    people = {lead.owner_id, lead.source_employee_id} - {None}
    open_chain = lead.step not in TERMINAL
    works = writer or bool(people & access.managed_ids(user))
    manager = scope.has(Role.SALES_MANAGER) and me is not None
    open_dispute = any(d.status == DisputeStatus.OPEN for d in lead.disputes.all())
    something_to_claim = me is not None and (me != lead.source_employee_id or me != lead.owner_id)
    return LeadActions(
        advance=works and open_chain,
        review=access.reviews_leads(user) and me not in people,
        assign=(writer or manager) and open_chain,
        dispute=something_to_claim and not open_dispute,
    )


def assignable_owners(*, user: Any) -> QuerySet[Employee]:
    """Active people the user may give a lead to: anyone for sales-record writers, their
    reporting subtree otherwise."""
    people = Employee.objects.filter(status=EmployeeStatus.ACTIVE).order_by("employee_no")
    if access.writes_sales_records(user):
        return people
    return people.filter(pk__in=access.managed_ids(user))


def claimable_lead(
    *,
    user: Any,
    pk: int | None = None,
    company_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Lead:
    """The lead a dispute may be raised about: a lead the user sees (by ``pk``), or the
    marketing lead matching the company or contact the user tried to register (the one
    the ownership refusal named). 404 otherwise."""
    if pk is not None:
        return selectors.lead_get(user=user, pk=pk)
    if scope_for(user).self_employee_id is None:
        raise NotFoundError(_("Lead not found."))
    contact = Contact(
        normalise.company_name(company_name)[:200],
        normalise.phone(contact_phone)[:32],
        normalise.email(contact_email)[:254],
    )
    found = marketing_index([contact]).match(contact)
    if found is None:
        raise NotFoundError(_("Lead not found."))
    return Lead.objects.select_related("source_employee", "owner", "platform").get(pk=found[0].pk)


def self_employee(*, user: Any) -> Employee | None:
    """The user's own (active) employee record."""
    me = scope_for(user).self_employee_id
    return Employee.objects.filter(pk=me).first() if me is not None else None


def default_platform(*, user: Any) -> Platform | None:
    """The platform of the user's current post, if any."""
    employee = self_employee(user=user)
    current = current_assignment(employee) if employee else None
    return current.platform if current else None


@dataclass
class MyLeads:
    alerts: list[Any]
    by_step: list[tuple[str, str, list[Lead]]]
    closed: list[Lead]
    open_count: int
    disputes_open: int


def my_leads(*, user: Any, closed_limit: int = 10) -> MyLeads:
    """The user's own leads (owned or brought) by open step, their recently closed ones,
    and the open SLA alerts of them and their reports (``todo_for``), oldest due first."""
    me = scope_for(user).self_employee_id
    if me is None:
        return MyLeads([], [(s, str(Step(s).label), []) for s in OPEN_STEPS], [], 0, 0)
    mine = (
        selectors.lead_list(user=user)
        .filter(Q(owner_id=me) | Q(source_employee_id=me))
        .order_by("step_at", "pk")
    )
    # An alert stays open until the next SLA scan; one whose lead has moved on is done.
    alerts = [a for a in selectors.todo_for(user=user) if a.lead.step == a.step]
    alert_leads = {a.lead_id for a in alerts}
    grouped: dict[str, list[Lead]] = defaultdict(list)
    for lead in mine.exclude(step__in=TERMINAL):
        lead.overdue = lead.pk in alert_leads
        grouped[lead.step].append(lead)
    for leads in grouped.values():
        leads.sort(key=lambda lead: (not lead.overdue, lead.step_at, lead.pk))
    closed = list(mine.filter(step__in=TERMINAL).order_by("-step_at", "-pk")[:closed_limit])
    disputes = selectors.dispute_list(user=user).filter(claimant_id=me, status=DisputeStatus.OPEN)
    return MyLeads(
        alerts=alerts,
        by_step=[(s, str(Step(s).label), grouped.get(s, [])) for s in OPEN_STEPS],
        closed=closed,
        open_count=sum(len(v) for v in grouped.values()),
        disputes_open=disputes.count(),
    )


# Deals -----------------------------------------------------------------------------------


def _threshold_on(day_ref: Any) -> Coalesce:
    """The big-client threshold in force on the date ``day_ref`` (before the first value,
    the first one), as a subquery."""
    in_force = SegmentThreshold.objects.filter(valid_from__lte=day_ref).order_by("-valid_from")
    first = SegmentThreshold.objects.order_by("valid_from")
    return Coalesce(
        Subquery(in_force.values("big_client_min_fen")[:1]),
        Subquery(first.values("big_client_min_fen")[:1]),
    )


@dataclass(frozen=True)
class DealFilters:
    q: str = ""
    platform: Platform | None = None
    owner: Employee | None = None
    status: str = ""
    segment: str = ""
    repurchase: str = ""  # "yes", "no" or ""
    signed_from: date | None = None
    signed_to: date | None = None


def deal_rows(*, user: Any, filters: DealFilters | None = None) -> QuerySet[Deal]:
    """The scoped deals, filtered, with ``threshold_fen`` (the big-client threshold in
    force on the signing date) and ``net_amount_fen``."""
    f = filters or DealFilters()
    rows = selectors.deal_list(user=user).annotate(
        threshold_fen=_threshold_on(OuterRef("signed_on")),
        net_amount_fen=F("amount_fen") - F("refunded_fen"),
    )
    if f.q:
        rows = rows.filter(
            Q(number__icontains=f.q)
            | Q(external_id__icontains=f.q)
            | Q(customer__name__icontains=f.q)
        )
    if f.platform is not None:
        rows = rows.filter(platform=f.platform)
    if f.owner is not None:
        credited = DealSplit.objects.filter(employee=f.owner).values("deal_id")
        rows = rows.filter(Q(owner=f.owner) | Q(pk__in=credited))
    if f.status:
        rows = rows.filter(status=f.status)
    if f.segment == Segment.BIG_CLIENT:
        rows = rows.filter(threshold_fen__isnull=False, amount_fen__gte=F("threshold_fen"))
    elif f.segment == Segment.SMALL:
        rows = rows.filter(threshold_fen__isnull=False, amount_fen__lt=F("threshold_fen"))
    if f.repurchase == "yes":
        rows = rows.filter(is_repurchase=True)
    elif f.repurchase == "no":
        rows = rows.filter(is_repurchase=False)
    if f.signed_from:
        rows = rows.filter(signed_on__gte=f.signed_from)
    if f.signed_to:
        rows = rows.filter(signed_on__lte=f.signed_to)
    return rows


def segment_label(amount_fen: int, threshold_fen: int | None) -> str:
    if threshold_fen is None:
        return ""
    return Segment.BIG_CLIENT if amount_fen >= threshold_fen else Segment.SMALL


@dataclass(frozen=True)
class Credit:
    employee: Employee
    share: Decimal
    percent: Decimal
    amount_fen: int
    net_fen: int
    collected_fen: int


def deal_credits(deal: Deal) -> list[Credit]:
    """Each credited person with their share of the amount, of the amount net of refunds
    and of the collections (largest-remainder split: the parts add up exactly)."""
    splits = list(deal.splits.all())
    if not splits:
        return []
    weights = [s.share for s in splits]
    amounts = allocate(deal.amount_fen, weights)
    nets = allocate(deal.net_fen, weights) if deal.net_fen > 0 else [0] * len(splits)
    collected = allocate(deal.collected_fen, weights) if deal.collected_fen else [0] * len(splits)
    return [
        Credit(s.employee, s.share, (s.share * 100).quantize(Decimal("0.01")), a, n, c)
        for s, a, n, c in zip(splits, amounts, nets, collected, strict=True)
    ]


@dataclass(frozen=True)
class LedgerLine:
    kind: str  # "collection", "refund" or "cancellation"
    day: date
    amount_fen: int
    text: str
    collected_fen: int
    refunded_fen: int
    outstanding_fen: int


def deal_ledger(deal: Deal) -> list[LedgerLine]:
    """Collections and refunds in date order with running totals: collected so far,
    refunded so far, and what remains to collect (amount − refunds − collections)."""
    events: list[tuple[date, int, str, int, str]] = []
    for c in deal.collections.all():
        events.append((c.received_on, c.pk, "collection", c.amount_fen, c.note))
    for r in deal.refunds.all():
        events.append((r.refunded_on, r.pk, r.kind, r.amount_fen, r.reason))
    events.sort(key=lambda e: (e[0], e[2] != "collection", e[1]))
    collected = refunded = 0
    lines: list[LedgerLine] = []
    for day, _pk, kind, amount, text in events:
        if kind == "collection":
            collected += amount
        else:
            refunded += amount
        outstanding = max(deal.amount_fen - refunded - collected, 0)
        lines.append(LedgerLine(kind, day, amount, text, collected, refunded, outstanding))
    return lines


def deal_threshold(deal: Deal) -> int | None:
    return selectors.big_client_threshold_on(deal.signed_on)


# Customers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    kind: str = ""
    platform: Platform | None = None
    region: Region | None = None
    industry: str = ""


def customer_rows(*, user: Any, filters: CustomerFilters | None = None) -> QuerySet[Customer]:
    """The scoped customers, filtered, with ``deal_count`` and ``sales_fen`` over the
    deals the user sees (not cancelled, net of refunds)."""
    f = filters or CustomerFilters()
    visible = (
        selectors.deal_list(user=user)
        .filter(customer=OuterRef("pk"), status=DealStatus.ACTIVE)
        .order_by()
        .values("customer")
    )
    rows = selectors.customer_list(user=user).annotate(
        deal_count=Coalesce(Subquery(visible.annotate(n=Count("pk")).values("n")[:1]), 0),
        sales_fen=Coalesce(
            Subquery(visible.annotate(s=Sum(F("amount_fen") - F("refunded_fen"))).values("s")[:1]),
            0,
        ),
    )
    if f.q:
        rows = rows.filter(Q(name__icontains=f.q) | Q(industry__icontains=f.q))
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.platform is not None:
        rows = rows.filter(platform=f.platform)
    if f.region is not None:
        rows = rows.filter(region=f.region)
    if f.industry:
        rows = rows.filter(industry=f.industry)
    return rows


def customer_deals(*, user: Any, customer: Customer) -> QuerySet[Deal]:
    return deal_rows(user=user).filter(customer=customer).order_by("-signed_on", "-pk")


def customer_leads(*, user: Any, customer: Customer) -> QuerySet[Lead]:
    return lead_rows(user=user).filter(customer=customer).order_by("-entered_at", "-pk")


def industries(*, user: Any) -> list[str]:
    return list(
        selectors.customer_list(user=user)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


# Disputes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeFilters:
    status: str = ""
    kind: str = ""
    q: str = ""


def dispute_rows(*, user: Any, filters: DisputeFilters | None = None) -> QuerySet[LeadDispute]:
    f = filters or DisputeFilters()
    rows = selectors.dispute_list(user=user).select_related(
        "lead__source_employee", "lead__owner", "lead__platform"
    )
    if f.status:
        rows = rows.filter(status=f.status)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.q:
        rows = rows.filter(
            Q(lead__number__icontains=f.q)
            | Q(lead__company_name__icontains=f.q)
            | Q(claimant__name__icontains=f.q)
        )
    return rows


def dispute_holder(dispute: LeadDispute) -> Employee | None:
    """Who holds what is disputed now: the lead's source (source disputes) or owner."""
    lead = dispute.lead
    return lead.source_employee if dispute.kind == DisputeKind.SOURCE else lead.owner


def award_choices(dispute: LeadDispute) -> list[Employee]:
    """The people a dispute may be awarded to: the claimant and the current holder."""
    people = [dispute.claimant]
    holder = dispute_holder(dispute)
    if holder is not None and holder.pk != dispute.claimant_id:
        people.append(holder)
    return people


def may_decide(*, user: Any, dispute: LeadDispute) -> bool:
    """An HR admin or sales director who is not a party, while the dispute is open."""
    if dispute.status != DisputeStatus.OPEN or not access.decides_disputes(user):
        return False
    lead = dispute.lead
    parties = {dispute.claimant_id, lead.owner_id, lead.source_employee_id} - {None}
    return scope_for(user).self_employee_id not in parties


def lead_visible(*, user: Any, lead_id: int) -> bool:
    return selectors.lead_list(user=user).filter(pk=lead_id).exists()


# Platforms -------------------------------------------------------------------------------


@dataclass
class PlatformRow:
    platform: Platform
    stage: str
    history: list[PlatformStage]


def platform_rows(*, user: Any, on: date | None = None) -> list[PlatformRow]:
    """Every platform with the stage in force today (or ``on``) and its stage history."""
    rows = []
    for platform in selectors.platform_list_with_stage(user=user, on=on):
        history = sorted(platform.stage_history.all(), key=lambda h: h.valid_from)
        rows.append(PlatformRow(platform, platform.stage_on, history))
    return rows


def platform_get(*, user: Any, pk: int) -> Platform:
    found = selectors.platform_list_with_stage(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("Sales platform not found."))
    return found


@dataclass
class Comparison:
    """Monthly figures per platform over the deals the user sees."""

    months: list[str]
    platforms: list[Platform]
    # platform id → month → {"sales_amount", "deal_count", "growth_rate", "collection_rate"}
    cells: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    totals: dict[int, dict[str, Any]] = field(default_factory=dict)
    all_rows: bool = False


COMPARISON_METRICS = ("sales_amount", "deal_count", "growth_rate", "collection_rate")


def platform_comparison(*, user: Any, months: int = 12, on: date | None = None) -> Comparison:
    """Sales amount, deal count, growth rate (vs the previous month) and collection rate
    per platform for the ``months`` complete calendar months before ``on`` (today),
    computed by the metrics engine from the frames of the deals the user sees
    (``sales.frames.frames_for``)."""
    month = Period.containing(on or today(), PeriodKind.MONTH).previous()
    for _i in range(months - 1):
        month = month.previous()
    windows = monthly_windows(month, months)
    platforms = list(Platform.objects.order_by("code"))
    comparison = Comparison(
        months=[str(Period.containing(start, PeriodKind.MONTH)) for start, _end in windows],
        platforms=platforms,
        all_rows=scope_for(user).all_rows,
    )
    # Growth compares with the month before the first one shown: load from there on.
    frames = sales_frames.frames_for(
        user=user,
        names=("deals", "collections", "refunds"),
        since=month.previous().start,
    )
    result = compute(
        list(COMPARISON_METRICS),
        frames,
        windows,
        by="platform_id",
        groups=[p.pk for p in platforms],
    )
    for row in result.iter_rows(named=True):
        cell = {name: row[name] for name in COMPARISON_METRICS}
        month_key = str(Period.containing(row["window_start"], PeriodKind.MONTH))
        comparison.cells.setdefault(row["platform_id"], {})[month_key] = cell
    for platform in platforms:
        months_of = comparison.cells.get(platform.pk, {})
        comparison.totals[platform.pk] = {
            "sales_amount": sum(c["sales_amount"] or 0 for c in months_of.values()),
            "deal_count": sum(c["deal_count"] or 0 for c in months_of.values()),
        }
    return comparison
