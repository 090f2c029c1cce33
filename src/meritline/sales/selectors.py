"""Every read of sales data, scoped to the acting user (PLT-3).

A sales rep sees the deals and leads they own, are credited on, or brought; a manager
those of their reporting subtree; an HR business partner those of their region; HR
admins, finance and auditors everything. Customers are seen through visible deals and
leads (all of them by the all-rows roles).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from meritline.core.access import Scope, scope_for
from meritline.core.errors import NotFoundError
from meritline.org.models import Employee, Platform
from meritline.org.selectors import reporting_subtree, today, visible_employee_q
from meritline.sales import access
from meritline.sales.models import (
    Customer,
    Deal,
    DealSplit,
    Lead,
    LeadAlert,
    LeadDispute,
    LeadStep,
    PlatformStage,
    Segment,
    SegmentThreshold,
)


def _visible_people(scope: Scope) -> QuerySet[Employee]:
    return Employee.objects.filter(visible_employee_q(scope)).values("pk")


def deal_scope_q(scope: Scope) -> Q:
    """Deals owned by, credited to, or brought (through their lead) by visible people."""
    if scope.all_rows:
        return Q()
    people = _visible_people(scope)
    credited = DealSplit.objects.filter(employee__in=people).values("deal_id")
    return Q(owner__in=people) | Q(pk__in=credited) | Q(lead__source_employee__in=people)


def lead_scope_q(scope: Scope) -> Q:
    if scope.all_rows:
        return Q()
    people = _visible_people(scope)
    return Q(owner__in=people) | Q(source_employee__in=people)


def deal_list(*, user: Any) -> QuerySet[Deal]:
    return Deal.objects.filter(deal_scope_q(scope_for(user))).select_related(
        "platform", "customer", "owner", "lead"
    )


def deal_get(*, user: Any, pk: int) -> Deal:
    """A visible deal with its splits, collections and refunds."""
    try:
        return (
            deal_list(user=user)
            .prefetch_related(
                Prefetch("splits", queryset=DealSplit.objects.select_related("employee")),
                "collections",
                "refunds",
            )
            .get(pk=pk)
        )
    except Deal.DoesNotExist as exc:
        raise NotFoundError(_("Deal not found.")) from exc


def lead_list(*, user: Any) -> QuerySet[Lead]:
    return Lead.objects.filter(lead_scope_q(scope_for(user))).select_related(
        "platform", "customer", "owner", "source_employee"
    )


def lead_get(*, user: Any, pk: int) -> Lead:
    """A visible lead with its steps (the timeline), oldest first."""
    try:
        return (
            lead_list(user=user)
            .prefetch_related(
                Prefetch(
                    "steps",
                    queryset=LeadStep.objects.select_related("owner").order_by("at", "id"),
                ),
                "disputes",
            )
            .get(pk=pk)
        )
    except Lead.DoesNotExist as exc:
        raise NotFoundError(_("Lead not found.")) from exc


def customer_list(*, user: Any) -> QuerySet[Customer]:
    scope = scope_for(user)
    customers = Customer.objects.select_related("platform", "region")
    if scope.all_rows:
        return customers
    through_deals = Deal.objects.filter(deal_scope_q(scope)).values("customer_id")
    through_leads = Lead.objects.filter(lead_scope_q(scope), customer__isnull=False).values(
        "customer_id"
    )
    return customers.filter(Q(pk__in=through_deals) | Q(pk__in=through_leads))


def customer_get(*, user: Any, pk: int) -> Customer:
    try:
        return customer_list(user=user).get(pk=pk)
    except Customer.DoesNotExist as exc:
        raise NotFoundError(_("Customer not found.")) from exc


def dispute_list(*, user: Any) -> QuerySet[LeadDispute]:
    """All disputes for those who decide them and the all-rows roles; otherwise the ones
    raised by the user or by people they see, and those about leads they see."""
    scope = scope_for(user)
    disputes = LeadDispute.objects.select_related(
        "lead", "claimant", "awarded_to", "raised_by", "decided_by"
    )
    if scope.all_rows or access.decides_disputes(user):
        return disputes
    mine = Q(raised_by=user) if getattr(user, "pk", None) else Q(pk__in=[])
    mine |= Q(claimant__in=_visible_people(scope))
    return disputes.filter(mine | Q(lead__in=Lead.objects.filter(lead_scope_q(scope))))


def dispute_get(*, user: Any, pk: int) -> LeadDispute:
    try:
        return dispute_list(user=user).get(pk=pk)
    except LeadDispute.DoesNotExist as exc:
        raise NotFoundError(_("Dispute not found.")) from exc


def todo_for(*, user: Any) -> QuerySet[LeadAlert]:
    """Open SLA alerts of leads the user owns or must move on, and of the people below
    them through reporting lines; oldest due first."""
    self_id = scope_for(user).self_employee_id
    if self_id is None:
        return LeadAlert.objects.none()
    people = reporting_subtree([self_id])
    # Their leads as a subquery, not a join: PostgreSQL then reads the few open alerts and
    # the owner index, where the join merged every lead up to the highest alerted one.
    owned = Lead.objects.filter(owner_id__in=people).values("pk")
    return (
        LeadAlert.objects.filter(resolved_at__isnull=True)
        .filter(Q(responsible_id__in=people) | Q(lead_id__in=owned))
        .select_related("lead", "lead__owner", "lead__platform", "responsible")
        .order_by("due_at", "id")
    )


def todo_count(*, user: Any) -> int:
    """How many open SLA alerts ``todo_for`` holds whose lead is still at the late step
    (the badge in the navigation)."""
    return todo_for(user=user).filter(lead__step=F("step")).count()


def platform_list_with_stage(*, user: Any, on: date | None = None) -> QuerySet[Platform]:
    """Every platform (reference data) annotated with ``stage_on``: its stage in force on
    ``on`` (today), with its stage history prefetched as ``stage_history``."""
    day = on or today()
    history = PlatformStage.objects.filter(platform=OuterRef("pk"))
    return (
        Platform.objects.annotate(
            stage_on=Coalesce(
                Subquery(
                    history.filter(valid_from__lte=day).order_by("-valid_from").values("stage")[:1]
                ),
                Subquery(history.order_by("valid_from").values("stage")[:1]),
                F("stage"),
            )
        )
        .prefetch_related("stage_history")
        .order_by("code")
    )


def platform_stage_on(platform: Platform, day: date) -> str:
    """The stage in force on ``day``; before the first recorded change, the first one."""
    history = PlatformStage.objects.filter(platform=platform)
    row = history.filter(valid_from__lte=day).order_by("-valid_from").first()
    row = row or history.order_by("valid_from").first()
    return row.stage if row else platform.stage


def big_client_threshold_on(day: date) -> int | None:
    """The big-client threshold in fen in force on ``day``. Before the first configured
    value the first one applies (as in ``metrics.frames.Segment``); None if none is set."""
    row = SegmentThreshold.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    row = row or SegmentThreshold.objects.order_by("valid_from").first()
    return row.big_client_min_fen if row else None


def segment_of(deal: Deal) -> str | None:
    """``big`` or ``small`` by the threshold in force on the deal's signing date; None
    while no threshold is configured."""
    threshold = big_client_threshold_on(deal.signed_on)
    if threshold is None:
        return None
    return Segment.BIG_CLIENT if deal.amount_fen >= threshold else Segment.SMALL
