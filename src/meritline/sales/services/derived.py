"""Values derived from the deals: a customer's first purchase and each deal's repurchase
flag. Recomputed for the customers a write touched, in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from meritline.sales.models import (
    CHAIN,
    Customer,
    Deal,
    DealStatus,
    Lead,
    LeadAlert,
    LeadStep,
    Step,
)
from meritline.sales.services.bulkdb import among, set_values
from meritline.sales.services.common import chunked

CHUNK = 2000


def refresh_customers(customer_ids: Iterable[int]) -> None:
    """A deal is a repurchase when its customer signed an earlier (strictly earlier date,
    not cancelled) deal; the customer's first purchase is its earliest such deal."""
    ids = sorted(set(customer_ids))
    for chunk in chunked(ids, CHUNK):
        rows = list(
            Deal.objects.filter(among("customer_id", chunk)).values_list(
                "pk", "customer_id", "signed_on", "status", "is_repurchase"
            )
        )
        first: dict[int, date] = {}
        for _pk, customer_id, signed_on, status, _flag in rows:
            if status == DealStatus.ACTIVE and (
                customer_id not in first or signed_on < first[customer_id]
            ):
                first[customer_id] = signed_on
        to_true, to_false = [], []
        for pk, customer_id, signed_on, _status, flag in rows:
            should = customer_id in first and signed_on > first[customer_id]
            if should != flag:
                (to_true if should else to_false).append(pk)
        for flagged, value in ((to_true, True), (to_false, False)):
            for part in chunked(flagged, CHUNK):
                Deal.objects.filter(among("pk", part)).update(
                    is_repurchase=value, updated_at=timezone.now()
                )
        set_values(
            Customer,
            "first_purchase_on",
            {
                pk: first.get(pk)
                for pk, current in Customer.objects.filter(among("pk", chunk)).values_list(
                    "pk", "first_purchase_on"
                )
                if current != first.get(pk)
            },
        )


def advance_linked_leads(signings: dict[int, tuple[date, str]], actor: Any) -> list[str]:
    """A lead linked to a signed deal has reached "contract archived" (LED-1): each lead
    (id → (signing date, deal label)) still before that step, and neither lost nor
    settled, moves there — at the signing date, or when it reached its current step if
    that was later. Returns the numbers of the leads moved."""
    moved: list[str] = []
    contract = CHAIN.index(Step.CONTRACT)
    before_contract = list(CHAIN[:contract])
    for chunk in chunked(sorted(signings), CHUNK):
        leads = list(
            Lead.objects.filter(among("pk", chunk), step__in=before_contract).only(
                "pk", "number", "step_at", "owner_id", "source_employee_id"
            )
        )
        steps = []
        for lead in leads:
            day, deal = signings[lead.pk]
            at = max(lead.step_at, timezone.make_aware(datetime.combine(day, time(12, 0))))
            lead.step, lead.step_at, lead.updated_at = Step.CONTRACT, at, timezone.now()
            steps.append(
                LeadStep(
                    lead=lead,
                    step=Step.CONTRACT,
                    at=at,
                    owner_id=lead.owner_id or lead.source_employee_id,
                    actor=actor if getattr(actor, "pk", None) else None,
                    note=_("Contract %s signed") % deal,
                )
            )
            moved.append(lead.number)
        Lead.objects.bulk_update(leads, ["step", "step_at", "updated_at"], batch_size=500)
        LeadStep.objects.bulk_create(steps, batch_size=1000)
        LeadAlert.objects.filter(
            among("lead_id", [lead.pk for lead in leads]), resolved_at__isnull=True
        ).update(resolved_at=timezone.now())
    return moved
