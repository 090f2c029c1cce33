"""Django admin for superusers: a read-only window on org data.

Every change goes through the pages and their services (validated and audited), so the
admin only lists and shows rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from meritline.org import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.LegalEntity)
class LegalEntityAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "credit_code", "parent")
    search_fields = ("code", "name")


@admin.register(models.Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")


@admin.register(models.Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "parent", "entity", "region", "path", "active")
    list_filter = ("entity", "region", "active")
    search_fields = ("code", "name")


@admin.register(models.JobFamily)
class JobFamilyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")


@admin.register(models.JobLevel)
class JobLevelAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "rank", "family")


class PostCriterionInline(admin.TabularInline):
    model = models.PostCriterion
    fields = ("kind", "params", "order")
    extra = 0


class PostCompetencyInline(admin.TabularInline):
    model = models.PostCompetency
    fields = ("name", "competency_code", "order")
    extra = 0


@admin.register(models.Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "is_sales_post", "ladder_order", "next_position")
    list_filter = ("is_sales_post",)
    inlines = (PostCriterionInline, PostCompetencyInline)


@admin.register(models.Platform)
class PlatformAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "launched_on", "stage")


class AssignmentInline(admin.TabularInline):
    model = models.Assignment
    fk_name = "employee"
    fields = ("valid_from", "valid_to", "department", "position", "level", "manager", "reason")
    extra = 0


@admin.register(models.Employee)
class EmployeeAdmin(ReadOnlyAdmin):
    list_display = ("employee_no", "name", "entity", "hire_date", "status", "leave_date")
    list_filter = ("status", "entity")
    search_fields = ("employee_no", "name")
    exclude = ("id_number_encrypted", "id_number_index")
    inlines = (AssignmentInline,)


@admin.register(models.Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("employee", "valid_from", "valid_to", "department", "position", "manager")
    list_filter = ("department",)


@admin.register(models.RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "region", "department")
    list_filter = ("role",)


@admin.register(models.ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "file_name", "committed", "total_rows", "error_count")
