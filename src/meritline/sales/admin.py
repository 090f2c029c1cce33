"""Django admin for superusers: read-only lists of sales data (writes go through the
services, validated and audited)."""

from __future__ import annotations

from django.contrib import admin

from meritline.org.admin import ReadOnlyAdmin
from meritline.sales import models


@admin.register(models.PlatformStage)
class PlatformStageAdmin(ReadOnlyAdmin):
    list_display = ("platform", "stage", "valid_from", "note")
    list_filter = ("stage", "platform")


@admin.register(models.SegmentThreshold)
class SegmentThresholdAdmin(ReadOnlyAdmin):
    list_display = ("valid_from", "big_client_min_fen", "note")


@admin.register(models.Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "industry", "region", "platform", "first_purchase_on", "source")
    list_filter = ("kind", "platform", "region")
    search_fields = ("name", "name_normalised", "external_id")


class LeadStepInline(admin.TabularInline):
    model = models.LeadStep
    fields = ("step", "at", "owner", "note")
    extra = 0


@admin.register(models.Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "company_name",
        "source_kind",
        "source_employee",
        "owner",
        "platform",
        "step",
        "step_at",
        "qualified",
    )
    list_filter = ("source_kind", "step", "qualified", "platform")
    search_fields = ("number", "company_name", "external_id")
    inlines = (LeadStepInline,)


@admin.register(models.QualificationStandard)
class QualificationStandardAdmin(ReadOnlyAdmin):
    list_display = ("valid_from", "name", "criteria")


@admin.register(models.LeadDispute)
class LeadDisputeAdmin(ReadOnlyAdmin):
    list_display = ("lead", "kind", "claimant", "status", "awarded_to", "decided_by", "raised_at")
    list_filter = ("status", "kind")


@admin.register(models.SlaRule)
class SlaRuleAdmin(ReadOnlyAdmin):
    list_display = ("step", "max_hours", "valid_from")


@admin.register(models.LeadAlert)
class LeadAlertAdmin(ReadOnlyAdmin):
    list_display = ("lead", "step", "due_at", "responsible", "raised_at", "resolved_at")
    list_filter = ("step",)


class DealSplitInline(admin.TabularInline):
    model = models.DealSplit
    fields = ("employee", "share")
    extra = 0


@admin.register(models.Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "signed_on",
        "amount_fen",
        "customer",
        "owner",
        "platform",
        "status",
        "is_repurchase",
        "collected_fen",
        "refunded_fen",
    )
    list_filter = ("status", "is_repurchase", "platform")
    search_fields = ("number", "external_id")
    date_hierarchy = "signed_on"
    inlines = (DealSplitInline,)


@admin.register(models.Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ("deal", "received_on", "amount_fen", "source", "external_id")


@admin.register(models.Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("deal", "refunded_on", "amount_fen", "kind", "reason")
    list_filter = ("kind",)
