"""Calculation runs: calculate (fetch → evaluate → persist, atomically replacing a draft's
lines), approve, close. Approved and closed runs are locked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.core.periods import Period
from meritline.incentives.engine import InputError, Result, evaluate
from meritline.incentives.engine.evaluate import Mode
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import ACTIVE_JOB, PlanVersion, Run, RunStatus
from meritline.incentives.services.common import now, parse_period, require_manager
from meritline.incentives.services.fetch import ALL, fetch, scope_people
from meritline.incentives.services.late import dispute_line, late_changes, pending_disputes
from meritline.incentives.services.measures import FrameSource
from meritline.incentives.services.persist import persist
from meritline.incentives.services.plans import IN_FORCE, plan_of, version_in_force
from meritline.org.models import Employee


def _find_run(version: PlanVersion, period: str, scope: str) -> Run | None:
    return (
        Run.objects.select_for_update()
        .filter(plan_version=version, period=period, scope=scope)
        .first()
    )


def locked_run(version: PlanVersion, period: str, scope: str) -> Run:
    """The run of the triple, locked; created when missing. Two sessions creating it at
    once: the unique constraint lets one through and the other fails cleanly."""
    run = _find_run(version, period, scope)
    if run is not None:
        return run
    try:
        with transaction.atomic():
            Run.objects.create(plan_version=version, period=period, scope=scope)
    except IntegrityError:
        raise DomainError(
            ErrorCode.RUN_BUSY,
            _(
                "Another calculation of %(version)s for %(period)s (%(scope)s) is running; "
                "try again when it has finished."
            )
            % {"version": version.label, "period": period, "scope": scope},
        ) from None
    return Run.objects.select_for_update().get(plan_version=version, period=period, scope=scope)


def refuse_locked(run: Run) -> None:
    if run.is_locked:
        raise DomainError(
            ErrorCode.RUN_LOCKED,
            _(
                "The run for %(period)s is %(status)s and locked; later changes become "
                "adjustments in the next open period."
            )
            % {"period": run.period, "status": RunStatus(run.status).label},
        )


def _input_error(exc: InputError) -> DomainError:
    missing = sorted({int(i.params["payee"]) for i in exc.issues if i.code == "missing_level_rate"})
    if missing:
        people = Employee.objects.filter(pk__in=missing).order_by("employee_no")
        names = "、".join(f"{p.name} ({p.employee_no})" for p in people)
        return DomainError(
            ErrorCode.MISSING_TERMS,
            _(
                "These payees have no commission terms (level rate) in force on a signing "
                "date: %(people)s. Set their terms, then calculate again."
            )
            % {"people": names},
        )
    return DomainError(
        ErrorCode.BAD_INPUTS,
        _("The sales records cannot be calculated: %(issues)s") % {"issues": str(exc)},
    )


def evaluate_or_refuse(plan: Any, inputs: Any, mode: Mode = "vectorized") -> Result:
    """``engine.evaluate``, its input errors turned into domain errors."""
    try:
        return evaluate(plan, inputs, mode)
    except InputError as exc:
        raise _input_error(exc) from None


def require_in_force(version: PlanVersion, period: Period) -> None:
    """Refuse a version that is not approved (or retired) and in force when ``period``
    starts."""
    if version.status not in IN_FORCE or not (
        version.valid_from <= period.start
        and (version.valid_to is None or period.start <= version.valid_to)
    ):
        raise DomainError(
            ErrorCode.NOT_IN_FORCE,
            _("%(version)s is not an approved version in force at the start of %(period)s.")
            % {"version": version.label, "period": str(period)},
            field="plan_version",
        )


def _quiet(phase: str, percent: int) -> None:
    return None


@transaction.atomic
def run_calculate(
    *,
    actor: Any,
    plan_version: PlanVersion,
    period: str,
    scope: str = ALL,
    progress: Callable[[str, int], None] = _quiet,
) -> Run:
    """Calculate ``plan_version`` for ``period`` and ``scope`` (``all`` or a department
    code): a new draft run, or a draft recalculated (its lines replaced atomically).
    ``progress(phase, percent)`` hears where it stands (fetching, evaluating, saving)."""
    require_manager(actor)
    parsed = parse_period(period)
    scope = (scope or ALL).strip()
    version = PlanVersion.objects.select_related("plan").get(pk=plan_version.pk)
    require_in_force(version, parsed)
    scope_ids = scope_people(scope, parsed)
    run = locked_run(version, str(parsed), scope)
    refuse_locked(run)
    plan = plan_of(version)
    source = FrameSource()
    progress("fetching", 5)
    fetched = fetch(plan, version.plan, parsed, scope_ids, source=source, scope=scope)
    progress("evaluating", 35)
    result = evaluate_or_refuse(plan, fetched.inputs)
    progress("adjusting", 60)
    adjustments = late_changes(run, source)
    disputes = pending_disputes(run)
    adjustments += [dispute_line(d) for d in disputes]
    before = {"line_count": run.line_count, "payable_fen": run.payable_fen}
    progress("saving", 70)
    run.line_count, run.payable_fen = persist(run, result, scope_ids, adjustments)
    for dispute in disputes:
        if dispute.applied_run_id != run.pk:
            dispute.applied_run = run
            dispute.save(update_fields=["applied_run"])
    run.calculated_at = now()
    run.calculated_by = actor
    run.save(update_fields=["line_count", "payable_fen", "calculated_at", "calculated_by"])
    audit.record(
        actor=actor,
        action="incentives.run.calculate",
        target=run,
        before=before,
        after={
            "plan_version": version.label,
            "period": run.period,
            "scope": run.scope,
            "line_count": run.line_count,
            "payable_fen": run.payable_fen,
        },
    )
    return run


def _refuse_busy(run: Run) -> None:
    if run.jobs.filter(status__in=ACTIVE_JOB).exists():
        raise DomainError(
            ErrorCode.RUN_BUSY, _("The run is being calculated; wait until it has finished.")
        )


def _refuse_out_of_force(run: Run) -> None:
    """Refuse to approve a draft whose version has since been retired or superseded over
    its period: its lines were calculated under rules no longer in force then."""
    # locked: a retirement waits for this approval, then sees the period as approved
    version = PlanVersion.objects.select_for_update().get(pk=run.plan_version_id)
    in_force = version_in_force(version.plan_id, Period.parse(run.period).start)
    if in_force is None or in_force.pk != version.pk:
        raise DomainError(
            ErrorCode.NOT_IN_FORCE,
            _(
                "%(version)s is no longer in force for %(period)s; recalculate the run under "
                "the plan version in force for that period."
            )
            % {"version": version.label, "period": run.period},
        )


def _transition(actor: Any, run: Run, source: str, target: str, action: str) -> Run:
    require_manager(actor)
    _refuse_busy(run)  # before waiting on the lock a calculating worker holds
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.status != source:
        raise DomainError(
            ErrorCode.RUN_STATUS,
            _("The run for %(period)s is %(status)s; it cannot become %(target)s.")
            % {
                "period": run.period,
                "status": RunStatus(run.status).label,
                "target": RunStatus(target).label,
            },
        )
    if run.calculated_at is None:
        raise DomainError(ErrorCode.RUN_STATUS, _("Calculate the run first."))
    if target == RunStatus.APPROVED:
        _refuse_out_of_force(run)
    _refuse_busy(run)
    run.status = target
    if target == RunStatus.APPROVED:
        run.approved_by, run.approved_at = actor, now()
    else:
        run.closed_by, run.closed_at = actor, now()
    run.save()
    audit.record(
        actor=actor, action=action, target=run, before={"status": source}, after={"status": target}
    )
    return run


@transaction.atomic
def run_approve(*, actor: Any, run: Run) -> Run:
    """Approve a calculated draft run (finance or an HR admin); it is locked from now on."""
    return _transition(actor, run, RunStatus.DRAFT, RunStatus.APPROVED, "incentives.run.approve")


@transaction.atomic
def run_close(*, actor: Any, run: Run) -> Run:
    """Close an approved run: its period is final; payroll reads its payable amounts."""
    return _transition(actor, run, RunStatus.APPROVED, RunStatus.CLOSED, "incentives.run.close")
