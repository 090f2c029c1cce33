"""The daily SLA scan (LED-4): raise an alert for every lead overdue at its step, resolve
the alerts of leads that moved on, keep the responsible person current. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from meritline.core import audit
from meritline.sales import sla
from meritline.sales.models import TERMINAL, Lead, LeadAlert, SlaRule
from meritline.sales.services.bulkdb import update_rows
from meritline.sales.services.common import chunked


@dataclass(frozen=True)
class ScanResult:
    overdue: int
    raised: int
    resolved: int
    reassigned: int


def clocks(now: datetime) -> list[sla.Clock]:
    """Every lead still moving along its chain, as plain data."""
    tz = timezone.get_current_timezone()
    return [
        sla.Clock(pk, step, step_at.astimezone(tz), owner_id or source_id)
        for pk, step, step_at, owner_id, source_id in Lead.objects.exclude(step__in=TERMINAL)
        .filter(step_at__lte=now)
        .values_list("pk", "step", "step_at", "owner_id", "source_employee_id")
        .iterator(chunk_size=10_000)
    ]


def rules() -> list[sla.Rule]:
    return [
        sla.Rule(step, hours, valid_from)
        for step, hours, valid_from in SlaRule.objects.values_list(
            "step", "max_hours", "valid_from"
        )
    ]


@transaction.atomic
def sla_scan(*, now: datetime | None = None) -> ScanResult:
    """Fetch the leads and rules, compute who is overdue (``sales.sla.overdue``), then
    write the difference to the alerts in bulk; one audit row when anything changed."""
    now = now or timezone.now()
    due = {(o.lead_id, o.step): o for o in sla.overdue(clocks(now), rules(), now)}
    open_alerts = {
        (a.lead_id, a.step): a
        for a in LeadAlert.objects.select_for_update().filter(resolved_at__isnull=True)
    }
    known: dict[tuple[int, str], LeadAlert] = dict(open_alerts)
    for part in chunked(sorted({lead_id for lead_id, _ in due})):
        for alert in LeadAlert.objects.select_for_update().filter(
            lead_id__in=part, resolved_at__isnull=False
        ):
            known.setdefault((alert.lead_id, alert.step), alert)
    new, touched = [], []
    reassigned = reopened = 0
    for key, item in due.items():
        alert = known.get(key)
        if alert is None:
            new.append(
                LeadAlert(
                    lead_id=item.lead_id,
                    step=item.step,
                    due_at=item.due_at,
                    responsible_id=item.responsible_id,
                    raised_at=now,
                )
            )
            continue
        changed = False
        if alert.resolved_at is not None:
            alert.resolved_at, alert.raised_at, changed = None, now, True
            reopened += 1
        if alert.responsible_id != item.responsible_id:
            alert.responsible_id, changed = item.responsible_id, True
            reassigned += 1
        if alert.due_at != item.due_at:
            alert.due_at, changed = item.due_at, True
        if changed:
            touched.append(alert)
    resolved = [alert for key, alert in open_alerts.items() if key not in due]
    for alert in resolved:
        alert.resolved_at = now
    LeadAlert.objects.bulk_create(new, batch_size=2000)
    update_rows(
        LeadAlert,
        ["resolved_at", "raised_at", "responsible_id", "due_at"],
        [
            (a.pk, a.resolved_at, a.raised_at, a.responsible_id, a.due_at)
            for a in [*touched, *resolved]
        ],
    )
    result = ScanResult(len(due), len(new) + reopened, len(resolved), reassigned)
    if new or touched or resolved:
        audit.record(
            actor=None,
            action="sales.sla.scan",
            target_type="sales.leadalert",
            after={"at": now.isoformat(), **result.__dict__},
        )
    return result
