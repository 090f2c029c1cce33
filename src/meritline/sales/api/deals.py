"""Deal endpoints of the sales API: list, read with splits, collections and refunds, and
push (one or a batch)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from meritline.core.errors import NotFoundError
from meritline.sales import selectors
from meritline.sales import selectors_pages as pages
from meritline.sales.api.batch import BatchResultOut, run_batch, upserted
from meritline.sales.api.inputs import DealBatchIn, DealFields, deal_row, keyed
from meritline.sales.api.schemas import DealDetailOut, DealFilters, DealOut
from meritline.sales.models import Deal, DealSplit
from meritline.sales.services.common import upsert_one
from meritline.sales.services.deals import deal_bulk_upsert

router = Router()


def deal_by_key(user: Any, source: str, external_id: str) -> Deal:
    """A visible deal by its key, with splits, collections and refunds; 404 otherwise."""
    pk = (
        selectors.deal_list(user=user)
        .filter(source=source, external_id=external_id)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise NotFoundError(_("Deal not found."))
    return selectors.deal_get(user=user, pk=pk)


@router.get("/deals", response=list[DealOut], summary="List deals")
@paginate(LimitOffsetPagination)
def sales_deal_list(request: HttpRequest, filters: Query[DealFilters]) -> Any:
    """Deals you see (owned, credited or brought by people in your scope), newest signed
    first; page with ``limit``/``offset``."""
    user = request.auth  # type: ignore[attr-defined]
    rows = pages.deal_rows(
        user=user,
        filters=pages.DealFilters(
            q=(filters.q or "").strip(),
            status=filters.status or "",
            segment=filters.segment or "",
            repurchase=""
            if filters.repurchase is None
            else ("yes" if filters.repurchase else "no"),
            signed_from=filters.signed_from,
            signed_to=filters.signed_to,
        ),
    )
    if filters.source:
        rows = rows.filter(source=filters.source.strip())
    if filters.platform:
        rows = rows.filter(platform__code=filters.platform.strip())
    if filters.customer:
        rows = rows.filter(customer__external_id=filters.customer.strip())
    if filters.owner:
        number = filters.owner.strip()
        credited = DealSplit.objects.filter(employee__employee_no=number).values("deal_id")
        rows = rows.filter(Q(owner__employee_no=number) | Q(pk__in=credited))
    return rows.order_by("-signed_on", "-pk")


@router.get(
    "/deals/{source}/{path:external_id}",
    response=DealDetailOut,
    summary="Get a deal with its collections and refunds",
)
def sales_deal_get(request: HttpRequest, source: str, external_id: str) -> Any:
    """One deal by ``(source, external_id)`` with its credited splits (each person's part
    of the amount, net amount and collections), collections and refunds; 404 when outside
    your scope."""
    return deal_by_key(request.auth, source, external_id)  # type: ignore[attr-defined]


@router.put(
    "/deals/{source}/{path:external_id}",
    response={200: DealDetailOut, 201: DealDetailOut},
    summary="Create or update a deal",
)
def sales_deal_put(request: HttpRequest, source: str, external_id: str, payload: DealFields) -> Any:
    """Upsert one deal by ``(source, external_id)``: 201 when created, 200 when updated or
    unchanged; a refused row is a 400 naming the field (HR admins and finance)."""
    user = request.auth  # type: ignore[attr-defined]
    row = deal_row(payload, 1, source, external_id)
    deal, outcome = upsert_one(deal_bulk_upsert, Deal, actor=user, row=row)
    return upserted(outcome, deal_by_key(user, deal.source, deal.external_id))


@router.post("/deals/batch", response=BatchResultOut, summary="Push deals in a batch")
def sales_deal_batch(request: HttpRequest, payload: DealBatchIn) -> Any:
    """Upsert up to 5,000 deals (with their splits) by ``(source, external_id)``; the
    report counts created / updated / unchanged rows and lists every bad row."""
    return run_batch(
        bulk=deal_bulk_upsert,
        actor=request.auth,  # type: ignore[attr-defined]
        items=payload.rows,
        mode=payload.mode,
        dry_run=payload.dry_run,
        to_row=keyed(deal_row),
    )
