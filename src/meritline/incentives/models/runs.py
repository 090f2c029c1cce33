"""Calculation runs, their result lines, per-payee statement totals, the state carried to
the next period, and disputes about a line."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meritline.incentives.models.plans import Plan, PlanVersion
from meritline.org.models import Employee

# Lines the Django layer adds to a run beside the engine's (late changes, disputes).
ADJUSTMENT_KIND = "adjustment"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")


class Run(models.Model):
    """One calculation of (plan version, period, scope). Draft runs are recalculated at
    will; approved and closed ones are locked. ``scope`` is ``all`` or a department code."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="runs")
    period = models.CharField(_("period"), max_length=16)
    scope = models.CharField(_("scope"), max_length=32, default="all")
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    calculated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    payable_fen = models.BigIntegerField(_("payable"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("calculation run")
        verbose_name_plural = _("calculation runs")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_version", "period", "scope"], name="incentives_run_unique"
            )
        ]
        indexes = [models.Index(fields=["period", "status"], name="incentives_run_period")]

    def __str__(self) -> str:
        return f"{self.plan_version_id} {self.period} {self.scope}"

    @property
    def is_locked(self) -> bool:
        return self.status != RunStatus.DRAFT


class ResultLine(models.Model):
    """One line of a run: the engine's (``LINE_SCHEMA``) or an adjustment added by the
    services (``line_kind = adjustment``, with ``adjustment_reason``)."""

    # Indexes: only what the queries need (a run may save millions of lines, and every
    # index slows the COPY). (run, payee) serves a run's lines and a statement's; a
    # payee's lines are always read within a run.
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="lines", db_index=False)
    payee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        related_name="incentive_lines",
        db_constraint=False,
        db_index=False,
    )
    component_id = models.CharField(_("component"), max_length=64)
    line_kind = models.CharField(_("kind"), max_length=16)
    source = models.CharField(_("source"), max_length=8)  # deal / lead / count / payee
    source_id = models.BigIntegerField(_("source record"), null=True, blank=True)
    source_label = models.CharField(_("source label"), max_length=64, blank=True)
    base_fen = models.BigIntegerField(_("base"), default=0)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=6, null=True, blank=True)
    tier_index = models.SmallIntegerField(_("tier"), null=True, blank=True)
    tier_label = models.CharField(_("tier"), max_length=64, blank=True)
    modifiers = models.JSONField(_("modifiers"), default=list, blank=True)
    share = models.DecimalField(_("share"), max_digits=9, decimal_places=6, null=True, blank=True)
    quantity = models.BigIntegerField(_("quantity"), null=True, blank=True)
    cumulative_fen = models.BigIntegerField(null=True, blank=True)
    total_fen = models.BigIntegerField(null=True, blank=True)
    gate_met = models.BooleanField(null=True, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    gross_fen = models.BigIntegerField(_("gross"), default=0)
    amount_fen = models.BigIntegerField(_("amount"))
    explanation_code = models.CharField(max_length=32)
    explanation_params = models.JSONField(default=dict, blank=True)
    adjustment_reason = models.TextField(_("adjustment reason"), blank=True)
    # For an adjustment: the period it corrects (late change) or the disputed line.
    adjusts_period = models.CharField(max_length=16, blank=True)
    dispute = models.ForeignKey(
        "LineDispute",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["run_id", "payee_id", "id"]
        verbose_name = _("result line")
        verbose_name_plural = _("result lines")
        indexes = [
            models.Index(fields=["run", "payee"], name="incentives_line_run_payee"),
            # late changes: what was paid on the changed deals
            models.Index(fields=["source_id"], name="incentives_line_source"),
            # the few adjustment lines of a dispute (SET_NULL when one goes)
            models.Index(
                fields=["dispute"],
                condition=Q(dispute__isnull=False),
                name="incentives_line_dispute",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.payee_id} {self.component_id} {self.amount_fen}"


class StatementTotal(models.Model):
    """A payee's totals in a run (``engine.statements`` plus adjustments), all fen."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="statements")
    payee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="incentive_statements"
    )
    earned_fen = models.BigIntegerField(default=0)
    cap_cut_fen = models.BigIntegerField(default=0)
    held_fen = models.BigIntegerField(default=0)
    released_fen = models.BigIntegerField(default=0)
    clawed_back_fen = models.BigIntegerField(default=0)
    adjustment_fen = models.BigIntegerField(default=0)
    carried_in_fen = models.BigIntegerField(default=0)
    net_fen = models.BigIntegerField(default=0)
    payable_fen = models.BigIntegerField(default=0)
    carried_out_fen = models.BigIntegerField(default=0)
    points = models.BigIntegerField(default=0)
    by_component = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run_id", "payee_id"]
        verbose_name = _("incentive statement")
        verbose_name_plural = _("incentive statements")
        constraints = [
            models.UniqueConstraint(fields=["run", "payee"], name="incentives_statement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.payee_id} {self.payable_fen}"


class CarriedState(models.Model):
    """What a payee's next period starts from under a plan and a run scope
    (``engine.carry_forward``): ``state = {"deal_state": [...], "award_state": [...],
    "balance_fen": n}``. Runs of other scopes of the same plan keep their own."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="carried")
    scope = models.CharField(_("scope"), max_length=32, default="all")
    period = models.CharField(max_length=16)
    payee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="carried")
    state = models.JSONField(default=dict)

    class Meta:
        ordering = ["plan_id", "scope", "period", "payee_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scope", "period", "payee"], name="incentives_carried_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.scope} {self.period} {self.payee_id}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADJUSTED = "adjusted", _("Adjusted")
    REJECTED = "rejected", _("Rejected")


class LineDispute(models.Model):
    """A payee questions a line; finance decides by an adjustment (a line in the next open
    run) or a reasoned rejection, before ``due_at``."""

    line = models.ForeignKey(ResultLine, on_delete=models.PROTECT, related_name="disputes")
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="disputes")
    payee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    due_at = models.DateTimeField(_("answer due"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    adjustment_fen = models.BigIntegerField(_("adjustment"), null=True, blank=True)
    # The run whose lines carry the adjustment (set when a later run picks it up).
    applied_run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("line dispute")
        verbose_name_plural = _("line disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["line"], condition=Q(status="open"), name="incentives_dispute_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.status}"
