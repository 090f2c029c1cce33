"""Targets cascading company → platform → team (department) → employee (PRF-1), and
team collaboration points / project breakthrough awards (PRF-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meritline.org.models import Department, Employee, Platform


class TargetLevel(models.TextChoices):
    COMPANY = "company", _("Company")
    PLATFORM = "platform", _("Platform")
    TEAM = "team", _("Team")
    EMPLOYEE = "employee", _("Employee")


class Target(models.Model):
    """A target of one owner for one period and KPI key (a metric name, or a manual or
    rating KPI's id). A team target belongs to a department on a platform (or on none,
    under the company directly); an employee target records the platform and team it
    rolls up to."""

    level = models.CharField(_("level"), max_length=16, choices=TargetLevel.choices)
    owner_key = models.CharField(max_length=64, editable=False)
    platform = models.ForeignKey(
        Platform, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    period = models.CharField(_("period"), max_length=8)
    metric = models.CharField(_("KPI"), max_length=64)
    value = models.DecimalField(pgettext_lazy("KPI", "target"), max_digits=24, decimal_places=6)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "metric", "level", "owner_key"]
        verbose_name = pgettext_lazy("KPI", "target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_key", "period", "metric"], name="performance_target_unique"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="performance_target_not_neg"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_key} {self.period} {self.metric}={self.value}"

    @property
    def parent_key(self) -> str | None:
        """The owner key of the target this one rolls up to (None for the company)."""
        if self.level == TargetLevel.PLATFORM:
            return "company"
        if self.level == TargetLevel.TEAM:
            return f"p{self.platform_id}" if self.platform_id else "company"
        if self.level == TargetLevel.EMPLOYEE:
            return team_key(self.platform_id, self.department_id)
        return None


def team_key(platform_id: int | None, department_id: int | None) -> str:
    return f"p{platform_id or 0}-d{department_id}"


def owner_key(
    level: str, *, platform_id: int | None, department_id: int | None, employee_id: int | None
) -> str:
    """The unique key of a target's owner at its level."""
    if level == TargetLevel.COMPANY:
        return "company"
    if level == TargetLevel.PLATFORM:
        return f"p{platform_id}"
    if level == TargetLevel.TEAM:
        return team_key(platform_id, department_id)
    return f"e{employee_id}"


class AwardKind(models.TextChoices):
    COLLABORATION = "collaboration", _("Team collaboration points")
    BREAKTHROUGH = "breakthrough", _("Project breakthrough award")


class TeamAward(models.Model):
    """Additive points for one appraisal, or for every appraisal of a team in a cycle,
    with who granted them and why."""

    cycle = models.ForeignKey("performance.Cycle", on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("kind"), max_length=16, choices=AwardKind.choices)
    appraisal = models.ForeignKey(
        "performance.Appraisal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="awards",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle_id", "granted_at", "id"]
        verbose_name = _("team award")
        verbose_name_plural = _("team awards")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="performance_award_positive"),
            models.CheckConstraint(
                condition=Q(appraisal__isnull=False, department__isnull=True)
                | Q(appraisal__isnull=True, department__isnull=False),
                name="performance_award_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points}"
