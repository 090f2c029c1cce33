"""Customers, keyed by the system they come from (PLT-7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Platform, Region

MANUAL_SOURCE = "meritline"


class CustomerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SMB = "smb", _("Small business")


class Customer(models.Model):
    source = models.CharField(_("source system"), max_length=32, default=MANUAL_SOURCE)
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_normalised = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CustomerKind.choices, default=CustomerKind.SMB
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    platform = models.ForeignKey(
        Platform, verbose_name=_("sales platform"), on_delete=models.PROTECT, related_name="+"
    )
    # Maintained by the deal services: the first signed, not cancelled deal.
    first_purchase_on = models.DateField(_("first purchase"), null=True, blank=True)
    phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    phone_normalised = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    email = models.CharField(_("contact e-mail"), max_length=254, blank=True)
    email_normalised = models.CharField(max_length=254, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="sales_customer_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enterprise(self) -> bool:
        return self.kind == CustomerKind.ENTERPRISE
