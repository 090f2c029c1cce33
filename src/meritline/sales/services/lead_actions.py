"""Moving a lead along its chain (LED-1), assigning it, and the quality review (LED-2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import Role, scope_for
from meritline.core.errors import DomainError
from meritline.org.models import Employee
from meritline.sales import access, qualification
from meritline.sales.errors import ErrorCode
from meritline.sales.models import (
    CHAIN,
    TERMINAL,
    Lead,
    LeadAlert,
    LeadStep,
    QualificationStandard,
    Step,
)
from meritline.sales.services.common import FUTURE_TOLERANCE, now, require

ORDER = {step: i for i, step in enumerate(CHAIN)}


def _require_work_on(actor: Any, lead: Lead, new_owner: Employee | None = None) -> None:
    """Sales-record writers; the owner, whoever brought the lead, and their managers; and
    for a lead nobody owns yet, whoever takes it on (or their manager)."""
    if access.writes_sales_records(actor):
        return
    people = {lead.owner_id, lead.source_employee_id} - {None}
    if lead.owner_id is None and new_owner is not None:
        people.add(new_owner.pk)
    require(
        not access.read_only(actor) and bool(people & access.managed_ids(actor)),
        _("Only the lead's owner, whoever brought it, or their managers may move it on."),
    )


def _check_active(owner: Employee, field: str) -> None:
    if not owner.is_active:
        raise DomainError(
            ErrorCode.NOT_EMPLOYED, _("%s has left and cannot own leads.") % owner.name, field=field
        )


@transaction.atomic
def lead_advance(
    *,
    actor: Any,
    lead: Lead,
    step: str,
    at: datetime | None = None,
    owner: Employee | None = None,
    note: str = "",
    lost_reason: str = "",
) -> LeadStep:
    """Record that ``lead`` reached ``step`` at ``at`` (now). Steps only go forward (some
    may be skipped); ``lost`` ends the chain at any point before it is settled. Reception
    by sales (``received``) names the owner when the lead has none."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _require_work_on(actor, lead, owner)
    at = at or now()
    if step not in Step.values or step == Step.ENTERED:
        raise DomainError(
            ErrorCode.BAD_CHOICE, _("Choose the step the lead reached."), field="step"
        )
    if lead.step in TERMINAL:
        raise DomainError(
            ErrorCode.STEP_CLOSED,
            _("Lead %(number)s is already %(step)s.")
            % {"number": lead.number, "step": Step(lead.step).label},
            field="step",
        )
    if step != Step.LOST and ORDER[step] <= ORDER[lead.step]:
        raise DomainError(
            ErrorCode.STEP_BACKWARDS,
            _("Lead %(number)s is already at “%(current)s”; it cannot go back to “%(step)s”.")
            % {"number": lead.number, "current": Step(lead.step).label, "step": Step(step).label},
            field="step",
        )
    if at > now() + FUTURE_TOLERANCE:
        raise DomainError(ErrorCode.FUTURE_DATE, _("The time is in the future."), field="at")
    if at < lead.step_at:
        raise DomainError(
            ErrorCode.STEP_ORDER,
            _("The lead reached its current step at %s; the next one cannot be earlier.")
            % timezone.localtime(lead.step_at).strftime("%Y-%m-%d %H:%M"),
            field="at",
        )
    if step == Step.LOST and not lost_reason.strip():
        raise DomainError(ErrorCode.REQUIRED, _("Say why the lead was lost."), field="lost_reason")
    before = audit.snapshot(lead, ["step", "step_at", "owner", "lost_reason"])
    if owner is not None and owner.pk != lead.owner_id:
        _check_active(owner, "owner")
        if lead.owner_id is not None:
            _require_assign(actor, owner)
        lead.owner = owner
    if step == Step.RECEIVED and lead.owner_id is None:
        raise DomainError(
            ErrorCode.REQUIRED, _("Say who in sales received the lead."), field="owner"
        )
    lead.step = step
    lead.step_at = at
    lead.lost_reason = lost_reason.strip()[:255] if step == Step.LOST else lead.lost_reason
    lead.save(update_fields=["step", "step_at", "owner", "lost_reason", "updated_at"])
    # The lead has left the step it was overdue at: its alert is resolved now, not at the
    # next daily scan.
    LeadAlert.objects.filter(lead=lead, resolved_at__isnull=True).exclude(step=step).update(
        resolved_at=at
    )
    row = LeadStep.objects.create(
        lead=lead,
        step=step,
        at=at,
        owner_id=lead.responsible_id,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note.strip()[:500],
    )
    audit.record(
        actor=actor,
        action="sales.lead.advance",
        target=lead,
        before=before,
        after=audit.snapshot(lead, ["step", "step_at", "owner", "lost_reason"]),
    )
    return row


