"""The needs list's one filter: the page's filter form, the API's query and the selector's `filters`."""

from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.forms import DomainChoiceField
from hamyar.core.apikit import MAX_ID
from hamyar.core.filters import ListFilter
from hamyar.core.forms import JalaliMonthField, PersianCharField
from hamyar.core.jalali import add_months, month_start
from hamyar.core.text import normalize
from hamyar.directory.models import Municipality, ServiceDomain

from .choices import NeedKind, NeedStatus

_SELECT = {"class": "form-select"}


def _search(queryset: QuerySet, value: str) -> QuerySet:
    text = normalize(value)
    if not text:
        return queryset
    return queryset.filter(Q(number__icontains=text) | Q(title__icontains=text)
                           | Q(description__icontains=text))


def _by_id(field: str) -> Any:
    """A row's id from the page (the chosen row) or the API (a whole number); an id no row can have
    finds nothing, rather than reaching the database as a number it cannot hold."""
    def narrow(queryset: QuerySet, value: Model | int) -> QuerySet:
        pk = value.pk if isinstance(value, Model) else value
        return queryset.filter(**{field: pk}) if 1 <= pk <= MAX_ID else queryset.none()
    return narrow


def _submitted_in(queryset: QuerySet, month: int) -> QuerySet:
    """Needs submitted in that Jalali month, in Tehran: the month a dashboard counts a need in (a draft
    has no month)."""
    return queryset.filter(submitted_at__gte=month_start(month),
                           submitted_at__lt=month_start(add_months(month, 1)))


def _submitted_since(queryset: QuerySet, month: int) -> QuerySet:
    return queryset.filter(submitted_at__gte=month_start(month))


class NeedFilter(ListFilter):
    """Search by number, title or description; status, kind, domain and (for officers) municipality."""

    q = PersianCharField(label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={
        "type": "search", "class": "form-control", "autocomplete": "off",
        "placeholder": _("Number, title or description…")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *NeedStatus.choices],
                               widget=forms.Select(_SELECT))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")),
                                                                       *NeedKind.choices],
                             widget=forms.Select(_SELECT))
    domain = DomainChoiceField(label=_("Service domain"), queryset=ServiceDomain.objects.none(),
                               required=False,
                               empty_label=_("All domains"), widget=forms.Select(_SELECT))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(),
                                          required=False, empty_label=_("All municipalities"),
                                          widget=forms.Select(_SELECT))

    month = JalaliMonthField(label=_("Submitted in the month"), required=False)
    since = JalaliMonthField(label=_("Submitted since the month"), required=False)

    lookups = {"q": _search, "domain": _by_id("domain_id"), "municipality": _by_id("municipality_id"),
               "month": _submitted_in, "since": _submitted_since}

    def __init__(self, *args: Any, domains: QuerySet[ServiceDomain] | None = None,
                 municipalities: QuerySet[Municipality] | None = None, **kwargs: Any) -> None:
        """The page's form offers the user's own domains and municipalities (none: no municipality
        filter, as for a municipality user)."""
        super().__init__(*args, **kwargs)
        if domains is not None:
            self.fields["domain"].queryset = domains
        if municipalities is None:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities
