"""What analytics keeps: each person's dashboard as last computed, with the fingerprint of
every record it was computed from (see ``selectors.snapshot``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Employee


class DashboardSnapshot(models.Model):
    """The rep dashboard of ``employee`` as computed at ``computed_at`` from inputs whose
    fingerprint is ``fingerprint``; served again only while the fingerprint of the
    current inputs is the same (a cache that cannot go stale, not a copy of the data)."""

    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, related_name="dashboard_snapshot"
    )
    fingerprint = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self) -> str:
        return f"dashboard of {self.employee_id} at {self.computed_at:%Y-%m-%d %H:%M}"