def _require_assign(actor: Any, owner: Employee) -> None:
    if not access.writes_sales_records(actor):
        require(
            scope_for(actor).has(Role.SALES_MANAGER) and owner.pk in access.managed_ids(actor),
            _("You may assign leads only to people in your team."),
        )


@transaction.atomic
def lead_assign(*, actor: Any, lead: Lead, owner: Employee) -> Lead:
    """Give ``lead`` to ``owner``: sales-record writers for anyone; a sales manager for
    people in their reporting subtree."""
    _require_assign(actor, owner)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _check_active(owner, "owner")
    if lead.step in TERMINAL:
        raise DomainError(
            ErrorCode.STEP_CLOSED,
            _("Lead %(number)s is already %(step)s.")
            % {"number": lead.number, "step": Step(lead.step).label},
        )
    before = audit.snapshot(lead, ["owner"])
    lead.owner = owner
    lead.save(update_fields=["owner", "updated_at"])
    audit.record(
        actor=actor,
        action="sales.lead.assign",
        target=lead,
        before=before,
        after=audit.snapshot(lead, ["owner"]),
    )
    return lead


def standard_on(day: Any) -> QualificationStandard | None:
    """The qualification standard in force on ``day`` (None before the first one)."""
    return QualificationStandard.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def lead_facts(lead: Lead) -> dict[str, Any]:
    return {
        "company_name": lead.company_name,
        "contact_name": lead.contact_name,
        "contact_phone": lead.contact_phone,
        "contact_email": lead.contact_email,
        "customer": lead.customer_id,
        "customer_kind": lead.customer.kind if lead.customer_id else "",
        "source_kind": lead.source_kind,
    }


@transaction.atomic
def lead_review(*, actor: Any, lead: Lead, qualified: bool, note: str = "") -> Lead:
    """The quality review of a lead (LED-2): checked against the standard in force on
    the day it was entered. A lead failing a criterion cannot be passed; a rejection
    needs a note. HR admins and sales managers review, never their own leads."""
    require(access.reviews_leads(actor), _("Only an HR admin or a sales manager may review leads."))
    lead = Lead.objects.select_for_update(of=("self",)).select_related("customer").get(pk=lead.pk)
    if scope_for(actor).self_employee_id in {lead.source_employee_id, lead.owner_id}:
        raise DomainError(ErrorCode.OWN_LEAD_REVIEW, _("You cannot review your own lead."))
    standard = standard_on(timezone.localdate(lead.entered_at))
    failures = qualification.evaluate(standard.criteria, lead_facts(lead)) if standard else []
    if qualified and failures:
        raise DomainError(
            ErrorCode.NOT_QUALIFIED,
            _("Lead %(number)s does not meet the standard “%(standard)s”: %(failed)s.")
            % {
                "number": lead.number,
                "standard": standard.name if standard else "",
                "failed": "; ".join(failures),
            },
            field="qualified",
        )
    if not qualified and not note.strip():
        raise DomainError(
            ErrorCode.NOTE_REQUIRED, _("Say why the lead is not qualified."), field="note"
        )
    fields = [
        "qualified",
        "qualification_standard",
        "qualification_failures",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    ]
    before = audit.snapshot(lead, fields)
    lead.qualified = qualified
    lead.qualification_standard = standard
    lead.qualification_failures = failures
    lead.reviewed_by = actor
    lead.reviewed_at = now()
    lead.review_note = note.strip()[:500]
    lead.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor=actor,
        action="sales.lead.review",
        target=lead,
        before=before,
        after=audit.snapshot(lead, fields),
    )
    return lead
