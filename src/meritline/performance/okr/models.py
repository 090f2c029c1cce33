"""OKR records: periods (quarters), objectives aligned in a tree, key results with their
weights, and check-ins (the history of every KR's value)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meritline.org.models import Department, Employee
from meritline.performance.okr import scoring

VALUE = {"max_digits": 20, "decimal_places": 4}


class PeriodStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("okr period", "Open")
    CLOSED = "closed", pgettext_lazy("okr period", "Closed")


class OkrPeriod(models.Model):
    """A quarter OKRs are set for ("2026-Q4"); once closed nothing in it changes."""

    code = models.CharField(_("period"), max_length=16, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("OKR period")
        verbose_name_plural = _("OKR periods")

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN


class Level(models.TextChoices):
    COMPANY = "company", _("Company")
    TEAM = "team", _("Team")
    PERSON = "person", _("Person")


LEVEL_RANK = {Level.COMPANY: 0, Level.TEAM: 1, Level.PERSON: 2}


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone in the company")
    PRIVATE = "private", _("Owner, their managers and HR")


class GradeStatus(models.TextChoices):
    NONE = "", _("Not graded")
    SUBMITTED = "submitted", _("Graded by the owner")
    REVIEWED = "reviewed", _("Reviewed by the manager")


class Objective(models.Model):
    period = models.ForeignKey(OkrPeriod, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(_("objective"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    owner = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="okr_objectives", verbose_name=_("owner")
    )
    team = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="okr_objectives",
        verbose_name=_("team"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("aligned to"),
    )
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    self_score = models.DecimalField(
        _("owner's grade"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    self_note = models.TextField(_("owner's note"), blank=True)
    final_score = models.DecimalField(
        _("final grade"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    grade_status = models.CharField(
        _("grading"), max_length=16, choices=GradeStatus.choices, default="", blank=True
    )
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "level", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title

    def score(self) -> Decimal:
        """The weighted score of the KRs (prefetch ``key_results`` for lists)."""
        return scoring.objective_score([(kr.weight, kr.score()) for kr in self.key_results.all()])


class Measure(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percentage")
    CURRENCY = "currency", _("Amount of money")
    MILESTONE = "milestone", _("Milestone (done or not)")


class KeyResult(models.Model):
    """Values are numbers; percentages in points (35.5 = 35.5 %); money in fen (whole);
    a milestone runs from 0 (not done) to 1 (done)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("key result"), max_length=200)
    measure = models.CharField(_("measured as"), max_length=16, choices=Measure.choices)
    start_value = models.DecimalField(_("start"), **VALUE, default=Decimal(0))
    target_value = models.DecimalField(pgettext_lazy("okr", "target"), **VALUE, default=Decimal(1))
    current_value = models.DecimalField(_("current value"), **VALUE, default=Decimal(0))
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    metric = models.CharField(_("computed from the metric"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["objective", "order", "pk"]
        verbose_name = _("key result")
        verbose_name_plural = _("key results")

    def __str__(self) -> str:
        return self.title

    def score(self) -> Decimal:
        return score_of(self.measure, self.start_value, self.target_value, self.current_value)


def score_of(measure: str, start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    if measure == Measure.MILESTONE:
        return scoring.milestone_score(current >= 1)
    return scoring.kr_score(start, target, current)


class Confidence(models.TextChoices):
    HIGH = "high", _("On track")
    MEDIUM = "medium", _("At risk")
    LOW = "low", _("Off track")


class CheckInSource(models.TextChoices):
    MANUAL = "manual", _("Typed")
    METRIC = "metric", _("Sales data")


class CheckIn(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    previous_value = models.DecimalField(_("previous value"), **VALUE)
    value = models.DecimalField(_("value"), **VALUE)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=4)
    objective_score = models.DecimalField(_("objective score"), max_digits=5, decimal_places=4)
    confidence = models.CharField(_("confidence"), max_length=16, choices=Confidence.choices)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=CheckInSource.choices, default=CheckInSource.MANUAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    author_name = models.CharField(_("by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.key_result_id}: {self.value}"
