"""REST endpoints for the organisation and its people (SPEC PLT-8), under /api/v1/org/.

Every read goes through ``meritline.org.selectors`` (scoped to the acting user); every
write through one service. Write payloads name other records by their **code**
(department, position, job level, platform, legal entity, region) and employees by their
**employee number**; paths use numeric ids. Money is integer fen (``*_fen``).
"""

from ninja import Router

from meritline.org.api import employees, structure

router = Router(tags=["org"])
router.add_router("", employees.router)
router.add_router("", structure.router)

__all__ = ["router"]
