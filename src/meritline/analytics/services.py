"""What analytics writes on its own: the rep dashboards computed ahead (the morning task
and ``meritline warm_dashboards``), kept by ``analytics.snapshots``."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation

from meritline.analytics.selectors.dashboard import rep_dashboard
from meritline.core.models import User


def warm_dashboards(*, employee_ids: Iterable[int] | None = None) -> int:
    """Compute ahead the dashboard of everyone with an active login and an appraisal (or
    of ``employee_ids`` only), in the site's language, as each would see it; dashboards
    whose inputs did not change are left as they are. Returns how many were looked at."""
    users = User.objects.filter(is_active=True, employee__appraisals__isnull=False).distinct()
    if employee_ids is not None:
        users = users.filter(employee__in=list(employee_ids))
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in users.order_by("pk").iterator(chunk_size=500):
            rep_dashboard(user=user)
            count += 1
    return count
