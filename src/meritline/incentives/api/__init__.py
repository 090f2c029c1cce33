"""REST endpoints of the incentive engine, under /api/v1/incentives/: the estimator, the
user's own statements, and plan documents (validate, create a version)."""

from ninja import Router

from meritline.incentives.api import estimates, plans, statements

router = Router(tags=["incentives"])
router.add_router("", estimates.router)
router.add_router("", statements.router)
router.add_router("", plans.router)

__all__ = ["router"]
