"""Writes the demo company's two years of sales history (issue 3, ``DEMO.md``).

The rules in force (platform stages, the big-client threshold, the lead qualification
standard, SLA rules) go through the sales services, so the audit trail shows who set
them. The history itself — customers, leads with their steps and quality reviews,
deals with their splits, collections and refunds — is planned in memory
(``sales_plan``) and written in bulk, with the values the services would derive
(normalised names, running totals, cancellation, first purchases, repurchase flags)
and the invariants they enforce checked first; one ``demo.sales_history`` audit row
holds the counts. Then the daily SLA scan raises the overdue leads as of the demo's
today, and 孙磊 raises his dispute through the service.
"""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.access import forget_scope
from meritline.core.models import User
from meritline.demo import catalogue as c
from meritline.demo import sales_catalogue as s
from meritline.demo.plan import Plan, add_years, month_start
from meritline.demo.sales_plan import DealP, LeadP, SalesPlan, make_sales_plan
from meritline.org.models import Employee, Platform, Region
from meritline.sales import normalise, qualification
from meritline.sales.models import (
    MANUAL_SOURCE,
    Collection,
    Customer,
    Deal,
    DealSplit,
    DealStatus,
    ImportJob,
    ImportMapping,
    Lead,
    LeadAlert,
    LeadDispute,
    LeadStep,
    PlatformStage,
    QualificationStandard,
    Refund,
    RefundKind,
    SegmentThreshold,
    SlaRule,
)
from meritline.sales.services.config import (
    platform_stage_set,
    qualification_standard_set,
    segment_threshold_set,
    sla_rule_set,
)
from meritline.sales.services.deals import check_splits
from meritline.sales.services.derived import refresh_customers
from meritline.sales.services.ownership import dispute_raise
from meritline.sales.services.sla_scan import sla_scan

BATCH = 2000
STAGE_NOTES = {"new": "平台上线", "growing": "进入成长期", "mature": "进入成熟期"}

# Children before parents (everything the sales history writes, the rules included,
# and the imports users ran on the demo).
_WIPE_ORDER = (
    ImportJob,
    ImportMapping,
    LeadAlert,
    LeadDispute,
    Collection,
    Refund,
    DealSplit,
    Deal,
    LeadStep,
    Lead,
    Customer,
    PlatformStage,
    SlaRule,
    QualificationStandard,
    SegmentThreshold,
)


DEMO_SOURCES = {
    Deal: {s.CRM},
    Customer: {s.CRM},
    Lead: {s.CRM, MANUAL_SOURCE},
    Collection: {s.FINANCE},
    Refund: {s.FINANCE},
}


def foreign_records() -> list[str]:
    """Sales records the demo did not write: imported or pushed from other sources."""
    problems = []
    for model, sources in DEMO_SOURCES.items():
        count = model._default_manager.exclude(source__in=sources).count()
        if count:
            problems.append(
                _("%(n)s %(what)s from sources the demo does not use")
                % {"n": count, "what": model._meta.verbose_name_plural}
            )
    return problems


def wipe() -> dict[str, int]:
    """Delete all sales records and rules (before the people and platforms go)."""
    counts = {
        "customers": Customer.objects.count(),
        "leads": Lead.objects.count(),
        "deals": Deal.objects.count(),
    }
    for model in _WIPE_ORDER:
        model._default_manager.all().delete()
    return counts


