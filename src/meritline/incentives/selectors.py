"""Every read of incentive data, scoped to the acting user.

A rep sees their own statements, lines and disputes; a sales manager those of their
reporting subtree; finance, HR admins and auditors everything. Reps and managers see
only approved and closed runs' figures (a draft may still change). Runs themselves are
listed for finance, HR admins and auditors; plans and versions for everyone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.incentives import access
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import (
    CommissionTerms,
    LineDispute,
    Plan,
    PlanVersion,
    ResultLine,
    Run,
    RunStatus,
    StatementTotal,
)

PUBLISHED = (RunStatus.APPROVED, RunStatus.CLOSED)


def _payee_q(user: Any, prefix: str = "") -> Q:
    visible = access.visible_payee_ids(user)
    if visible is None:
        return Q()
    return Q(**{f"{prefix}payee_id__in": visible}) & Q(**{f"{prefix}run__status__in": PUBLISHED})


def plan_list(*, user: Any) -> QuerySet[Plan]:
    return Plan.objects.all()


def plan_version_list(*, user: Any, plan: Plan | None = None) -> QuerySet[PlanVersion]:
    rows = PlanVersion.objects.select_related("plan", "created_by", "approved_by")
    return rows.filter(plan=plan) if plan is not None else rows


def run_list(*, user: Any) -> QuerySet[Run]:
    """Runs, for finance, HR admins and auditors; nobody else."""
    if not access.reads_all(user):
        return Run.objects.none()
    return Run.objects.select_related("plan_version", "plan_version__plan")


def run_get(*, user: Any, pk: int) -> Run:
    try:
        return run_list(user=user).get(pk=pk)
    except Run.DoesNotExist as exc:
        raise NotFoundError(_("Run not found.")) from exc


def statement_list(*, user: Any, run: Run | None = None) -> QuerySet[StatementTotal]:
    rows = StatementTotal.objects.filter(_payee_q(user)).select_related(
        "payee", "run", "run__plan_version", "run__plan_version__plan"
    )
    return rows.filter(run=run) if run is not None else rows


def statements_of(*, user: Any, period: str | None = None) -> QuerySet[StatementTotal]:
    """The user's own statements (newest period first), of published runs only."""
    self_id = access.self_employee_id(user)
    rows = StatementTotal.objects.filter(
        payee_id=self_id if self_id is not None else -1, run__status__in=PUBLISHED
    ).select_related("run", "run__plan_version", "run__plan_version__plan")
    if period:
        rows = rows.filter(run__period=period)
    return rows.order_by("-run__period", "run_id")


def line_list(
    *, user: Any, run: Run | None = None, payee_id: int | None = None
) -> QuerySet[ResultLine]:
    rows = ResultLine.objects.filter(_payee_q(user)).select_related("payee", "run")
    if run is not None:
        rows = rows.filter(run=run)
    if payee_id is not None:
        rows = rows.filter(payee_id=payee_id)
    return rows.order_by("run_id", "payee_id", "component_id", "id")


def line_get(*, user: Any, pk: int) -> ResultLine:
    try:
        return line_list(user=user).get(pk=pk)
    except ResultLine.DoesNotExist as exc:
        raise NotFoundError(_("Line not found.")) from exc


def dispute_list(*, user: Any) -> QuerySet[LineDispute]:
    """Disputes of the payees the user sees (all of them for who decides)."""
    rows = LineDispute.objects.select_related("line", "run", "payee", "raised_by", "decided_by")
    if access.reads_all(user):
        return rows
    visible = access.visible_payee_ids(user) or set()
    return rows.filter(payee_id__in=visible)


def dispute_get(*, user: Any, pk: int) -> LineDispute:
    try:
        return dispute_list(user=user).get(pk=pk)
    except LineDispute.DoesNotExist as exc:
        raise NotFoundError(_("Dispute not found.")) from exc


def payable_by_payee(*, run: Run) -> dict[int, int]:
    """The payroll hand-off: payable fen per payee (employee id) of a closed run."""
    if run.status != RunStatus.CLOSED:
        raise DomainError(
            ErrorCode.RUN_STATUS, _("Only a closed run hands its payable amounts to payroll.")
        )
    return dict(
        StatementTotal.objects.filter(run=run, payable_fen__gt=0)
        .order_by("payee_id")
        .values_list("payee_id", "payable_fen")
    )


def terms_list(*, user: Any) -> QuerySet[CommissionTerms]:
    """Commission terms (pay data), for finance, HR admins and auditors; nobody else."""
    if not access.reads_all(user):
        return CommissionTerms.objects.none()
    return CommissionTerms.objects.select_related("employee", "level", "created_by")


def require_reads_runs(user: Any) -> None:
    if not access.reads_all(user):
        raise PermissionDeniedError(_("Only finance, HR admins and auditors see runs."))
