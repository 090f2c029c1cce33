"""Platform stage history and the big-client threshold, both effective-dated (PRF-1, PAY-5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Platform
from meritline.org.models import PlatformStage as Stage


class PlatformStage(models.Model):
    """A platform is in ``stage`` from ``valid_from`` until the next row of its history."""

    platform = models.ForeignKey(
        Platform,
        verbose_name=_("sales platform"),
        on_delete=models.CASCADE,
        related_name="stage_history",
    )
    stage = models.CharField(_("maturity stage"), max_length=16, choices=Stage.choices)
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform_id", "valid_from"]
        verbose_name = _("platform stage")
        verbose_name_plural = _("platform stage history")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "valid_from"], name="sales_platformstage_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} {self.stage} {self.valid_from}"


class SegmentThreshold(models.Model):
    """From ``valid_from`` a deal of at least ``big_client_min_fen`` is a big-client deal."""

    valid_from = models.DateField(_("valid from"), unique=True)
    big_client_min_fen = models.BigIntegerField(_("big-client threshold"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("big-client threshold")
        verbose_name_plural = _("big-client thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(big_client_min_fen__gt=0), name="sales_threshold_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.big_client_min_fen}"
