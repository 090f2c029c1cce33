"""REST endpoints for sales records (SPEC PLT-7, PLT-8), under /api/v1/sales/.

A CRM or a sales platform pushes customers, deals, collections, refunds and leads —
one record with ``PUT /sales/<kind>/{source}/{external_id}`` or up to 5,000 with
``POST /sales/<kind>/batch`` — upserted by ``(source, external_id)`` through the same
bulk services (and so the same checks) as the file imports. Reads go through the scoped
selectors: a record outside the user's scope is a 404.
"""

from ninja import Router

from meritline.sales.api import customers, deals, leads, payments

router = Router(tags=["sales"])
router.add_router("", customers.router)
router.add_router("", deals.router)
router.add_router("", payments.router)
router.add_router("", leads.router)

__all__ = ["router"]
