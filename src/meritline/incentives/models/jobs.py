"""Background calculations of a run: queued by a page, run by a Celery worker, with their
status and, when they fail, the reason in the language of whoever started them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meritline.incentives.models.runs import Run


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CALCULATING = "calculating", _("Calculating")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_JOB = (JobStatus.QUEUED, JobStatus.CALCULATING)


class CalculationJob(models.Model):
    """One requested calculation of a run. At most one per run is queued or calculating
    at a time (a partial unique constraint); finished ones stay as the run's history."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    failure = models.TextField(_("why it failed"), blank=True)
    # The starter's language: the failure is written in it.
    language = models.CharField(max_length=16, default="zh-hans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), null=True, blank=True)
    payable_fen = models.BigIntegerField(_("payable"), null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("calculation job")
        verbose_name_plural = _("calculation jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["run"],
                condition=Q(status__in=["queued", "calculating"]),
                name="incentives_job_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
