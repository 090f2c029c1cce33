"""Values derived from the deals: a customer's first purchase and each deal's repurchase
flag. Recomputed for the customers a write touched, in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from meritline.sales.models import Customer, Deal, DealStatus
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
                Deal.objects.filter(among("pk", part)).update(is_repurchase=value)
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
