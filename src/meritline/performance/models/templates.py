"""KPI templates and their effective-dated versions (PRF-2, PRF-6): a re-weighting is a
new version; the old one keeps its weights and ends the day before."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meritline.org.models import PlatformStage, Position


class KpiTemplate(models.Model):
    """A template applies to employees on platforms in ``stage`` (blank: any stage) and
    in ``position`` (empty: any position); the most specific match wins."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    stage = models.CharField(
        _("platform stage"), max_length=16, choices=PlatformStage.choices, blank=True
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kpi_templates",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("KPI template")
        verbose_name_plural = _("KPI templates")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class KpiTemplateVersion(models.Model):
    """The template's KPI items (validated by the engine's template parser) in force from
    ``valid_from`` to ``valid_to`` (inclusive; open if null). Never edited: a new
    version closes the previous one."""

    template = models.ForeignKey(KpiTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    items = models.JSONField(_("KPI items"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template_id", "-number"]
        verbose_name = _("KPI template version")
        verbose_name_plural = _("KPI template versions")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="performance_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="performance_version_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.template.code} v{self.number}"

    @property
    def weights(self) -> dict[str, str]:
        """KPI id → weight in percent, as written."""
        return {str(item["id"]): str(item["weight"]) for item in self.items}
