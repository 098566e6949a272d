"""The directory's list filters, each declared once: the page's filter form, the API's query and the selector.

A field the page does not show (an id a client filters by, such as a municipality's parent) is
left out of the page's form (`on_page`), and filters the API's list and the selector the same way.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core.apikit import MAX_ID
from hamyar.core.filters import ListFilter
from hamyar.core.forms import PersianCharField
from hamyar.core.text import search_key

from .choices import AssetKind, MunicipalityKind, ProviderKind

# An agreement that ends within this many days needs renewing now.
EXPIRING_WITHIN_DAYS = 60
AGREEMENT_STATUSES = [
    ("", _("All agreements")),
    ("valid", _("Valid")),
    ("expiring", _("Expiring soon")),
    ("expired", _("Expired")),
    ("upcoming", _("Not yet started")),
]


class PageListFilter(ListFilter):
    """A list filter whose page form shows only the fields in `on_page` (None: every field)."""

    on_page: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, data: Mapping[str, Any] | None = None, *, page: bool = False, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if page and self.on_page is not None:
            for name in [name for name in self.fields if name not in self.on_page]:
                del self.fields[name]


def search(*columns: str) -> Callable[[QuerySet, str], QuerySet]:
    """A lookup matching the typed words, normalized as stored (search_key), in any of `columns`."""

    def lookup(queryset: QuerySet, value: str) -> QuerySet:
        key = search_key(value)
        if not key:
            return queryset
        condition = Q()
        for column in columns:
            condition |= Q(**{f"{column}__icontains": key})
        return queryset.filter(condition)

    return lookup


def search_field() -> forms.CharField:
    return PersianCharField(
        label=_("Search"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search by name…"),
                                      "autocomplete": "off", "class": "form-control"}),
    )


def kind_field(choices: Iterable[tuple[str, Any]], empty_label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", empty_label), *choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def id_field(label: Any) -> forms.IntegerField:
    """An id the API filters by; the selector's scope decides what it matches."""
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_ID)


class MunicipalityFilter(PageListFilter):
    q = search_field()
    kind = kind_field(MunicipalityKind.choices, _("All kinds"))
    parent = id_field(_("Within the municipality"))

    on_page = ("q", "kind")
    lookups = {"q": search("search_name", "name_en"), "parent": "parent_id"}


class AssetFilter(PageListFilter):
    q = search_field()
    kind = kind_field(AssetKind.choices, _("All kinds"))
    municipality = id_field(_("Municipality"))

    on_page = ("q", "kind")
    lookups = {"q": search("search_name"), "municipality": "municipality_id"}


def _serves_domain(queryset: QuerySet, domain_id: int) -> QuerySet:
    return queryset.filter(capabilities__domain_id=domain_id).distinct()


class ProviderFilter(PageListFilter):
    q = search_field()
    kind = kind_field(ProviderKind.choices, _("All kinds"))
    domain = id_field(_("Serves the domain"))

    on_page = ("q", "kind")
    lookups = {"q": search("search_name"), "domain": _serves_domain}


class DomainFilter(PageListFilter):
    parent = id_field(_("Under the domain"))

    lookups = {"parent": "parent_id"}


class CapabilityFilter(PageListFilter):
    provider = id_field(_("Provider"))
    domain = id_field(_("Service domain"))
    min_level = forms.IntegerField(label=_("At least the level"), required=False, min_value=1, max_value=5)

    lookups = {"provider": "provider_id", "domain": "domain_id", "min_level": "level__gte"}


def _agreement_status(queryset: QuerySet, status: str) -> QuerySet:
    """Agreements by their state on today's date; "expiring": valid and ending within 60 days."""
    today = timezone.localdate()
    if status == "valid":
        return queryset.filter(starts_on__lte=today, ends_on__gte=today)
    if status == "expiring":
        return queryset.filter(starts_on__lte=today, ends_on__gte=today,
                               ends_on__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS))
    if status == "expired":
        return queryset.filter(ends_on__lt=today)
    if status == "upcoming":
        return queryset.filter(starts_on__gt=today)
    return queryset


class AgreementFilter(PageListFilter):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=AGREEMENT_STATUSES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    supplier = id_field(_("Supplier"))

    on_page = ("status",)
    lookups = {"status": _agreement_status, "supplier": "supplier_id"}
