"""Fetch: everything one plan needs for one period, as the engine's ``Inputs``.

Deals signed in the period (not cancelled) with their splits, and older deals with a
collection or refund in it; collected and refunded amounts as of the period's last day
(so a later payment never changes a closed period's figures); the big-client segment by
the threshold in force on the signing date; the owner's team lead on that date; leads
qualified or converted in the period; the level rate in force on each signing date; the
rate adjustments in force on the period's first day; gate metrics and award counts from
the metrics engine; and what the previous period of the plan carried forward.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError
from meritline.core.periods import Period, PeriodError
from meritline.incentives.engine import (
    Adjustment,
    AwardState,
    Balance,
    Deal,
    DealState,
    Inputs,
    Lead,
    LevelRate,
    Plan,
    Split,
    build_inputs,
)
from meritline.incentives.engine.schema import (
    LEVEL_RATE,
    PointsComponent,
    RateComponent,
    Role,
)
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import CarriedState
from meritline.incentives.models import Plan as PlanRow
from meritline.incentives.services.measures import FrameSource, measure
from meritline.incentives.services.terms_lookup import adjustments_on, level_rates
from meritline.org.models import Assignment, Department
from meritline.org.selectors import assignments_on
from meritline.sales import frames as sales_frames
from meritline.sales.models import Collection, DealSplit, DealStatus, LeadStep, Refund, Step
from meritline.sales.models import Deal as DealRow
from meritline.sales.models import Lead as LeadRow

ALL = "all"
SOURCE_KINDS = {"marketing": "marketing", "self_sourced": "self", "referral": "referral"}
_DEAL_FIELDS = (
    "pk",
    "number",
    "source",
    "external_id",
    "signed_on",
    "amount_fen",
    "owner_id",
    "customer_id",
    "platform__code",
    "customer__kind",
    "customer__first_purchase_on",
    "is_repurchase",
    "lead__source_employee_id",
    "lead__source_kind",
)


@dataclass
class Fetched:
    inputs: Inputs
    scope_ids: set[int] | None
    deal_labels: dict[int, str] = field(default_factory=dict)


def scope_people(scope: str, period: Period) -> set[int] | None:
    """Who a run's scope covers: None for ``all``, else the people assigned to the
    department (or below it) on the period's last day."""
    if scope == ALL:
        return None
    department = Department.objects.filter(code=scope).first()
    if department is None:
        raise DomainError(
            ErrorCode.UNKNOWN_SCOPE,
            _("Unknown scope “%(scope)s”: give “all” or a department code.") % {"scope": scope},
            field="scope",
        )
    subtree = Department.objects.filter(path__startswith=department.path).values("pk")
    return set(
        assignments_on(period.end)
        .filter(department__in=subtree)
        .values_list("employee_id", flat=True)
    )


def _deal_rows(period: Period, scope_ids: set[int] | None, only: Iterable[int] | None) -> list:
    start, end = period.start, period.end
    active = DealRow.objects.filter(status=DealStatus.ACTIVE)
    if only is not None:
        deals = active.filter(pk__in=list(only), signed_on__lte=end)
    else:
        paid = Collection.objects.filter(received_on__range=(start, end)).values("deal_id")
        refunded = Refund.objects.filter(refunded_on__range=(start, end)).values("deal_id")
        deals = active.filter(
            Q(signed_on__range=(start, end))
            | (Q(signed_on__lt=start) & (Q(pk__in=paid) | Q(pk__in=refunded)))
        )
    if scope_ids is not None:
        credited = DealSplit.objects.filter(employee_id__in=scope_ids).values("deal_id")
        deals = deals.filter(
            Q(owner_id__in=scope_ids)
            | Q(pk__in=credited)
            | Q(lead__source_employee_id__in=scope_ids)
        )
    return list(deals.order_by("pk").values_list(*_DEAL_FIELDS))


