"""Commission terms (effective-dated): the level rate a ``level_rate`` tier pays, per job
level or per employee, and per-employee rate adjustments (PAY-3's −0.5 pt) with a reason.

They live here, not in compensation (which sits above incentives): a run reads them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Employee, JobLevel


class TermsKind(models.TextChoices):
    LEVEL_RATE = "level_rate", _("Level commission rate")
    ADJUSTMENT = "adjustment", _("Rate adjustment")


class CommissionTerms(models.Model):
    """From ``valid_from`` until the next row of the same kind and holder, ``rate`` is in
    force. An employee's own level rate wins over their job level's; an adjustment is
    always an employee's (a rate of 0 ends it)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TermsKind.choices)
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commission_terms",
    )
    level = models.ForeignKey(
        JobLevel,
        verbose_name=_("job level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commission_terms",
    )
    valid_from = models.DateField(_("valid from"))
    rate = models.DecimalField(_("rate"), max_digits=9, decimal_places=6)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "employee_id", "level_id", "valid_from"]
        verbose_name = _("commission terms")
        verbose_name_plural = _("commission terms")
        constraints = [
            models.CheckConstraint(
                condition=(Q(employee__isnull=False) & Q(level__isnull=True))
                | (Q(employee__isnull=True) & Q(level__isnull=False) & Q(kind="level_rate")),
                name="incentives_terms_one_holder",
            ),
            models.UniqueConstraint(
                fields=["kind", "employee", "valid_from"],
                condition=Q(employee__isnull=False),
                name="incentives_terms_employee_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "level", "valid_from"],
                condition=Q(level__isnull=False),
                name="incentives_terms_level_unique",
            ),
        ]

    def __str__(self) -> str:
        holder = self.employee_id or f"L{self.level_id}"
        return f"{self.kind} {holder} {self.rate} from {self.valid_from}"
