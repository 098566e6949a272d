"""Django admin for the catalog: a superuser's tool for looking rows up.

Prices and price lists are history, never edited in place, and imports are the
record of what was uploaded: they are read-only here. An item saved here keeps
what the services keep on write: normalized text and the search text.
"""

from django.contrib import admin

from hamyar.core.text import normalize, search_key

from .models import CatalogItem, Price, PriceImport, PriceList, SearchSynonym
from .services import item_search_text


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "provider", "domain", "unit", "lead_time_days", "current_price",
                    "in_stock", "is_active", "organization")
    list_filter = ("is_active", "in_stock", "unit", "organization", "provider__kind")
    search_fields = ("code", "name", "search_name", "provider__name")
    list_select_related = ("provider", "domain", "organization")
    autocomplete_fields = ("provider", "domain")
    readonly_fields = ("current_price", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None):
        return False  # items are added through the catalog pages and sheets, which audit them

    def save_model(self, request, obj, form, change):
        obj.name = normalize(obj.name)
        obj.search_name = search_key(obj.name)
        obj.search_text = item_search_text(obj)
        super().save_model(request, obj, form, change)


class PriceInline(admin.TabularInline):
    model = Price
    fields = ("item", "min_quantity", "unit_price")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PriceList)
class PriceListAdmin(ReadOnlyAdmin):
    list_display = ("title", "provider", "valid_from", "valid_until", "source", "created_by", "organization")
    list_filter = ("source", "organization")
    search_fields = ("title", "provider__name")
    list_select_related = ("provider", "created_by", "organization")
    inlines = [PriceInline]


@admin.register(PriceImport)
class PriceImportAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "provider", "title", "status", "total_rows", "uploaded_by", "created_at")
    list_filter = ("status", "organization")
    search_fields = ("original_name", "title", "provider__name")
    list_select_related = ("provider", "uploaded_by")


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ReadOnlyAdmin):
    """Read-only: a synonym is added or removed on the catalog's synonyms page, which audits it and
    indexes the affected items again."""

    list_display = ("term", "equivalents", "organization", "created_by", "created_at")
    list_filter = ("organization",)
    search_fields = ("term", "term_key")
    list_select_related = ("organization", "created_by")
