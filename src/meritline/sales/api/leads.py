"""Lead endpoints of the sales API: list, read with the timeline, and push (one or a
batch) under the ownership rule."""

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
from meritline.sales.api.inputs import LeadBatchIn, LeadFields, keyed, lead_row
from meritline.sales.api.schemas import LeadDetailOut, LeadFilters, LeadOut
from meritline.sales.models import Lead
from meritline.sales.services.common import upsert_one
from meritline.sales.services.leads import lead_bulk_upsert

router = Router()


def lead_by_key(user: Any, source: str, external_id: str) -> Lead:
    """A visible lead by its key, with its steps; 404 otherwise."""
    pk = (
        selectors.lead_list(user=user)
        .filter(source=source, external_id=external_id)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise NotFoundError(_("Lead not found."))
    return selectors.lead_get(user=user, pk=pk)


@router.get("/leads", response=list[LeadOut], summary="List leads")
@paginate(LimitOffsetPagination)
def sales_lead_list(request: HttpRequest, filters: Query[LeadFilters]) -> Any:
    """Leads you see (owned or brought by people in your scope), newest first; page with
    ``limit``/``offset``."""
    user = request.auth  # type: ignore[attr-defined]
    rows = pages.lead_rows(
        user=user,
        filters=pages.LeadFilters(
            q=(filters.q or "").strip(),
            step=(filters.step or "").strip(),
            source_kind=filters.source_kind or "",
            qualified=filters.qualified or "",
        ),
    )
    if filters.source:
        rows = rows.filter(source=filters.source.strip())
    if filters.platform:
        rows = rows.filter(platform__code=filters.platform.strip())
    if filters.owner:
        number = filters.owner.strip()
        rows = rows.filter(Q(owner__employee_no=number) | Q(source_employee__employee_no=number))
    return rows.order_by("-entered_at", "-pk")


@router.get(
    "/leads/{source}/{path:external_id}",
    response=LeadDetailOut,
    summary="Get a lead with its timeline",
)
def sales_lead_get(request: HttpRequest, source: str, external_id: str) -> Any:
    """One lead by ``(source, external_id)`` with its steps, oldest first; 404 when outside
    your scope."""
    return lead_by_key(request.auth, source, external_id)  # type: ignore[attr-defined]


@router.put(
    "/leads/{source}/{path:external_id}",
    response={200: LeadDetailOut, 201: LeadDetailOut},
    summary="Create or update a lead",
)
def sales_lead_put(request: HttpRequest, source: str, external_id: str, payload: LeadFields) -> Any:
    """Upsert one lead by ``(source, external_id)``: 201 when created, 200 when updated or
    unchanged; a refused row is a 400 naming the field (HR admins and finance). A
    self-sourced lead matching a marketing lead is refused, naming that lead."""
    user = request.auth  # type: ignore[attr-defined]
    row = lead_row(payload, 1, source, external_id)
    lead, outcome = upsert_one(lead_bulk_upsert, Lead, actor=user, row=row)
    return upserted(outcome, lead_by_key(user, lead.source, lead.external_id))


@router.post("/leads/batch", response=BatchResultOut, summary="Push leads in a batch")
def sales_lead_batch(request: HttpRequest, payload: LeadBatchIn) -> Any:
    """Upsert up to 5,000 leads (with their steps) by ``(source, external_id)``."""
    return run_batch(
        bulk=lead_bulk_upsert,
        actor=request.auth,  # type: ignore[attr-defined]
        items=payload.rows,
        mode=payload.mode,
        dry_run=payload.dry_run,
        to_row=keyed(lead_row),
    )
