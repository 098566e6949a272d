"""Django admin for transparency: a superuser's tool for looking rows up.

The publication policy changes on its own page by the organization's admin (audited), and bulk files are
built by their task, so both are read-only here.
"""

from django.contrib import admin

from .models import OcdsExport, PublicationPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicationPolicy)
class PublicationPolicyAdmin(ReadOnlyAdmin):
    list_display = ("organization", "kinds", "updated_at")
    search_fields = ("organization__name",)


@admin.register(OcdsExport)
class OcdsExportAdmin(ReadOnlyAdmin):
    list_display = ("organization", "status", "releases", "finished_at")
    list_filter = ("status",)
    search_fields = ("organization__name", "sha256")
