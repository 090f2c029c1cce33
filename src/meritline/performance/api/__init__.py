"""The performance REST API (/api/v1/performance/): one router per topic."""

from ninja import Router

from meritline.performance.api import manage, reviews

router = Router(tags=["performance"])
router.add_router("", manage.router)
router.add_router("", reviews.router)
