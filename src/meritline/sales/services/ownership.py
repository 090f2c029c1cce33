"""Lead ownership (LED-3): a lead belongs to its source. Matching a new lead against the
marketing leads already recorded, and disputes decided by HR or a sales director."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import scope_for
from meritline.core.errors import DomainError
from meritline.org.models import Employee
from meritline.sales import access
from meritline.sales.errors import ErrorCode
from meritline.sales.models import (
    DisputeKind,
    DisputeStatus,
    Lead,
    LeadDispute,
    SourceKind,
    Step,
)
from meritline.sales.services.common import now, require


@dataclass(frozen=True)
class Contact:
    """The normalised identity of a lead's company: name, phone, e-mail."""

    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class MarketingLead:
    pk: int
    number: str
    brought_by: str
    entered_on: date
    contact: Contact


class MarketingIndex:
    """Marketing leads (not lost) by normalised company name, phone and e-mail."""

    def __init__(self, leads: Iterable[MarketingLead] = ()) -> None:
        self.by_name: dict[str, MarketingLead] = {}
        self.by_phone: dict[str, MarketingLead] = {}
        self.by_email: dict[str, MarketingLead] = {}
        for lead in leads:
            self.add(lead)

    def add(self, lead: MarketingLead) -> None:
        for index, value in (
            (self.by_name, lead.contact.name),
            (self.by_phone, lead.contact.phone),
            (self.by_email, lead.contact.email),
        ):
            if value:
                index.setdefault(value, lead)

    def match(
        self, contact: Contact, *, exclude: int | None = None
    ) -> tuple[MarketingLead, str] | None:
        """The first marketing lead with the same name, phone or e-mail, and which matched."""
        for index, value, why in (
            (self.by_name, contact.name, _("same company name")),
            (self.by_phone, contact.phone, _("same contact phone")),
            (self.by_email, contact.email, _("same contact e-mail")),
        ):
            found = index.get(value) if value else None
            if found is not None and found.pk != exclude:
                return found, why
        return None


def marketing_index(contacts: Iterable[Contact]) -> MarketingIndex:
    """The marketing leads that could match any of ``contacts`` (one query)."""
    names, phones, emails = set(), set(), set()
    for c in contacts:
        names.add(c.name)
        phones.add(c.phone)
        emails.add(c.email)
    names.discard("")
    phones.discard("")
    emails.discard("")
    if not (names or phones or emails):
        return MarketingIndex()
    q = Q(company_name_normalised__in=names)
    if phones:
        q |= Q(contact_phone_normalised__in=phones)
    if emails:
        q |= Q(contact_email_normalised__in=emails)
    rows = (
        Lead.objects.filter(q, source_kind=SourceKind.MARKETING)
        .exclude(step=Step.LOST)
        .order_by("entered_at", "pk")
        .values_list(
            "pk",
            "number",
            "source_employee__name",
            "referrer_name",
            "entered_at",
            "company_name_normalised",
            "contact_phone_normalised",
            "contact_email_normalised",
        )
    )
    return MarketingIndex(
        MarketingLead(
            pk,
            number,
            person or referrer or "—",
            timezone.localdate(entered_at),
            Contact(name, phone, email),
        )
        for pk, number, person, referrer, entered_at, name, phone, email in rows
    )


def match_message(found: MarketingLead, why: str) -> str:
    return _(
        "This customer matches marketing lead %(number)s (%(why)s), brought by %(person)s on "
        "%(date)s, so it cannot be registered as self-sourced. Raise a dispute if you "
        "believe it is yours."
    ) % {
        "number": found.number,
        "why": why,
        "person": found.brought_by,
        "date": found.entered_on.isoformat(),
    }


# Disputes


