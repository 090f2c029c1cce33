"""Lead rows and their checks (fetch + compute of ``leads``): steps in order and not
in the future, people and references known, and the ownership rule (LED-3) against the
marketing leads in the database and earlier in the batch."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from meritline.sales import normalise
from meritline.sales.errors import ErrorCode
from meritline.sales.models import (
    CHAIN,
    Customer,
    Lead,
    LeadStep,
    SourceKind,
    Step,
)
from meritline.sales.services import refs
from meritline.sales.services.bulkdb import among
from meritline.sales.services.common import (
    FUTURE_TOLERANCE,
    Outcome,
    Planned,
    RowIssue,
    diff,
    now,
)
from meritline.sales.services.ownership import (
    Contact,
    MarketingIndex,
    MarketingLead,
    marketing_index,
    match_message,
)

FIELDS = (
    "company_name",
    "company_name_normalised",
    "contact_name",
    "contact_phone",
    "contact_phone_normalised",
    "contact_email",
    "contact_email_normalised",
    "source_kind",
    "source_employee_id",
    "referrer_name",
    "owner_id",
    "platform_id",
    "customer_id",
    "entered_at",
    "step",
    "step_at",
    "lost_reason",
)
ORDER = {step: i for i, step in enumerate(CHAIN)}


@dataclass(frozen=True)
class LeadRow:
    """One lead as an import or API gives it. People by employee number, the platform by
    code, the customer by its external id (in ``customer_source``, default ``source``).
    ``steps`` are the steps after ``entered`` that happened, with their times."""

    source: str
    external_id: str
    company_name: str
    source_kind: str
    platform: str
    entered_at: datetime
    source_employee: str = ""
    owner: str = ""
    customer: str = ""
    customer_source: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    referrer_name: str = ""
    steps: tuple[tuple[str, datetime], ...] = ()
    lost_reason: str = ""
    note: str = ""
    row: int = 0


@dataclass
class LeadPlan(Planned):
    row: int
    key: str
    source: str
    external_id: str
    values: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, datetime] = field(default_factory=dict)
    pk: int | None = None
    number: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    new_steps: dict[str, datetime] = field(default_factory=dict)
    moved_steps: dict[str, datetime] = field(default_factory=dict)
    note: str = ""
    outcome: Outcome | None = None
    issues: list[RowIssue] = field(default_factory=list)


def key_of(source: str, external_id: str) -> str:
    return f"{source.strip()}:{external_id.strip()}"


class Context:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.platforms = refs.platforms_by_code()
        self.employees = refs.employees_by_no()
        self.in_batch = MarketingIndex()
        self.latest = now() + FUTURE_TOLERANCE


def _person(
    plan: LeadPlan, ctx: Context, number: str, field_name: str, code: str
) -> refs.EmployeeRef | None:
    if not number.strip():
        return None
    found = ctx.employees.get(number.strip())
    if found is None:
        plan.issues.append(
            RowIssue(
                plan.row,
                plan.key,
                code,
                _("Unknown employee number “%s”.") % number.strip(),
                field_name,
            )
        )
    return found


def _check_steps(
    plan: LeadPlan, steps: Mapping[str, datetime], latest: datetime
) -> tuple[str, datetime] | None:
    """Validate the whole set of steps; return the current step and since when."""

    def issue(code: str, message: str) -> None:
        plan.issues.append(RowIssue(plan.row, plan.key, code, message, "steps"))

    for step, at in steps.items():
        if step not in Step.values:
            issue(ErrorCode.BAD_CHOICE, _("“%s” is not a lead step.") % step)
            return None
        if at > latest:
            issue(
                ErrorCode.FUTURE_DATE,
                _("The time of step “%(step)s” (%(at)s) is in the future.")
                % {"step": Step(step).label, "at": at.isoformat(timespec="minutes")},
            )
            return None
    chain = sorted((s for s in steps if s != Step.LOST), key=ORDER.__getitem__)
    for earlier, later in itertools.pairwise(chain):
        if steps[later] < steps[earlier]:
            issue(
                ErrorCode.STEP_ORDER,
                _("Step “%(later)s” cannot come before step “%(earlier)s”.")
                % {"later": Step(later).label, "earlier": Step(earlier).label},
            )
            return None
    if Step.LOST in steps:
        if Step.SETTLED in steps:
            issue(ErrorCode.STEP_CLOSED, _("A settled lead cannot also be lost."))
            return None
        if chain and steps[Step.LOST] < steps[chain[-1]]:
            issue(
                ErrorCode.STEP_ORDER,
                _("A lead is lost after its last step, not before “%s”.") % Step(chain[-1]).label,
            )
            return None
        return Step.LOST, steps[Step.LOST]
    return chain[-1], steps[chain[-1]]


def _plan_row(
    r: LeadRow,
    ctx: Context,
    existing: dict[str, Any] | None,
    old_steps: dict[str, datetime],
    customers: dict[tuple[str, str], int],
    index: MarketingIndex,
) -> LeadPlan:
    source, external_id = r.source.strip(), r.external_id.strip()
    plan = LeadPlan(r.row, external_id, source, external_id, note=r.note.strip()[:500])

    def issue(code: str, message: str, field_name: str) -> None:
        plan.issues.append(RowIssue(plan.row, plan.key, code, message, field_name))

    if not source:
        issue(ErrorCode.REQUIRED, _("Give the source system."), "source")
    if not external_id:
        issue(ErrorCode.REQUIRED, _("Give the external id."), "external_id")
    elif len(external_id) > 64:
        issue(ErrorCode.TOO_LONG, _("The external id is longer than 64 characters."), "external_id")
    company = r.company_name.strip()
    if not company:
        issue(ErrorCode.REQUIRED, _("Give the company's name."), "company_name")
    if r.source_kind not in SourceKind.values:
        issue(ErrorCode.BAD_CHOICE, _("“%s” is not a lead source.") % r.source_kind, "source_kind")
    platform_id = ctx.platforms.get(r.platform.strip())
    if platform_id is None:
        issue(
            ErrorCode.UNKNOWN_PLATFORM, _("Unknown sales platform “%s”.") % r.platform, "platform"
        )
    brought = _person(plan, ctx, r.source_employee, "source_employee", ErrorCode.UNKNOWN_EMPLOYEE)
    owner = _person(plan, ctx, r.owner, "owner", ErrorCode.UNKNOWN_OWNER)
    customer_id = None
    if r.customer.strip():
        customer_source = (r.customer_source or r.source).strip()
        customer_id = customers.get((customer_source, r.customer.strip()))
        if customer_id is None:
            issue(
                ErrorCode.UNKNOWN_CUSTOMER,
                _("Unknown customer “%s”.") % r.customer.strip(),
                "customer",
            )
    if r.source_kind == SourceKind.MARKETING and brought is None and not r.source_employee:
        issue(
            ErrorCode.SOURCE_EMPLOYEE_REQUIRED,
            _("Say who in marketing brought the lead."),
            "source_employee",
        )
    if r.source_kind == SourceKind.SELF_SOURCED:
        if brought is not None and owner is not None and brought.pk != owner.pk:
            issue(
                ErrorCode.SELF_SOURCED_NOT_OWNER,
                _("A self-sourced lead is owned by whoever found it."),
                "owner",
            )
        brought = brought or owner
        owner = owner or brought
        if owner is None and not r.owner and not r.source_employee:
            issue(ErrorCode.REQUIRED, _("Say who found the lead."), "owner")
    if (
        r.source_kind == SourceKind.REFERRAL
        and brought is None
        and not r.referrer_name.strip()
        and not r.source_employee
    ):
        issue(
            ErrorCode.SOURCE_EMPLOYEE_REQUIRED,
            _("Say who referred the lead."),
            "referrer_name",
        )
    steps = dict(old_steps)
    steps.update({step: at for step, at in r.steps})
    if dict(r.steps).get(Step.ENTERED, r.entered_at) != r.entered_at:
        issue(ErrorCode.INVALID, _("Give the time the lead was entered separately."), "steps")
    steps[Step.ENTERED] = r.entered_at
    current = _check_steps(plan, steps, ctx.latest)
    if plan.issues or current is None:
        return plan
    contact = Contact(
        normalise.company_name(company)[:200],
        normalise.phone(r.contact_phone)[:32],
        normalise.email(r.contact_email)[:254],
    )
    pk = existing["pk"] if existing else None
    if r.source_kind == SourceKind.SELF_SOURCED:
        match = index.match(contact, exclude=pk) or ctx.in_batch.match(contact, exclude=pk)
        if match is not None:
            issue(ErrorCode.MARKETING_LEAD_MATCH, match_message(*match), "source_kind")
            return plan
    plan.values = {
        "company_name": company[:200],
        "company_name_normalised": contact.name,
        "contact_name": r.contact_name.strip()[:100],
        "contact_phone": r.contact_phone.strip()[:32],
        "contact_phone_normalised": contact.phone,
        "contact_email": r.contact_email.strip()[:254],
        "contact_email_normalised": contact.email,
        "source_kind": r.source_kind,
        "source_employee_id": brought.pk if brought else None,
        "referrer_name": r.referrer_name.strip()[:100],
        "owner_id": owner.pk if owner else None,
        "platform_id": platform_id,
        "customer_id": customer_id,
        "entered_at": r.entered_at,
        "step": current[0],
        "step_at": current[1],
        "lost_reason": r.lost_reason.strip()[:255],
    }
    plan.steps = steps
    plan.new_steps = {s: at for s, at in steps.items() if s not in old_steps}
    plan.moved_steps = {s: at for s, at in steps.items() if s in old_steps and old_steps[s] != at}
    if existing is None:
        plan.outcome = Outcome.CREATED
    else:
        plan.pk = pk
        plan.number = existing["number"]
        plan.changes = diff(existing, plan.values)
        if plan.new_steps or plan.moved_steps:
            plan.changes["steps"] = {
                s: [old_steps[s].isoformat() if s in old_steps else None, at.isoformat()]
                for s, at in (plan.new_steps | plan.moved_steps).items()
            }
        plan.outcome = Outcome.UPDATED if plan.changes else Outcome.UNCHANGED
    if r.source_kind == SourceKind.MARKETING and current[0] != Step.LOST:
        ctx.in_batch.add(
            MarketingLead(
                pk or -plan.row,
                plan.number or _("row %d") % plan.row,
                brought.name if brought else "—",
                r.entered_at.date(),
                contact,
            )
        )
    return plan


def plan_chunk(chunk: Sequence[LeadRow], ctx: Context) -> list[LeadPlan]:
    existing: dict[tuple[str, str], dict[str, Any]] = {}
    by_source: dict[str, list[str]] = {}
    for r in chunk:
        by_source.setdefault(r.source.strip(), []).append(r.external_id.strip())
    for source, ids in by_source.items():
        for found in Lead.objects.filter(among("external_id", ids), source=source).values(
            "pk", "number", "external_id", *FIELDS
        ):
            existing[(source, found["external_id"])] = found
    old_steps: dict[int, dict[str, datetime]] = {}
    for lead_id, step, at in LeadStep.objects.filter(
        among("lead_id", [e["pk"] for e in existing.values()])
    ).values_list("lead_id", "step", "at"):
        old_steps.setdefault(lead_id, {})[step] = at
    customers: dict[tuple[str, str], int] = {}
    wanted: dict[str, set[str]] = {}
    for r in chunk:
        if r.customer.strip():
            wanted.setdefault((r.customer_source or r.source).strip(), set()).add(
                r.customer.strip()
            )
    for source, ids in wanted.items():
        for ext, pk in Customer.objects.filter(
            among("external_id", ids), source=source
        ).values_list("external_id", "pk"):
            customers[(source, ext)] = pk
    index = marketing_index(
        Contact(
            normalise.company_name(r.company_name)[:200],
            normalise.phone(r.contact_phone)[:32],
            normalise.email(r.contact_email)[:254],
        )
        for r in chunk
        if r.source_kind == SourceKind.SELF_SOURCED
    )
    plans = []
    for r in chunk:
        found = existing.get((r.source.strip(), r.external_id.strip()))
        steps = old_steps.get(found["pk"], {}) if found else {}
        plans.append(_plan_row(r, ctx, found, steps, customers, index))
    locked = [p.pk for p in plans if p.outcome is Outcome.UPDATED]
    if locked:
        list(Lead.objects.select_for_update().filter(among("pk", locked)).values_list("pk"))
    return plans
