"""The audit log in the admin: to read and search, never to add, change or delete."""

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("sequence", "organization", "created_at", "actor_label", "action", "object_type",
                    "object_repr")
    list_filter = ("organization", "action", "object_type")
    search_fields = ("action", "object_type", "object_id", "object_repr", "actor_label")
    list_select_related = ("organization",)
    date_hierarchy = "created_at"
    ordering = ("organization_id", "-sequence")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
