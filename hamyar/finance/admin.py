"""Finance in the Django admin: to read and search. Money and states change only through the services
(with their locks and audit events), so nothing here is editable."""

from django.contrib import admin

from .models import CommissionSettlement, Invoice, InvoiceLine, Payment


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ("description", "quantity", "unit", "unit_price", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ("paid_on", "reference", "method", "amount", "recorded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "organization",
        "municipality",
        "provider",
        "status",
        "issue_date",
        "due_date",
        "total",
        "paid_amount",
    )
    list_filter = ("status", "organization")
    search_fields = ("number", "municipality__name", "provider__name")
    list_select_related = ("organization", "municipality", "provider")
    date_hierarchy = "issue_date"
    readonly_fields = [f.name for f in Invoice._meta.fields]
    inlines = [InvoiceLineInline, PaymentInline]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "description", "quantity", "unit_price", "amount")
    search_fields = ("invoice__number", "description")
    list_select_related = ("invoice",)
    readonly_fields = [f.name for f in InvoiceLine._meta.fields]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "organization", "invoice", "paid_on", "method", "amount", "recorded_by")
    list_filter = ("method", "organization")
    search_fields = ("reference", "invoice__number")
    list_select_related = ("organization", "invoice", "recorded_by")
    date_hierarchy = "paid_on"
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(CommissionSettlement)
class CommissionSettlementAdmin(ReadOnlyAdmin):
    list_display = (
        "supplier",
        "agreement",
        "period_start",
        "period_end",
        "sales_total",
        "commission_amount",
        "status",
        "reference",
    )
    list_filter = ("status", "organization")
    search_fields = ("supplier__name", "agreement__number", "reference")
    list_select_related = ("supplier", "agreement")
    readonly_fields = [f.name for f in CommissionSettlement._meta.fields]
