"""Plans and their versions: documents as written, effective-dated, approved, never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Plan(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("incentive plan")
        verbose_name_plural = _("incentive plans")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", pgettext_lazy("plan version", "Retired")


class PlanVersion(models.Model):
    """One version of a plan: the document exactly as written (YAML or JSON), valid from
    ``valid_from`` to ``valid_to`` (inclusive; open if null) once approved. Approving a
    newer version, or retiring this one, closes its validity; nothing else changes it.
    A retired version stays in force over the days it covered."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document = models.TextField(_("plan document"))
    digest = models.CharField(_("SHA-256 of the document"), max_length=64, editable=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The last review that sent it back to draft, and its reason.
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    rejection_reason = models.TextField(_("why it was sent back"), blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retired by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retirement_reason = models.TextField(_("why it was retired"), blank=True)

    class Meta:
        ordering = ["plan_id", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="incentives_version_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="incentives_version_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}"

    @property
    def label(self) -> str:
        return f"{self.plan.code} v{self.number}"
