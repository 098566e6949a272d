"""Django admin for needs: a superuser's tool for looking rows up.

Needs move only through their transitions (which audit every step), so everything here is
read-only; service levels are set on the organization admin's page, which audits them too.
"""

from django.contrib import admin

from .models import Assignment, Need, NeedAttachment, NeedLine, ServiceLevel


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NeedLineInline(admin.TabularInline):
    model = NeedLine
    fields = ("item", "description", "quantity", "unit")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("provider", "kind", "rank", "score", "is_active", "assigned_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "municipality", "kind", "domain", "status", "provider",
                    "is_capability_gap", "submitted_at", "organization")
    list_filter = ("status", "kind", "is_capability_gap", "organization")
    search_fields = ("number", "title", "municipality__name")
    list_select_related = ("municipality", "domain", "provider", "organization")
    date_hierarchy = "created_at"
    inlines = [NeedLineInline, AssignmentInline]


@admin.register(NeedAttachment)
class NeedAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "need", "content_type", "size", "uploaded_by", "created_at")
    search_fields = ("original_name", "need__number")
    list_select_related = ("need", "uploaded_by")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("need", "provider", "kind", "rank", "score", "is_active", "created_at")
    list_filter = ("kind", "is_active", "organization")
    search_fields = ("need__number", "provider__name")
    list_select_related = ("need", "provider")


@admin.register(ServiceLevel)
class ServiceLevelAdmin(ReadOnlyAdmin):
    list_display = ("domain", "triage_hours", "first_quotation_hours", "delivery_days", "organization")
    list_filter = ("organization",)
    list_select_related = ("domain", "organization")
