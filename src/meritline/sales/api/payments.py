"""Collection (回款) and refund endpoints of the sales API: push one or a batch. They are
read with their deal (``GET /sales/deals/{source}/{external_id}``)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from meritline.sales.api.batch import BatchResultOut, run_batch, upserted
from meritline.sales.api.inputs import (
    CollectionBatchIn,
    CollectionFields,
    RefundBatchIn,
    RefundFields,
    collection_row,
    keyed,
    refund_row,
)
from meritline.sales.api.schemas import CollectionOut, RefundOut
from meritline.sales.models import Collection, Refund
from meritline.sales.services.common import upsert_one
from meritline.sales.services.payments import collection_bulk_upsert, refund_bulk_upsert

router = Router()


@router.put(
    "/collections/{source}/{path:external_id}",
    response={200: CollectionOut, 201: CollectionOut},
    summary="Create or update a collection",
)
def sales_collection_put(
    request: HttpRequest, source: str, external_id: str, payload: CollectionFields
) -> Any:
    """Upsert one collection by ``(source, external_id)`` on the deal with external id
    ``deal``: 201 when created, 200 otherwise; a refused row is a 400 (HR admins and
    finance). A deal's collections may not exceed its amount net of refunds."""
    row = collection_row(payload, 1, source, external_id)
    line, outcome = upsert_one(
        collection_bulk_upsert,
        Collection,
        actor=request.auth,  # type: ignore[attr-defined]
        row=row,
    )
    return upserted(outcome, line)


@router.post("/collections/batch", response=BatchResultOut, summary="Push collections in a batch")
def sales_collection_batch(request: HttpRequest, payload: CollectionBatchIn) -> Any:
    """Upsert up to 5,000 collections by ``(source, external_id)``."""
    return run_batch(
        bulk=collection_bulk_upsert,
        actor=request.auth,  # type: ignore[attr-defined]
        items=payload.rows,
        mode=payload.mode,
        dry_run=payload.dry_run,
        to_row=keyed(collection_row),
    )


@router.put(
    "/refunds/{source}/{path:external_id}",
    response={200: RefundOut, 201: RefundOut},
    summary="Create or update a refund or cancellation",
)
def sales_refund_put(
    request: HttpRequest, source: str, external_id: str, payload: RefundFields
) -> Any:
    """Upsert one refund by ``(source, external_id)``: 201 when created, 200 otherwise; a
    refused row is a 400 (HR admins and finance). A refund may not exceed what remains of
    its deal; refunds reaching the whole amount cancel the deal."""
    row = refund_row(payload, 1, source, external_id)
    line, outcome = upsert_one(
        refund_bulk_upsert,
        Refund,
        actor=request.auth,  # type: ignore[attr-defined]
        row=row,
    )
    return upserted(outcome, line)


@router.post("/refunds/batch", response=BatchResultOut, summary="Push refunds in a batch")
def sales_refund_batch(request: HttpRequest, payload: RefundBatchIn) -> Any:
    """Upsert up to 5,000 refunds and cancellations by ``(source, external_id)``."""
    return run_batch(
        bulk=refund_bulk_upsert,
        actor=request.auth,  # type: ignore[attr-defined]
        items=payload.rows,
        mode=payload.mode,
        dry_run=payload.dry_run,
        to_row=keyed(refund_row),
    )