def _sums(model: Any, day_field: str, ids: list[int], end: date) -> dict[int, int]:
    rows = (
        model.objects.filter(deal_id__in=ids, **{f"{day_field}__lte": end})
        .values("deal_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("deal_id", "total")
    )
    return dict(rows)


def _managers(owners: set[int]) -> dict[int, list[tuple[date, date | None, int | None]]]:
    table: dict[int, list[tuple[date, date | None, int | None]]] = defaultdict(list)
    for employee, start, end, manager in Assignment.objects.filter(
        employee_id__in=owners
    ).values_list("employee_id", "valid_from", "valid_to", "manager_id"):
        table[employee].append((start, end, manager))
    return table


def _manager_on(rows: list[tuple[date, date | None, int | None]], day: date) -> int | None:
    for start, end, manager in rows:
        if start <= day and (end is None or day <= end):
            return manager
    return None


def fetch_deals(
    period: Period,
    scope_ids: set[int] | None,
    *,
    only: Iterable[int] | None = None,
) -> tuple[list[Deal], dict[int, str]]:
    """The period's deals as engine dataclasses, and their labels by id."""
    rows = _deal_rows(period, scope_ids, only)
    ids = [row[0] for row in rows]
    collected = _sums(Collection, "received_on", ids, period.end)
    refunded = _sums(Refund, "refunded_on", ids, period.end)
    splits: dict[int, list[Split]] = defaultdict(list)
    for deal_id, employee, share in (
        DealSplit.objects.filter(deal_id__in=ids)
        .order_by("deal_id", "-share", "id")
        .values_list("deal_id", "employee_id", "share")
    ):
        splits[deal_id].append(Split(employee, share))
    segment = sales_frames.segment()
    managers = _managers({row[6] for row in rows})
    deals, labels = [], {}
    for (
        pk, number, source, external_id, signed_on, amount, owner, _customer, platform,
        kind, first_purchase, repurchase, lead_source, lead_kind,
    ) in rows:  # fmt: skip
        label = number or f"{source}:{external_id}"
        labels[pk] = label
        big = segment is not None and amount >= segment.threshold_on(signed_on)
        deals.append(
            Deal(
                deal_id=pk,
                number=label,
                signed_on=signed_on,
                amount_fen=amount,
                owner_id=owner,
                collected_fen=min(collected.get(pk, 0), amount),
                refunded_fen=min(refunded.get(pk, 0), amount),
                segment="big" if big else "small",
                is_repurchase=repurchase,
                is_new_customer=first_purchase == signed_on,
                platform=platform or "",
                customer_kind=kind or "",
                lead_source_id=lead_source,
                lead_source_kind=SOURCE_KINDS.get(lead_kind or "", "self"),
                team_lead_id=_manager_on(managers.get(owner, []), signed_on),
                splits=tuple(splits.get(pk, ())),
            )
        )
    return deals, labels


def fetch_leads(period: Period, scope_ids: set[int] | None) -> list[Lead]:
    """Leads qualified (reviewed as qualified) or converted (contract step) in the period."""
    tz = timezone.get_current_timezone()
    steps = LeadStep.objects.filter(
        step=Step.CONTRACT, at__date__range=(period.start, period.end)
    ).values_list("lead_id", "at")
    converted = {lead: timezone.localtime(at, tz).date() for lead, at in steps}
    leads = LeadRow.objects.filter(
        Q(qualified=True, reviewed_at__date__range=(period.start, period.end))
        | Q(pk__in=list(converted))
    )
    if scope_ids is not None:
        leads = leads.filter(Q(owner_id__in=scope_ids) | Q(source_employee_id__in=scope_ids))
    out = []
    for pk, number, owner, source, kind, platform, customer_kind, qualified, reviewed in (
        leads.order_by("pk").values_list(
            "pk", "number", "owner_id", "source_employee_id", "source_kind", "platform__code",
            "customer__kind", "qualified", "reviewed_at",
        )
    ):  # fmt: skip
        out.append(
            Lead(
                lead_id=pk,
                number=number,
                owner_id=owner,
                source_id=source,
                source_kind=SOURCE_KINDS.get(kind, kind),
                platform=platform or "",
                customer_kind=customer_kind or "",
                qualified_on=timezone.localtime(reviewed, tz).date()
                if qualified and reviewed
                else None,
                converted_on=converted.get(pk),
            )
        )
    return out


_ROLE_ATTR = {
    Role.OWNER: "owner_id",
    Role.CREDITED: "owner_id",
    Role.LEAD_SOURCE: "lead_source_id",
    Role.TEAM_LEAD: "team_lead_id",
}


def level_rate_rows(plan: Plan, deals: list[Deal], period: Period) -> list[LevelRate]:
    """A level rate for each payee of a ``level_rate`` tier on each signing date it needs."""
    pairs: set[tuple[int, date]] = set()
    for comp in plan.components:
        if not isinstance(comp, RateComponent):
            continue
        if not any(tier.rate == LEVEL_RATE for tier in comp.tiers):
            continue
        for deal in deals:
            if not period.start <= deal.signed_on <= period.end:
                continue
            payee = (
                comp.employee_id
                if comp.payee is Role.EMPLOYEE
                else getattr(deal, _ROLE_ATTR[comp.payee])
            )
            if payee is not None:
                pairs.add((payee, deal.signed_on))
    found = level_rates(pairs)
    return [LevelRate(employee, day, rate) for (employee, day), rate in sorted(found.items())]


def carried_rows(
    plan: PlanRow, period: Period, scope_ids: set[int] | None
) -> tuple[list[DealState], list[AwardState], list[Balance]]:
    """The latest state carried forward before ``period`` under ``plan``, per payee."""
    rows = CarriedState.objects.filter(plan=plan, period__lt=str(period))
    if scope_ids is not None:
        rows = rows.filter(payee_id__in=scope_ids)
    latest: dict[int, tuple[str, dict[str, Any]]] = {}
    for payee, when, state in rows.order_by("period").values_list("payee_id", "period", "state"):
        try:
            if Period.parse(when).kind is not period.kind:
                continue
        except PeriodError:
            continue
        latest[payee] = (when, state)
    deal_state, award_state, balances = [], [], []
    for payee, (_when, state) in sorted(latest.items()):
        deal_state += [DealState(*row) for row in state.get("deal_state", [])]
        award_state += [AwardState(*row) for row in state.get("award_state", [])]
        if state.get("balance_fen"):
            balances.append(Balance(payee, state["balance_fen"]))
    return deal_state, award_state, balances


def fetch(
    plan: Plan,
    plan_row: PlanRow,
    period: Period,
    scope_ids: set[int] | None,
    *,
    source: FrameSource | None = None,
    only_deals: Iterable[int] | None = None,
    extra_deals: Iterable[Deal] = (),
) -> Fetched:
    """The engine's inputs for ``plan`` over ``period`` (optionally only some deals, and
    extra hypothetical ones for the estimator)."""
    deals, labels = fetch_deals(period, scope_ids, only=only_deals)
    deals += list(extra_deals)
    wants_leads = any(
        isinstance(c, PointsComponent) and c.records == "leads" for c in plan.components
    )
    leads = fetch_leads(period, scope_ids) if wants_leads else []
    adjusting = any(isinstance(c, RateComponent) and c.payee_adjustment for c in plan.components)
    adjustments = adjustments_on(period.start, scope_ids) if adjusting else {}
    metrics, counts = measure(plan, period, source or FrameSource(), payees=scope_ids)
    deal_state, award_state, balances = carried_rows(plan_row, period, scope_ids)
    inputs = build_inputs(
        period,
        deals=deals,
        leads=leads,
        level_rates=level_rate_rows(plan, deals, period),
        adjustments=[Adjustment(e, r) for e, r in sorted(adjustments.items())],
        metrics=metrics,
        counts=counts,
        deal_state=deal_state,
        award_state=award_state,
        balances=balances,
    )
    return Fetched(inputs=inputs, scope_ids=scope_ids, deal_labels=labels)
