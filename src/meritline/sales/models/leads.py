"""Leads and their lifecycle (LED-1), qualification (LED-2), ownership disputes (LED-3) and
SLA alerts (LED-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Employee, Platform
from meritline.sales.models.customers import MANUAL_SOURCE, Customer


class SourceKind(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SELF_SOURCED = "self_sourced", _("Self-sourced")
    REFERRAL = "referral", _("Referral")


class Step(models.TextChoices):
    """The chain of seed 004, in order, and ``lost`` which may end it at any point."""

    ENTERED = "entered", _("Entered")
    VISITED = "visited", _("Visited")
    RECEIVED = "received", _("Received by sales")
    INTENT = "intent", _("Intent registered")
    CONTRACT = "contract", _("Contract archived")
    SETTLED = "settled", _("Performance settled")
    LOST = "lost", _("Lost")


CHAIN: tuple[str, ...] = (
    Step.ENTERED,
    Step.VISITED,
    Step.RECEIVED,
    Step.INTENT,
    Step.CONTRACT,
    Step.SETTLED,
)
TERMINAL = frozenset({Step.SETTLED, Step.LOST})


class Lead(models.Model):
    source = models.CharField(_("source system"), max_length=32, default=MANUAL_SOURCE)
    external_id = models.CharField(_("external id"), max_length=64)
    number = models.CharField(_("lead number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    company_name = models.CharField(_("company"), max_length=200)
    company_name_normalised = models.CharField(max_length=200, db_index=True, editable=False)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_phone_normalised = models.CharField(
        max_length=32, blank=True, db_index=True, editable=False
    )
    contact_email = models.CharField(_("contact e-mail"), max_length=254, blank=True)
    contact_email_normalised = models.CharField(
        max_length=254, blank=True, db_index=True, editable=False
    )
    source_kind = models.CharField(_("lead source"), max_length=16, choices=SourceKind.choices)
    source_employee = models.ForeignKey(
        Employee,
        verbose_name=_("brought by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="brought_leads",
    )
    referrer_name = models.CharField(_("referrer"), max_length=100, blank=True)
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_leads",
    )
    platform = models.ForeignKey(
        Platform, verbose_name=_("sales platform"), on_delete=models.PROTECT, related_name="+"
    )
    # The current step and since when: a cache of the latest LeadStep row.
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.ENTERED)
    step_at = models.DateTimeField(_("step reached at"))
    entered_at = models.DateTimeField(_("entered at"))
    lost_reason = models.CharField(_("reason lost"), max_length=255, blank=True)
    qualification_standard = models.ForeignKey(
        "QualificationStandard",
        verbose_name=_("qualification standard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    qualified = models.BooleanField(_("qualified"), null=True, blank=True)
    qualification_failures = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="sales_lead_unique_key")
        ]
        indexes = [
            models.Index(fields=["source_kind", "step"], name="sales_lead_kind_step"),
            models.Index(fields=["owner", "step"], name="sales_lead_owner_step"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.company_name}"

    @property
    def responsible_id(self) -> int | None:
        """Who must move the lead on: its owner, or whoever brought it while unassigned."""
        return self.owner_id or self.source_employee_id


class LeadStep(models.Model):
    """One step of a lead's chain: when it happened and who owned the lead then."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    at = models.DateTimeField(_("time"))
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["lead_id", "at", "id"]
        verbose_name = _("lead step")
        verbose_name_plural = _("lead steps")
        constraints = [
            models.UniqueConstraint(fields=["lead", "step"], name="sales_leadstep_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.step} {self.at}"


class QualificationStandard(models.Model):
    """What a qualified lead must have (LED-2), from ``valid_from``; ``criteria`` is a list
    of structured rules checked by ``sales.qualification``."""

    valid_from = models.DateField(_("valid from"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    criteria = models.JSONField(_("criteria"), default=list)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("lead qualification standard")
        verbose_name_plural = _("lead qualification standards")

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from})"


class DisputeKind(models.TextChoices):
    SOURCE = "source", _("Who brought the lead")
    OWNER = "owner", _("Who works the lead")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class LeadDispute(models.Model):
    """A claim on a lead's source or owner, decided by HR or a sales director (LED-3)."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="disputes")
    kind = models.CharField(
        _("what is disputed"),
        max_length=16,
        choices=DisputeKind.choices,
        default=DisputeKind.SOURCE,
    )
    claimant = models.ForeignKey(
        Employee, verbose_name=_("claimant"), on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    claim = models.TextField(_("claim"))
    status = models.CharField(
        _("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    awarded_to = models.ForeignKey(
        Employee,
        verbose_name=_("awarded to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    awarded_source_kind = models.CharField(
        _("lead source decided"), max_length=16, choices=SourceKind.choices, blank=True
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("lead dispute")
        verbose_name_plural = _("lead disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=Q(status="open"),
                name="sales_dispute_one_open_per_lead",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.kind} {self.status}"


class SlaRule(models.Model):
    """From ``valid_from``, a lead may stay at ``step`` at most ``max_hours`` (0: no limit)."""

    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    max_hours = models.PositiveIntegerField(_("maximum hours"))
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step", "valid_from"]
        verbose_name = _("lead SLA rule")
        verbose_name_plural = _("lead SLA rules")
        constraints = [
            models.UniqueConstraint(fields=["step", "valid_from"], name="sales_slarule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.step} ≤ {self.max_hours} h from {self.valid_from}"


class LeadAlert(models.Model):
    """A lead overdue at a step; resolved when the lead moves on (or the rule relaxes)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="alerts")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    due_at = models.DateTimeField(_("due at"))
    responsible = models.ForeignKey(
        Employee,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_alerts",
    )
    raised_at = models.DateTimeField(_("raised at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("lead SLA alert")
        verbose_name_plural = _("lead SLA alerts")
        constraints = [
            models.UniqueConstraint(fields=["lead", "step"], name="sales_leadalert_unique")
        ]
        indexes = [
            models.Index(fields=["resolved_at", "responsible"], name="sales_alert_open_resp"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.step} due {self.due_at}"
