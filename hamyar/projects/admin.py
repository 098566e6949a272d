"""Django admin for projects: a superuser's tool for looking rows up.

Projects move only through their services (which audit every step and keep the weighted
progress, the amount in force and the payment requests consistent), so everything here is
read-only.
"""

from django.contrib import admin

from .models import (
    ChangeOrder,
    Milestone,
    PaymentRequest,
    ProgressEntry,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectConstraint,
    ProjectDocument,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ("sequence", "title", "weight", "amount", "planned_start", "due_date", "status", "percent")


class ConstraintInline(ReadOnlyInline):
    model = ProjectConstraint
    fields = ("kind", "title", "milestone", "status", "owner", "due_date")


class EntryInline(ReadOnlyInline):
    model = ProgressEntry
    fields = ("milestone", "percent")


class PhotoInline(ReadOnlyInline):
    model = ProgressPhoto


class DocumentInline(ReadOnlyInline):
    model = ProjectDocument
    fields = ("kind", "title", "original_name", "content_type", "size", "uploaded_by")
    fields = ("original_name", "caption", "width", "height", "size")


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "municipality", "site", "domain", "provider", "status",
                    "contract_amount", "current_amount", "physical_progress", "start_date", "end_date",
                    "organization")
    list_filter = ("status", "organization", "domain")
    search_fields = ("number", "title", "municipality__name", "site__name")
    date_hierarchy = "start_date"
    list_select_related = ("municipality", "site", "domain", "provider", "organization")
    inlines = [MilestoneInline, ConstraintInline, DocumentInline]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("project", "sequence", "title", "weight", "amount", "planned_start", "due_date", "status",
                    "percent")
    list_filter = ("status",)
    search_fields = ("title", "project__number", "project__title")
    list_select_related = ("project",)


@admin.register(ProjectConstraint)
class ProjectConstraintAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "title", "milestone", "status", "owner", "due_date", "resolved_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "owner", "project__number")
    list_select_related = ("project", "milestone")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("project", "reported_on", "physical_progress", "reported_by", "created_at")
    date_hierarchy = "reported_on"
    search_fields = ("project__number", "notes")
    list_select_related = ("project", "reported_by")
    inlines = [EntryInline, PhotoInline]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(ReadOnlyAdmin):
    list_display = ("report", "milestone", "percent")
    list_select_related = ("report", "report__project", "milestone")


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "report", "caption", "width", "height", "size", "created_at")
    search_fields = ("original_name", "caption", "report__project__number")
    list_select_related = ("report", "report__project")


@admin.register(ChangeOrder)
class ChangeOrderAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "amount_change", "new_end_date", "status", "beyond_limit", "requested_by",
                    "decided_by", "decided_at")
    list_filter = ("status", "beyond_limit")
    search_fields = ("project__number", "reason", "decision_note")
    list_select_related = ("project", "requested_by", "decided_by")


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = ("project", "milestone", "amount", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("project__number", "milestone__title")
    list_select_related = ("project", "milestone")


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "project", "kind", "original_name", "content_type", "size", "uploaded_by",
                    "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "original_name", "project__number")
    list_select_related = ("project", "uploaded_by")
