"""Access-matrix cases: analytics (the rep dashboard, leaderboards, reports, the platform
comparison, and the API once its router is mounted in ``config/api.py``)."""

from __future__ import annotations

from meritline.analytics.api import router as analytics_router
from meritline.config.api import api
from tests.matrix_cases import ALL, ALL_ROWS, Case

LEADS_OR_READS_ALL = ALL_ROWS | frozenset({"hrbp", "sales_manager"})

PAGES: dict[str, Case] = {
    "analytics:dashboard": Case(lambda w: "/analytics/me/"),
    "analytics:leaderboards": Case(lambda w: "/analytics/leaderboards/"),
    "analytics:my_report": Case(lambda w: "/analytics/report/"),
    "analytics:report": Case(
        lambda w: f"/analytics/report/{w.liuyang.pk}/",
        outside=frozenset({"hrbp", "sales_manager", "employee"}),
    ),
    "analytics:comparison": Case(lambda w: "/analytics/platforms/", allowed=LEADS_OR_READS_ALL),
}

_MOUNTED = any(router is analytics_router for _prefix, router in api._routers)

API_OPERATIONS: dict[str, Case] = (
    {
        "analytics_dashboard_mine": Case(lambda w: "/api/v1/analytics/dashboard", allowed=ALL),
        "analytics_leaderboard": Case(lambda w: "/api/v1/analytics/leaderboard", allowed=ALL),
    }
    if _MOUNTED
    else {}
)
