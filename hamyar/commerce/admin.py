"""Django admin for commerce: a superuser's tool for looking rows up.

Quotations, orders, deliveries, receipts, ratings, group purchases and complaints change only through
their services (each change audited, each transition checked), so they are read-only here; the policy is
changed on its own page by the organization's admin.
"""

from django.contrib import admin

from .models import (
    CommercePolicy,
    Complaint,
    ComplaintAttachment,
    Delivery,
    DeliveryLine,
    GroupPurchase,
    GroupPurchaseItem,
    Order,
    OrderLine,
    Participant,
    Quotation,
    QuotationLine,
    Rating,
    Receipt,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuotationLineInline(admin.TabularInline):
    model = QuotationLine
    extra = 0
    can_delete = False
    fields = ("description", "quantity", "unit", "list_price", "unit_price", "price_reason", "amount")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CommercePolicy)
class CommercePolicyAdmin(ReadOnlyAdmin):
    list_display = (
        "organization",
        "deputy_approval_above",
        "mayor_approval_above",
        "quotation_validity_days",
    )


@admin.register(Quotation)
class QuotationAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "revision",
        "need",
        "provider",
        "status",
        "total",
        "valid_until",
        "organization",
    )
    list_filter = ("status", "is_competing", "organization")
    search_fields = ("number", "need__number", "need__title", "provider__name")
    inlines = [QuotationLineInline]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "municipality", "provider", "status", "total", "due_date", "organization")
    list_filter = ("status", "organization")
    search_fields = ("number", "quotation__number")


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdmin):
    list_display = ("order", "description", "quantity", "delivered_quantity", "received_quantity")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("number", "order", "status", "delivered_on", "organization")
    list_filter = ("status",)


@admin.register(DeliveryLine)
class DeliveryLineAdmin(ReadOnlyAdmin):
    list_display = ("delivery", "order_line", "quantity")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("delivery", "accepted", "decided_by", "created_at")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("order", "provider", "score", "on_time", "created_at")


class GroupPurchaseItemInline(admin.TabularInline):
    model = GroupPurchaseItem
    extra = 0
    can_delete = False
    fields = ("item", "quantity", "unit_price")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GroupPurchase)
class GroupPurchaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "provider", "status", "opens_on", "closes_on", "pooled_quantity",
                    "total", "organization")
    list_filter = ("status", "organization")
    search_fields = ("number", "title", "order_number")
    inlines = [GroupPurchaseItemInline]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("group_purchase", "municipality", "status", "quantity", "order", "total")
    list_filter = ("status",)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("number", "subject", "status", "municipality", "complainant_provider", "provider",
                    "owner", "filed_at", "due_at", "organization")
    list_filter = ("status", "topic", "organization")
    search_fields = ("number", "subject")


@admin.register(ComplaintAttachment)
class ComplaintAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "complaint", "content_type", "size", "uploaded_by", "created_at")
    search_fields = ("original_name",)
