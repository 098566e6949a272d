"""Django admin for the directory: a superuser's tool for looking up and correcting rows.

Saving here bypasses the services, so the admin keeps what they keep on write:
the normalized search name.
"""

from django.contrib import admin

from hamyar.core.text import normalize

from .models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Organization,
    Provider,
    ServiceDomain,
)


class SearchNameAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        obj.name = normalize(obj.name)
        obj.search_name = normalize(obj.name).casefold()
        super().save_model(request, obj, form, change)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "province", "created_at")
    search_fields = ("name", "name_en", "slug", "province")
    prepopulated_fields = {"slug": ("name_en",)}


class AssetInline(admin.TabularInline):
    model = MunicipalAsset
    fields = ("name", "kind", "area_ha")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # assets are added on their own page, where the search name is kept


@admin.register(Municipality)
class MunicipalityAdmin(SearchNameAdmin):
    list_display = ("name", "kind", "parent", "county", "population", "area_ha", "grade", "organization")
    list_filter = ("kind", "organization", "grade")
    search_fields = ("name", "name_en", "search_name", "county")
    list_select_related = ("parent", "organization")
    autocomplete_fields = ("parent",)
    inlines = [AssetInline]


@admin.register(MunicipalAsset)
class MunicipalAssetAdmin(SearchNameAdmin):
    list_display = ("name", "kind", "municipality", "area_ha", "organization")
    list_filter = ("kind", "organization")
    search_fields = ("name", "search_name", "municipality__name")
    list_select_related = ("municipality", "organization")
    autocomplete_fields = ("municipality",)


@admin.register(ServiceDomain)
class ServiceDomainAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "parent", "organization")
    list_filter = ("organization",)
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent", "organization")
    autocomplete_fields = ("parent",)


class CapabilityInline(admin.TabularInline):
    model = Capability
    fields = ("domain", "level", "monthly_capacity", "capacity_unit")
    autocomplete_fields = ("domain",)
    extra = 0


@admin.register(Provider)
class ProviderAdmin(SearchNameAdmin):
    list_display = ("name", "kind", "legal_id", "city", "contact_name", "mobile", "is_active", "organization")
    list_filter = ("kind", "is_active", "organization")
    search_fields = ("name", "search_name", "legal_id", "contact_name", "mobile", "email")
    list_select_related = ("organization",)
    inlines = [CapabilityInline]

    def save_formset(self, request, form, formset, change):
        # Inline rows belong to the provider's organization.
        for obj in formset.save(commit=False):
            obj.organization_id = form.instance.organization_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ("provider", "domain", "level", "monthly_capacity", "capacity_unit", "organization")
    list_filter = ("level", "domain", "organization")
    search_fields = ("provider__name", "domain__name", "domain__code")
    list_select_related = ("provider", "domain", "organization")
    autocomplete_fields = ("provider", "domain")


@admin.register(AgencyAgreement)
class AgencyAgreementAdmin(admin.ModelAdmin):
    list_display = ("number", "supplier", "starts_on", "ends_on", "commission_percent", "organization")
    list_filter = ("organization", "ends_on")
    search_fields = ("number", "supplier__name", "notes")
    list_select_related = ("supplier", "organization")
    autocomplete_fields = ("supplier",)
    filter_horizontal = ("domains",)
    date_hierarchy = "ends_on"
