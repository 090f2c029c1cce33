"""Line disputes: a payee questions a line of an approved or closed run; finance or an HR
admin decides it before the SLA runs out — an adjustment (a line in the next open run)
or a rejection with its reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import (
    DisputeStatus,
    LineDispute,
    ResultLine,
    Run,
    RunStatus,
    StatementTotal,
)
from meritline.incentives.services.carry import carry_adjustment
from meritline.incentives.services.common import now, require, require_manager
from meritline.incentives.services.late import dispute_line
from meritline.incentives.services.persist import adjustment_row, totals

# Sales operations / finance answer a dispute within this many days (the SLA).
ANSWER_WITHIN = timedelta(days=5)
ADJUST, REJECT = "adjust", "reject"
MAX_ADJUSTMENT_FEN = 10**12


@transaction.atomic
def line_dispute_raise(*, actor: Any, line: ResultLine, reason: str) -> LineDispute:
    """The payee questions one of their lines of an approved or closed run."""
    line = ResultLine.objects.select_related("run").select_for_update().get(pk=line.pk)
    require(
        scope_for(actor).self_employee_id == line.payee_id,
        _("Only the payee of a line may dispute it."),
    )
    if line.run.status == RunStatus.DRAFT:
        raise DomainError(
            ErrorCode.RUN_STATUS, _("This run is still a draft; wait until it is approved.")
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(
            ErrorCode.REASON_REQUIRED, _("Say what is wrong with this line."), field="reason"
        )
    try:
        with transaction.atomic():
            dispute = LineDispute.objects.create(
                line=line,
                run=line.run,
                payee_id=line.payee_id,
                raised_by=actor,
                reason=reason[:4000],
                due_at=now() + ANSWER_WITHIN,
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.DISPUTE_OPEN, _("This line already has an open dispute.")
        ) from None
    audit.record(
        actor=actor,
        action="incentives.dispute.raise",
        target=dispute,
        after=audit.snapshot(dispute, ["line", "payee", "reason", "due_at"]),
    )
    return dispute


def _next_open_run(dispute: LineDispute) -> Run | None:
    return (
        Run.objects.select_for_update()
        .filter(
            plan_version__plan=dispute.run.plan_version.plan_id,
            scope=dispute.run.scope,
            status=RunStatus.DRAFT,
            period__gt=dispute.run.period,
            calculated_at__isnull=False,
        )
        .order_by("period")
        .first()
    )


def _apply(dispute: LineDispute, run: Run) -> None:
    """Add the adjustment line to an open run and update the payee's statement and the
    state the run carries to the next period."""
    adj = dispute_line(dispute)
    adjustment_row(run, adj).save()
    row, _created = StatementTotal.objects.get_or_create(run=run, payee_id=adj.payee_id)
    row.adjustment_fen += adj.amount_fen
    totals(row.net_fen + adj.amount_fen, row)
    row.save()
    carry_adjustment(run, adj, row.carried_out_fen)
    run.line_count += 1
    run.payable_fen = sum(run.statements.values_list("payable_fen", flat=True))
    run.save(update_fields=["line_count", "payable_fen"])
    dispute.applied_run = run


@transaction.atomic
def line_dispute_decide(
    *,
    actor: Any,
    dispute: LineDispute,
    decision: str,
    reason: str,
    adjustment_fen: int | None = None,
) -> LineDispute:
    """``adjust`` by ``adjustment_fen`` (a line in the next open run, now or when it is
    next calculated) or ``reject``; either way with the reason written down."""
    require_manager(actor)
    dispute = (
        LineDispute.objects.select_for_update()
        .select_related("line", "run", "run__plan_version")
        .get(pk=dispute.pk)
    )
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError(ErrorCode.DISPUTE_DECIDED, _("This dispute has already been decided."))
    reason = reason.strip()
    if not reason:
        raise DomainError(
            ErrorCode.REASON_REQUIRED, _("Write the reason for the decision."), field="reason"
        )
    if decision == ADJUST:
        if (
            not isinstance(adjustment_fen, int)
            or adjustment_fen == 0
            or (abs(adjustment_fen) > MAX_ADJUSTMENT_FEN)
        ):
            raise DomainError(
                ErrorCode.BAD_AMOUNT,
                _("Give the adjustment as a non-zero amount."),
                field="adjustment_fen",
            )
        dispute.status = DisputeStatus.ADJUSTED
        dispute.adjustment_fen = adjustment_fen
    elif decision == REJECT:
        dispute.status = DisputeStatus.REJECTED
    else:
        raise DomainError(
            ErrorCode.BAD_DECISION, _("Decide by adjusting or rejecting."), field="decision"
        )
    dispute.decision = reason[:4000]
    dispute.decided_by = actor
    dispute.decided_at = now()
    if dispute.status == DisputeStatus.ADJUSTED:
        run = _next_open_run(dispute)
        if run is not None:
            _apply(dispute, run)
    dispute.save()
    audit.record(
        actor=actor,
        action="incentives.dispute.decide",
        target=dispute,
        before={"status": DisputeStatus.OPEN},
        after=audit.snapshot(
            dispute, ["status", "decision", "adjustment_fen", "applied_run", "decided_by"]
        ),
    )
    return dispute
