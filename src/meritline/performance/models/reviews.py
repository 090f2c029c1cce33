"""Multi-rater reviews (PRF-5): who rates an appraisal, their answers per rating item,
the review deadline of a cycle, and customers' one-time links (stored hashed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Employee
from meritline.performance.models.cycles import Appraisal, Cycle
from meritline.sales.models import Customer


class ReviewGroup(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")
    PEER = "peer", _("Peer")
    SUBORDINATE = "subordinate", _("Subordinate")
    CUSTOMER = "customer", _("Customer")
    SELF = "self", _("Self")


class ReviewWindow(models.Model):
    """The review deadline of a cycle (inclusive; answers are refused from the next day)."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="review_window")
    deadline = models.DateField(_("review deadline"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review deadline")
        verbose_name_plural = _("review deadlines")

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.deadline}"


class ReviewAssignment(models.Model):
    """One rater asked to rate one appraisal. An employee rates as supervisor, peer,
    subordinate or self; a customer rates through a one-time link whose token is kept
    only as its SHA-256 hash."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="review_assignments"
    )
    group = models.CharField(_("rater group"), max_length=16, choices=ReviewGroup.choices)
    rater = models.ForeignKey(
        Employee,
        verbose_name=_("rater"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.CharField(_("customer contact"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    link_expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    deadline = models.DateField(_("own deadline"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appraisal_id", "group", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "rater"],
                condition=Q(rater__isnull=False),
                name="performance_review_rater_unique",
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="performance_review_token_unique",
            ),
            models.CheckConstraint(
                condition=(Q(group="customer") & Q(rater__isnull=True))
                | (~Q(group="customer") & Q(rater__isnull=False)),
                name="performance_review_rater_kind",
            ),
        ]
        indexes = [models.Index(fields=["rater", "submitted_at"], name="performance_review_todo")]

    def __str__(self) -> str:
        return f"{self.group}@{self.appraisal_id}"

    @property
    def answered(self) -> bool:
        return self.submitted_at is not None

    @property
    def rater_label(self) -> str:
        if self.rater_id:
            return str(self.rater.name)
        name = self.customer.name if self.customer_id else ""
        return " · ".join(part for part in (name, self.contact) if part) or str(_("Customer"))


class ReviewAnswer(models.Model):
    """A rater's score on one rating item of the appraisal's frozen template."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.CharField(_("rating item"), max_length=64)
    score = models.DecimalField(_("rating"), max_digits=7, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment_id", "item"]
        verbose_name = _("review answer")
        verbose_name_plural = _("review answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "item"], name="performance_review_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}:{self.item}={self.score}"
