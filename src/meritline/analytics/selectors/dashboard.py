"""The rep's dashboard (PRF-7): their current appraisal's KPIs live, the composite and
final score, rank in team and platform with the distance to the top 3, the pipeline by
lead step, and the commission expected from their open deals (the incentive estimator).

About a dozen queries, whatever the size of the company: the person's own sales records
(scoped to the viewer) for the live KPIs, the peers' stored final scores for the ranks.
A view whose inputs did not change since the last one is served the dashboard kept then
(``analytics.snapshots``): two short queries instead of all this.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Case, Count, IntegerField, Value, When
from django.utils.translation import gettext as _

from meritline.analytics import snapshots, text
from meritline.analytics.selectors.board import (
    OPEN_DEAL_STEPS,
    Commission,
    Dashboard,
    KpiRow,
    StepCount,
)
from meritline.analytics.selectors.live import LiveScore, live_score
from meritline.analytics.selectors.standing import ranks
from meritline.core.access import scope_for
from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.incentives.services.estimate import estimate
from meritline.org.models import Employee
from meritline.org.selectors import today
from meritline.performance.models import Appraisal, CycleStatus
from meritline.sales import selectors as sales_selectors
from meritline.sales.models import CHAIN, TERMINAL, DealStatus, Step


def current_appraisal(employee_id: int) -> Appraisal | None:
    """The person's appraisal in their latest cycle, open cycles before closed ones."""
    closed = Case(
        When(cycle__status=CycleStatus.CLOSED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Appraisal.objects.filter(employee_id=employee_id)
        .select_related("cycle", "cycle__platform", "department")
        .annotate(closed=closed)
        .order_by("closed", "-cycle__as_of", "-cycle_id")
        .first()
    )


def kpi_rows(live: LiveScore) -> list[KpiRow]:
    rows = []
    for kpi in live.kpis:
        unit = kpi.item.unit.value
        rows.append(
            KpiRow(
                kpi_id=kpi.item.id,
                name=kpi.item.name or kpi.item.id,
                unit=unit,
                weight=kpi.item.weight,
                value=text.value_text(kpi.value.decimal if kpi.value else None, unit),
                target=text.value_text(kpi.target, unit),
                attainment=kpi.score.attainment,
                score=kpi.score.score,
                status=kpi.score.status.value,
                live=kpi.live,
            )
        )
    return rows


def pipeline(user: Any, employee_id: int) -> list[StepCount]:
    """The person's own open leads counted by step, in the order of the chain."""
    counts = dict(
        sales_selectors.lead_list(user=user)
        .filter(owner_id=employee_id)
        .exclude(step__in=TERMINAL)
        .order_by()
        .values_list("step")
        .annotate(n=Count("pk"))
    )
    return [
        StepCount(step, str(Step(step).label), counts.get(step, 0))
        for step in CHAIN
        if step not in TERMINAL
    ]


def expected_commission(user: Any, employee: Employee) -> Commission | None:
    """What the open deals (leads past reception) earn if they close this month: each is
    valued at its customer's average contract, else at the person's average contract of
    the last 12 months; the estimator prices their sum as one deal."""
    leads = list(
        sales_selectors.lead_list(user=user)
        .filter(owner_id=employee.pk, step__in=OPEN_DEAL_STEPS)
        .values_list("customer_id", flat=True)
    )
    if not leads:
        return None
    deals = sales_selectors.deal_list(user=user).filter(status=DealStatus.ACTIVE).order_by()
    customers = {c for c in leads if c is not None}
    by_customer = dict(
        deals.filter(customer_id__in=customers)
        .values_list("customer_id")
        .annotate(avg=Avg("amount_fen"))
    )
    since = today() - timedelta(days=365)
    own = deals.filter(owner_id=employee.pk, signed_on__gte=since).aggregate(avg=Avg("amount_fen"))[
        "avg"
    ]
    amounts = [by_customer.get(c) or own for c in leads]
    total = int(sum(Decimal(a) for a in amounts if a))
    if total <= 0:
        return Commission(len(leads), 0, None, _("No past contracts to value them by yet."))
    try:
        result = estimate(actor=user, employee=employee, amount_fen=total)
    except (DomainError, PermissionDeniedError) as exc:
        return Commission(len(leads), total, None, str(exc))
    if not result.plans:
        return Commission(len(leads), total, None, _("No incentive plan is in force."))
    return Commission(len(leads), total, result.earned_fen, result.text)


def compute_dashboard(user: Any, employee: Employee, appraisal: Appraisal | None) -> Dashboard:
    """``employee``'s dashboard computed now from their records as ``user`` sees them."""
    board = Dashboard(employee=employee, appraisal=appraisal)
    if appraisal is not None:
        live = live_score(user=user, appraisal=appraisal)
        board.kpis = kpi_rows(live)
        board.composite = live.final.individual
        board.final = live.final.final
        board.team, board.platform = ranks(live)
        if board.team is not None:
            board.team_text = text.standing_text(
                board.team.rank, board.team.total, board.team.phrase, board.team.kpi_name
            )
        if board.platform is not None:
            board.platform_text = text.standing_text(
                board.platform.rank,
                board.platform.total,
                board.platform.phrase,
                board.platform.kpi_name,
            )
    board.pipeline = pipeline(user, employee.pk)
    board.commission = expected_commission(user, employee)
    return board


def rep_dashboard(*, user: Any) -> Dashboard | None:
    """The signed-in person's dashboard; None when the user is nobody's login. The one
    kept from the last view is served while its inputs are unchanged (``snapshots``)."""
    me = scope_for(user).self_employee_id
    employee = Employee.objects.filter(pk=me).first() if me is not None else None
    if employee is None:
        return None
    appraisal = current_appraisal(employee.pk)
    key = snapshots.fingerprint(user, employee, appraisal)
    board = snapshots.load(employee, key, appraisal)
    if board is None:
        board = compute_dashboard(user, employee, appraisal)
        snapshots.store(employee, key, board)
    return board