def stage_history(team: c.Team) -> list[tuple[str, date]]:
    """A platform's maturity stages: the 2026 platforms are new; the others grew up."""
    if team.new:
        return [("new", team.launched_on)]
    if team.platform in s.STAGE_OVERRIDES:
        return list(s.STAGE_OVERRIDES[team.platform])
    launched = team.launched_on
    return [
        (stage, month_start(add_years(launched, months // 12)) if months else launched)
        for stage, months in s.STAGE_STEPS
    ]


def generate(*, actor: User, plan: Plan) -> dict[str, int]:
    """Write the sales history of ``plan``'s company (inside the build's transaction);
    return the counts of what was written."""
    started = clock.monotonic()
    sales = make_sales_plan(plan)
    _rules(actor)
    writer = _Writer(sales)
    writer.customers()
    writer.leads()
    writer.deals()
    refresh_customers(writer.customer_ids.values())
    scan = sla_scan(now=aware(datetime.combine(c.TODAY, time(18, 0))))
    _dispute(sales)
    counts = {
        "customers": len(sales.customers),
        "leads": len(sales.leads),
        "lead_steps": sum(len(lead.steps) for lead in sales.leads),
        "deals": len(sales.deals),
        "deal_splits": sum(len(d.splits) for d in sales.deals),
        "collections": sum(len(d.collections) for d in sales.deals),
        "refunds": sum(len(d.refunds) for d in sales.deals),
        "cancelled_deals": sum(d.cancelled for d in sales.deals),
        "lead_alerts": scan.raised,
        "lead_disputes": 1,
    }
    audit.record(
        actor=None,
        action="demo.sales_history",
        target_type="demo",
        target_id=str(plan.seed),
        after={
            "seed": plan.seed,
            "first_day": s.HISTORY[0].isoformat(),
            "today": c.TODAY.isoformat(),
            "seconds": round(clock.monotonic() - started, 2),
            **counts,
        },
    )
    return counts


def aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _rules(actor: User) -> None:
    platforms = {p.code: p for p in Platform.objects.all()}
    for team in c.TEAMS:
        for stage, valid_from in stage_history(team):
            platform_stage_set(
                actor=actor,
                platform=platforms[team.platform],
                stage=stage,
                valid_from=valid_from,
                note=STAGE_NOTES[stage],
            )
    for valid_from, fen, note in s.THRESHOLDS:
        segment_threshold_set(actor=actor, valid_from=valid_from, big_client_min_fen=fen, note=note)
    for valid_from, name, criteria, note in s.STANDARDS:
        qualification_standard_set(
            actor=actor, valid_from=valid_from, name=name, criteria=criteria, note=note
        )
    for step, hours in s.SLA_HOURS.items():
        sla_rule_set(actor=actor, step=step, max_hours=hours, valid_from=s.RULES_FROM)


class _Writer:
    def __init__(self, sales: SalesPlan) -> None:
        self.sales = sales
        self.employees = dict(Employee.objects.values_list("employee_no", "pk"))
        self.platforms = dict(Platform.objects.values_list("code", "pk"))
        self.regions = dict(Region.objects.values_list("code", "pk"))
        self.users = {
            u.username: u.pk for u in User.objects.filter(username__in=["wangfang", "zhangwei"])
        }
        self.standards = {
            x.valid_from: x for x in QualificationStandard.objects.order_by("valid_from")
        }
        self.customer_ids: dict[int, int] = {}  # id(CustomerP) -> pk
        self.lead_ids: dict[int, int] = {}  # id(LeadP) -> pk

    def person(self, number: str | None) -> int | None:
        return self.employees[number] if number else None

    def customers(self) -> None:
        rows = []
        for x in self.sales.customers:
            rows.append(
                Customer(
                    source=s.CRM,
                    external_id=x.external_id,
                    name=x.name,
                    name_normalised=normalise.company_name(x.name)[:200],
                    kind=x.kind,
                    industry=s.INDUSTRIES[x.industry][0],
                    region_id=self.regions[x.region],
                    platform_id=self.platforms[x.platform],
                    phone=x.contact.phone,
                    phone_normalised=normalise.phone(x.contact.phone),
                    email=x.contact.email,
                    email_normalised=normalise.email(x.contact.email),
                )
            )
        Customer.objects.bulk_create(rows, batch_size=BATCH)
        pks = dict(Customer.objects.filter(source=s.CRM).values_list("external_id", "pk"))
        self.customer_ids = {id(x): pks[x.external_id] for x in self.sales.customers}

    def leads(self) -> None:
        rows = [self.lead_row(x) for x in self.sales.leads]
        Lead.objects.bulk_create(rows, batch_size=BATCH)
        # Numbered as the lead services number them: "L" and the primary key.
        Lead.objects.filter(source=s.CRM, number__startswith="~").update(
            number=Concat(Value("L"), LPad(Cast("pk", CharField()), 7, Value("0")))
        )
        pks = dict(Lead.objects.filter(source=s.CRM).values_list("external_id", "pk"))
        self.lead_ids = {id(x): pks[x.external_id] for x in self.sales.leads}
        steps = [
            LeadStep(
                lead_id=self.lead_ids[id(x)],
                step=step.step,
                at=aware(step.at),
                owner_id=self.person(step.owner),
                note=x.lost_reason if step.step == "lost" else "",
            )
            for x in self.sales.leads
            for step in x.steps
        ]
        LeadStep.objects.bulk_create(steps, batch_size=BATCH)

    def lead_row(self, x: LeadP) -> Lead:
        customer = self.customer_ids[id(x.customer)] if x.customer else None
        row = Lead(
            source=s.CRM,
            external_id=x.external_id,
            number=f"~{x.external_id}",
            customer_id=customer,
            company_name=x.company,
            company_name_normalised=normalise.company_name(x.company)[:200],
            contact_name=x.contact.name,
            contact_phone=x.contact.phone,
            contact_phone_normalised=normalise.phone(x.contact.phone),
            contact_email=x.contact.email,
            contact_email_normalised=normalise.email(x.contact.email),
            source_kind=x.source_kind,
            source_employee_id=self.person(x.bringer),
            referrer_name=x.referrer,
            owner_id=self.person(x.owner),
            platform_id=self.platforms[x.platform],
            step=x.current.step,
            step_at=aware(x.current.at),
            entered_at=aware(x.entered_at),
            lost_reason=x.lost_reason,
        )
        if x.review is not None:
            standard = self.standards[x.review.standard]
            facts = {
                "company_name": x.company,
                "contact_name": x.contact.name,
                "contact_phone": x.contact.phone,
                "contact_email": x.contact.email,
                "customer": customer,
                "customer_kind": x.customer.kind if x.customer else "",
                "source_kind": x.source_kind,
            }
            failures = qualification.evaluate(standard.criteria, facts)
            if bool(failures) == x.review.qualified:
                raise RuntimeError(f"lead {x.external_id}: the review contradicts the standard")
            row.qualification_standard = standard
            row.qualified = x.review.qualified
            row.qualification_failures = failures
            row.reviewed_by_id = self.users[x.review.reviewer]
            row.reviewed_at = aware(x.review.at)
            row.review_note = x.review_note
        return row

    def deals(self) -> None:
        rows = [self.deal_row(x) for x in self.sales.deals]
        Deal.objects.bulk_create(rows, batch_size=BATCH)
        pks = dict(Deal.objects.filter(source=s.CRM).values_list("external_id", "pk"))
        splits, collections, refunds = [], [], []
        for x in self.sales.deals:
            deal_id = pks[x.number]
            splits += [
                DealSplit(deal_id=deal_id, employee_id=self.employees[no], share=share)
                for no, share in x.splits
            ]
            collections += [
                Collection(
                    source=s.FINANCE,
                    external_id=line.external_id,
                    deal_id=deal_id,
                    received_on=line.day,
                    amount_fen=line.amount_fen,
                    note=line.note,
                )
                for line in x.collections
            ]
            refunds += [
                Refund(
                    source=s.FINANCE,
                    external_id=line.external_id,
                    deal_id=deal_id,
                    refunded_on=line.day,
                    amount_fen=line.amount_fen,
                    kind=RefundKind.CANCELLATION if line.cancel else RefundKind.REFUND,
                    reason=line.note,
                )
                for line in x.refunds
            ]
        DealSplit.objects.bulk_create(splits, batch_size=BATCH)
        Collection.objects.bulk_create(collections, batch_size=BATCH)
        Refund.objects.bulk_create(refunds, batch_size=BATCH)

    def deal_row(self, x: DealP) -> Deal:
        _check(x, self.employees)
        return Deal(
            source=s.CRM,
            external_id=x.number,
            number=x.number,
            signed_on=x.signed_on,
            amount_fen=x.amount_fen,
            cost_fen=x.cost_fen,
            platform_id=self.platforms[x.platform],
            customer_id=self.customer_ids[id(x.customer)],
            owner_id=self.employees[x.owner],
            lead_id=self.lead_ids[id(x.lead)] if x.lead else None,
            products=list(x.products),
            status=DealStatus.CANCELLED if x.cancelled else DealStatus.ACTIVE,
            cancelled_on=x.cancelled_on,
            collected_fen=x.collected_fen,
            refunded_fen=x.refunded_fen,
        )


def _check(deal: DealP, employees: dict[str, int]) -> None:
    """What the deal, collection and refund services refuse, refused here too."""
    problems = [
        message
        for _code, message in check_splits([(employees[no], share) for no, share in deal.splits])
    ]
    if deal.amount_fen <= 0 or deal.cost_fen < 0:
        problems.append("amount")
    if deal.refunded_fen > deal.amount_fen:
        problems.append("refunded more than the amount")
    if deal.collected_fen > deal.amount_fen - deal.refunded_fen:
        problems.append("collected more than the amount net of refunds")
    if any(
        line.amount_fen <= 0 or line.day < deal.signed_on
        for line in deal.collections + deal.refunds
    ):
        problems.append("a collection or refund line")
    if deal.cancelled and deal.refunded_fen != deal.amount_fen:
        problems.append("a cancellation must refund all that remains")
    if problems:
        raise RuntimeError(f"deal {deal.number}: {'; '.join(problems)}")


def _dispute(sales: SalesPlan) -> None:
    """孙磊 was refused when he registered 赵敏's lead as his own; he disputes it."""
    lead = Lead.objects.get(source=s.CRM, external_id=sales.dispute_lead.external_id)
    user = User.objects.get(username="sunlei")
    forget_scope(user)
    dispute_raise(actor=user, lead=lead, claim=s.SUNLEI_CLAIM)