@transaction.atomic
def dispute_raise(
    *, actor: Any, lead: Lead, claim: str, kind: str = DisputeKind.SOURCE
) -> LeadDispute:
    """The actor claims to have brought (``source``) or to own (``owner``) ``lead``.

    Open to any active employee who does not already hold what they claim; a lead has
    at most one open dispute.
    """
    claimant_id = scope_for(actor).self_employee_id
    if claimant_id is None or access.read_only(actor):
        raise DomainError(
            ErrorCode.NOT_AN_EMPLOYEE, _("Only an employee can raise a dispute about a lead.")
        )
    if kind not in DisputeKind.values:
        raise DomainError(ErrorCode.BAD_CHOICE, _("Choose what is disputed."), field="kind")
    text = claim.strip()
    if not text:
        raise DomainError(ErrorCode.REQUIRED, _("Say why the lead is yours."), field="claim")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    holder_id = lead.source_employee_id if kind == DisputeKind.SOURCE else lead.owner_id
    if holder_id == claimant_id:
        raise DomainError(
            ErrorCode.DISPUTE_NOTHING_TO_CLAIM,
            _("Lead %s is already credited to you.") % lead.number,
            field="kind",
        )
    if LeadDispute.objects.filter(lead=lead, status=DisputeStatus.OPEN).exists():
        raise DomainError(
            ErrorCode.DISPUTE_OPEN,
            _("Lead %s already has an open dispute; add to it instead.") % lead.number,
        )
    dispute = LeadDispute.objects.create(
        lead=lead,
        kind=kind,
        claimant_id=claimant_id,
        raised_by=actor,
        claim=text,
    )
    audit.record(
        actor=actor, action="sales.dispute.raise", target=dispute, after=audit.snapshot(dispute)
    )
    return dispute


def _parties(dispute: LeadDispute) -> set[int]:
    lead = dispute.lead
    return {i for i in (dispute.claimant_id, lead.owner_id, lead.source_employee_id) if i}


@transaction.atomic
def dispute_decide(
    *,
    actor: Any,
    dispute: LeadDispute,
    decision: str,
    awarded_to: Employee,
    source_kind: str | None = None,
) -> LeadDispute:
    """Decide an open dispute: ``awarded_to`` (the claimant or the current holder) gets
    the lead's source credit (``kind`` source) or the lead itself (``kind`` owner).

    For a source dispute, ``source_kind`` says what the lead is from now on (kept when
    omitted); a self-sourced lead is owned by whoever brought it. Only an HR admin or a
    sales director decides, and never one who is a party to the dispute.
    """
    require(
        access.decides_disputes(actor),
        _("Only an HR admin or a sales director may decide lead disputes."),
    )
    dispute = LeadDispute.objects.select_for_update().select_related("lead").get(pk=dispute.pk)
    lead = Lead.objects.select_for_update().get(pk=dispute.lead_id)
    dispute.lead = lead
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError(ErrorCode.DISPUTE_DECIDED, _("This dispute has already been decided."))
    if scope_for(actor).self_employee_id in _parties(dispute):
        raise DomainError(
            ErrorCode.DISPUTE_PARTY, _("You are a party to this dispute and cannot decide it.")
        )
    text = decision.strip()
    if not text:
        raise DomainError(ErrorCode.REQUIRED, _("Write down the decision."), field="decision")
    holder_id = lead.source_employee_id if dispute.kind == DisputeKind.SOURCE else lead.owner_id
    if awarded_to.pk not in {dispute.claimant_id, holder_id}:
        raise DomainError(
            ErrorCode.INVALID,
            _("Award the lead to the claimant or to its current holder."),
            field="awarded_to",
        )
    if source_kind is not None and source_kind not in SourceKind.values:
        raise DomainError(ErrorCode.BAD_CHOICE, _("Choose a lead source."), field="source_kind")
    before = audit.snapshot(lead, ["source_kind", "source_employee", "owner"])
    if dispute.kind == DisputeKind.SOURCE:
        lead.source_employee = awarded_to
        lead.source_kind = source_kind or lead.source_kind
        if lead.source_kind == SourceKind.SELF_SOURCED:
            lead.owner = awarded_to
    else:
        lead.owner = awarded_to
    lead.save(update_fields=["source_employee", "source_kind", "owner", "updated_at"])
    dispute.status = DisputeStatus.DECIDED
    dispute.decision = text
    dispute.decided_by = actor
    dispute.decided_at = now()
    dispute.awarded_to = awarded_to
    dispute.awarded_source_kind = lead.source_kind if dispute.kind == DisputeKind.SOURCE else ""
    dispute.save()
    audit.record(
        actor=actor,
        action="sales.dispute.decide",
        target=dispute,
        before={"lead": before},
        after={
            "decision": text,
            "awarded_to": awarded_to.pk,
            "lead": audit.snapshot(lead, ["source_kind", "source_employee", "owner"]),
        },
    )
    return dispute
