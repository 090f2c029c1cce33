"""File imports of sales records (PLT-7): the column mapping saved per platform and kind,
and import jobs with their progress and report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Platform


class ImportKind(models.TextChoices):
    DEALS = "deals", _("Deals")
    COLLECTIONS = "collections", _("Collections")
    REFUNDS = "refunds", _("Refunds and cancellations")
    LEADS = "leads", _("Leads")
    CUSTOMERS = "customers", _("Customers")


class ImportMapping(models.Model):
    """Which file column holds which field, for files of one kind from one platform:
    ``columns`` maps a field name to the header text of the user's file."""

    platform = models.ForeignKey(
        Platform, verbose_name=_("sales platform"), on_delete=models.CASCADE
    )
    kind = models.CharField(_("records"), max_length=16, choices=ImportKind.choices)
    columns = models.JSONField(_("column mapping"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kind"], name="sales_importmapping_unique_platform_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} {self.kind}"


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Awaiting column check")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One import of one file: what was asked (kind, platform, source, mode, mapping),
    where it stands, and its report (counts and every bad row)."""

    kind = models.CharField(_("records"), max_length=16, choices=ImportKind.choices)
    platform = models.ForeignKey(
        Platform, verbose_name=_("sales platform"), on_delete=models.PROTECT
    )
    source = models.CharField(_("source system"), max_length=32)
    file_name = models.CharField(_("file"), max_length=255)
    stored_name = models.CharField(max_length=255)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    header = models.JSONField(default=list)
    # The first rows of the file, shown beside the mapping to recognise the columns by.
    samples = models.JSONField(default=list)
    columns = models.JSONField(_("column mapping"), default=dict)
    mode = models.CharField(_("bad rows"), max_length=16)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    total = models.IntegerField(_("rows"), default=0)
    created = models.IntegerField(_("created"), default=0)
    updated = models.IntegerField(_("updated"), default=0)
    unchanged = models.IntegerField(_("unchanged"), default=0)
    error_rows = models.IntegerField(_("rows with errors"), default=0)
    written = models.BooleanField(_("written"), default=False)
    errors = models.JSONField(default=list)
    failure = models.TextField(blank=True)
    # The uploader's language: the report's messages are written in it.
    language = models.CharField(max_length=16, default="zh-hans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sales import")
        verbose_name_plural = _("sales imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
