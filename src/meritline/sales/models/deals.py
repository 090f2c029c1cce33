"""Deals (contracts) with credited splits, collections (回款) and refunds, in integer fen."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meritline.org.models import Employee, Platform
from meritline.sales.models.customers import MANUAL_SOURCE, Customer
from meritline.sales.models.leads import Lead


class DealStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class Segment(models.TextChoices):
    BIG_CLIENT = "big", _("Big client")
    SMALL = "small", _("Small deal")


class Deal(models.Model):
    source = models.CharField(_("source system"), max_length=32, default=MANUAL_SOURCE)
    external_id = models.CharField(_("external id"), max_length=64)
    number = models.CharField(_("contract number"), max_length=64, blank=True)
    signed_on = models.DateField(_("signed on"))
    amount_fen = models.BigIntegerField(_("contract amount"))
    cost_fen = models.BigIntegerField(_("cost"), default=0)
    # Few indexes on purpose: a million-row import maintains each of them (the FK indexes
    # on customer and owner are covered by the (customer|owner, signed_on) ones). For the
    # same reason these references (and the lead) are checked by the deal services, not by
    # per-row database triggers; deletions are still refused (PROTECT) by Django.
    platform = models.ForeignKey(
        Platform,
        verbose_name=_("sales platform"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="deals",
        db_index=False,
        db_constraint=False,
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_deals",
        db_index=False,
        db_constraint=False,
    )
    lead = models.ForeignKey(
        Lead,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
        db_index=False,  # a partial index below: most deals have no lead
        db_constraint=False,
    )
    products = models.JSONField(_("products"), default=list, blank=True)
    # A digest of the row as last imported: an identical row is recognised without
    # reading the deal back (idempotent re-imports of a million rows).
    fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    # Derived by the deal services: the customer signed an earlier (not cancelled) deal.
    is_repurchase = models.BooleanField(_("repurchase"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=DealStatus.choices, default=DealStatus.ACTIVE
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    # Running totals kept by the collection and refund services (checked under a row lock).
    collected_fen = models.BigIntegerField(_("collected"), default=0)
    refunded_fen = models.BigIntegerField(_("refunded"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="sales_deal_unique_key"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="sales_deal_amount_pos"),
            models.CheckConstraint(condition=Q(cost_fen__gte=0), name="sales_deal_cost_nonneg"),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0) & Q(refunded_fen__lte=F("amount_fen")),
                name="sales_deal_refunded_range",
            ),
            models.CheckConstraint(
                condition=Q(collected_fen__gte=0), name="sales_deal_collected_nonneg"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "signed_on"], name="sales_deal_owner_signed"),
            models.Index(fields=["customer", "signed_on"], name="sales_deal_customer_signed"),
            models.Index(
                fields=["lead"], condition=Q(lead__isnull=False), name="sales_deal_lead_partial"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.source}:{self.external_id}"

    @property
    def net_fen(self) -> int:
        """The contract amount less what was refunded."""
        return self.amount_fen - self.refunded_fen

    @property
    def is_cancelled(self) -> bool:
        return self.status == DealStatus.CANCELLED


class DealSplit(models.Model):
    """A credited person's share of a deal; a deal's shares add up to exactly 1."""

    # Checked by the deal services rather than by per-row deferred triggers, which would
    # run a million lookups at the commit of a large import (see Deal). The deal index is
    # covered by the (deal, employee) unique index.
    deal = models.ForeignKey(
        Deal,
        on_delete=models.CASCADE,
        related_name="splits",
        db_index=False,
        db_constraint=False,
    )
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="deal_splits",
        db_constraint=False,
    )
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["deal_id", "-share", "id"]
        verbose_name = _("deal split")
        verbose_name_plural = _("deal splits")
        constraints = [
            models.UniqueConstraint(fields=["deal", "employee"], name="sales_split_unique"),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="sales_split_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id} {self.employee_id} {self.share}"


class Collection(models.Model):
    """Money received on a deal (回款); a deal may be paid in several parts."""

    source = models.CharField(_("source system"), max_length=32, default=MANUAL_SOURCE)
    external_id = models.CharField(_("external id"), max_length=64)
    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="collections"
    )
    received_on = models.DateField(_("received on"), db_index=True)
    amount_fen = models.BigIntegerField(_("amount"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deal_id", "received_on", "id"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="sales_collection_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="sales_collection_amount_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id} +{self.amount_fen} {self.received_on}"


class RefundKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    CANCELLATION = "cancellation", _("Cancellation")


class Refund(models.Model):
    """A negative line on a deal: ``amount_fen`` (> 0) is taken off the contract amount.

    When the refunds reach the whole amount the deal is cancelled.
    """

    source = models.CharField(_("source system"), max_length=32, default=MANUAL_SOURCE)
    external_id = models.CharField(_("external id"), max_length=64)
    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="refunds"
    )
    refunded_on = models.DateField(_("refunded on"), db_index=True)
    amount_fen = models.BigIntegerField(_("amount"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=RefundKind.choices, default=RefundKind.REFUND
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deal_id", "refunded_on", "id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="sales_refund_unique_key"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="sales_refund_amount_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id} -{self.amount_fen} {self.refunded_on}"
