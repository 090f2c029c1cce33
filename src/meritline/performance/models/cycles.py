"""Cycles and appraisals (PRF-3, PRF-4): one appraisal per employee per cycle, with the
template frozen at cycle start and the scores, grade and bonus coefficient stored."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Department, Employee, Platform

SCORE = {"max_digits": 9, "decimal_places": 2}


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SCORING = "scoring", _("Scored")
    CALIBRATION = "calibration", _("In calibration")
    CLOSED = "closed", _("Closed")


class Cycle(models.Model):
    """An appraisal cycle of one platform (or company-wide when ``platform`` is empty)
    for one period. Its rules (team weight, points cap, grade table, guideline, rater
    rules) are fixed when it opens."""

    platform = models.ForeignKey(
        Platform,
        verbose_name=_("sales platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="performance_cycles",
    )
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    period = models.CharField(_("period"), max_length=8)
    as_of = models.DateField(_("people and templates as of"))
    status = models.CharField(
        _("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    team_weight = models.DecimalField(
        _("team weight (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    max_points = models.DecimalField(
        _("maximum additive points"), max_digits=7, decimal_places=2, default=Decimal(10)
    )
    normalise = models.BooleanField(_("normalise rater leniency"), default=False)
    grades = models.JSONField(_("grade table"))
    guideline = models.JSONField(_("guideline distribution"), default=dict, blank=True)
    rater_rules = models.JSONField(_("rater group weights"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "platform_id"]
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        constraints = [
            models.UniqueConstraint(fields=["platform", "period"], name="performance_cycle_unique"),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(platform__isnull=True),
                name="performance_cycle_company_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        where = self.platform.name if self.platform_id else str(_("Company-wide"))
        return f"{where} {self.period}"

    @property
    def locked(self) -> bool:
        return self.status == CycleStatus.CLOSED


class Appraisal(models.Model):
    """One employee in one cycle. ``template`` is a frozen copy of the template version's
    items at cycle start; ``kpis`` holds, per KPI id, the value fetched (num/den), the
    target used, the attainment, score and status; ``manual`` the manual values with
    their evidence."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="appraisals")
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="appraisals"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    template_version = models.ForeignKey(
        "performance.KpiTemplateVersion", on_delete=models.PROTECT, related_name="appraisals"
    )
    template = models.JSONField(_("KPI template (frozen)"))
    manual = models.JSONField(_("manual values"), default=dict, blank=True)
    kpis = models.JSONField(_("KPI values and scores"), default=dict, blank=True)
    individual_score = models.DecimalField(_("individual score"), null=True, **SCORE)
    team_score = models.DecimalField(_("team score"), null=True, **SCORE)
    points = models.DecimalField(_("points applied"), null=True, **SCORE)
    final_score = models.DecimalField(_("final score"), null=True, **SCORE)
    grade = models.CharField(_("grade"), max_length=8, blank=True)
    coefficient = models.DecimalField(
        _("bonus coefficient"), max_digits=7, decimal_places=4, null=True
    )
    calibrated_grade = models.CharField(_("calibrated grade"), max_length=8, blank=True)
    calibration_reason = models.CharField(_("calibration reason"), max_length=500, blank=True)
    calibrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("calibrated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    calibrated_at = models.DateTimeField(_("calibrated at"), null=True, blank=True)

    class Meta:
        ordering = ["cycle_id", "employee_id"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "employee"], name="performance_appraisal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}@{self.cycle_id}"

    @property
    def effective_grade(self) -> str:
        """The grade after calibration (the computed one when not calibrated)."""
        return self.calibrated_grade or self.grade
