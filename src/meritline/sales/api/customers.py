"""Customer endpoints of the sales API: list, read, and push (one or a batch)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from meritline.core.errors import NotFoundError
from meritline.sales import selectors_pages as pages
from meritline.sales.api.batch import BatchResultOut, run_batch, upserted
from meritline.sales.api.inputs import CustomerBatchIn, CustomerFields, customer_row, keyed
from meritline.sales.api.schemas import CustomerFilters, CustomerOut
from meritline.sales.models import Customer
from meritline.sales.services.common import upsert_one
from meritline.sales.services.customers import customer_bulk_upsert

router = Router()


def customer_by_key(user: Any, source: str, external_id: str) -> Customer:
    """A visible customer by its key, with its figures; 404 otherwise."""
    found = pages.customer_rows(user=user).filter(source=source, external_id=external_id).first()
    if found is None:
        raise NotFoundError(_("Customer not found."))
    return found


@router.get("/customers", response=list[CustomerOut], summary="List customers")
@paginate(LimitOffsetPagination)
def sales_customer_list(request: HttpRequest, filters: Query[CustomerFilters]) -> Any:
    """Customers of the deals and leads you see (every customer for HR admins, finance and
    auditors), by name; page with ``limit``/``offset``."""
    user = request.auth  # type: ignore[attr-defined]
    rows = pages.customer_rows(
        user=user,
        filters=pages.CustomerFilters(
            q=(filters.q or "").strip(),
            kind=filters.kind or "",
            industry=(filters.industry or "").strip(),
        ),
    )
    if filters.source:
        rows = rows.filter(source=filters.source.strip())
    if filters.platform:
        rows = rows.filter(platform__code=filters.platform.strip())
    if filters.region:
        rows = rows.filter(region__code=filters.region.strip())
    return rows.order_by("name", "pk")


@router.get(
    "/customers/{source}/{path:external_id}", response=CustomerOut, summary="Get a customer"
)
def sales_customer_get(request: HttpRequest, source: str, external_id: str) -> Any:
    """One customer by ``(source, external_id)``; 404 when outside your scope."""
    return customer_by_key(request.auth, source, external_id)  # type: ignore[attr-defined]


@router.put(
    "/customers/{source}/{path:external_id}",
    response={200: CustomerOut, 201: CustomerOut},
    summary="Create or update a customer",
)
def sales_customer_put(
    request: HttpRequest, source: str, external_id: str, payload: CustomerFields
) -> Any:
    """Upsert one customer by ``(source, external_id)``: 201 when created, 200 when
    updated or unchanged; a refused row is a 400 naming the field (HR admins, finance and
    sales managers)."""
    user = request.auth  # type: ignore[attr-defined]
    row = customer_row(payload, 1, source, external_id)
    customer, outcome = upsert_one(customer_bulk_upsert, Customer, actor=user, row=row)
    visible = pages.customer_rows(user=user).filter(pk=customer.pk).first()
    return upserted(outcome, visible or customer)


@router.post("/customers/batch", response=BatchResultOut, summary="Push customers in a batch")
def sales_customer_batch(request: HttpRequest, payload: CustomerBatchIn) -> Any:
    """Upsert up to 5,000 customers by ``(source, external_id)``; the report counts
    created / updated / unchanged rows and lists every bad row."""
    return run_batch(
        bulk=customer_bulk_upsert,
        actor=request.auth,  # type: ignore[attr-defined]
        items=payload.rows,
        mode=payload.mode,
        dry_run=payload.dry_run,
        to_row=keyed(customer_row),
    )
