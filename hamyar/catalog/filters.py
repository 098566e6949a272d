"""The catalog's list filters, each declared once: the page's filter form, the API's query and the selector.

The items' filter also drives the search: with words, `search_arguments` hands the same values
to `item_search`, which ranks; without, the selector filters by name (`ItemFilter.apply`).
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hamyar.core.apikit import MAX_ID
from hamyar.core.filters import ListFilter
from hamyar.core.forms import PersianCharField, PersianIntegerField
from hamyar.directory.choices import ProviderKind
from hamyar.directory.filters import id_field, kind_field
from hamyar.directory.models import Provider, ServiceDomain

MAX_PRICE = 10**15  # Rial; a bigint holds more, but no catalog price comes near this
MAX_LEAD_TIME_DAYS = 3650
PRICE_RANGE_REFUSED = _("The upper price must not be below the lower price.")

_SELECT = {"class": "form-select"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}


class DomainChoiceField(forms.ModelChoiceField):
    """A service domain shown under its parent: «فضای سبز › آبیاری»."""

    def label_from_instance(self, obj: ServiceDomain) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


def _pk(value: Any) -> int:
    """The id of a chosen row (the page's form) or an id (the API's query); 0, which no row has,
    for an id beyond any key (the database would refuse to compare it)."""
    pk = getattr(value, "pk", value)
    return pk if isinstance(pk, int) and 0 < pk <= MAX_ID else 0


def domain_with_descendants(*, domain_id: int) -> list[int]:
    """The domain and every domain under it (the tree is small: one query per level)."""
    ids, level = [domain_id], [domain_id]
    while level:
        level = list(ServiceDomain.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids.extend(level)
    return ids


def _in_domain(queryset: QuerySet, value: Any) -> QuerySet:
    return queryset.filter(domain_id__in=domain_with_descendants(domain_id=_pk(value)))


class ItemFilter(ListFilter):
    """What a clerk searches by; `domain` includes its sub-domains, `in_stock` only narrows."""

    q = PersianCharField(
        label=_("Search"), required=False, max_length=200,
        help_text=_("Search words; results are ranked, not sorted by name."),
        widget=forms.TextInput(attrs={
            "type": "search", "class": "form-control form-control-lg", "autocomplete": "off",
            "placeholder": _("Search goods and services: bench, LED light, asphalt…"),
        }),
    )
    domain = DomainChoiceField(label=_("Service domain"), queryset=ServiceDomain.objects.none(),
                               required=False, empty_label=_("All domains"), widget=forms.Select(_SELECT))
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none(), required=False,
                                      empty_label=_("All providers"), widget=forms.Select(_SELECT))
    price_min = PersianIntegerField(label=_("Price from (Rial)"), required=False, min_value=0,
                                    max_value=MAX_PRICE, widget=forms.TextInput(_NUMBER))
    price_max = PersianIntegerField(label=_("Price up to (Rial)"), required=False, min_value=0,
                                    max_value=MAX_PRICE, widget=forms.TextInput(_NUMBER))
    max_lead_time = PersianIntegerField(label=_("Delivered within (days)"), required=False, min_value=0,
                                        max_value=MAX_LEAD_TIME_DAYS, widget=forms.TextInput(_NUMBER))
    in_stock = forms.BooleanField(label=_("In stock only"), required=False,
                                  widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    lookups = {
        "q": lambda queryset, words: queryset,  # the words are the search's (search_arguments)
        "domain": _in_domain,
        "provider": lambda queryset, provider: queryset.filter(provider_id=_pk(provider)),
        "price_min": "current_price__gte",
        "price_max": "current_price__lte",
        "max_lead_time": "lead_time_days__lte",
        "in_stock": lambda queryset, only: queryset.filter(in_stock=True) if only else queryset,
    }

    def __init__(self, data: Any = None, *, domains: QuerySet[ServiceDomain] | None = None,
                 providers: QuerySet[Provider] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if domains is not None:
            self.fields["domain"].queryset = domains
        if providers is not None:
            self.fields["provider"].queryset = providers

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if price_range_refused(cleaned):
            self.add_error("price_max", PRICE_RANGE_REFUSED)
        return cleaned


def price_range_refused(values: dict[str, Any]) -> bool:
    low, high = values.get("price_min"), values.get("price_max")
    return low is not None and high is not None and low > high


def search_arguments(values: dict[str, Any]) -> dict[str, Any]:
    """The arguments of `item_search` from the filter's values (the page's form or the API's query)."""
    domain, provider = values.get("domain"), values.get("provider")
    return {
        "query": values.get("q") or "",
        "domain_id": None if domain is None else _pk(domain),
        "provider_id": None if provider is None else _pk(provider),
        "price_min": values.get("price_min"),
        "price_max": values.get("price_max"),
        "max_lead_time": values.get("max_lead_time"),
        "in_stock": bool(values.get("in_stock")) or None,
    }


class PriceListFilter(ListFilter):
    provider = id_field(_("Provider"))

    lookups = {"provider": "provider_id"}


class CatalogProviderFilter(ListFilter):
    kind = kind_field(ProviderKind.choices, _("All kinds"))
