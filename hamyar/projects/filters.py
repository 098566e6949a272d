"""The portfolio's one filter: the project list page's filter form, the API's query and the selector's
`filters`."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.forms import DomainChoiceField
from hamyar.core.apikit import MAX_ID
from hamyar.core.filters import ListFilter
from hamyar.core.forms import PersianCharField
from hamyar.core.text import normalize
from hamyar.directory.models import Municipality, Provider, ServiceDomain

from .choices import ProjectStatus
from .forms import MunicipalityChoiceField

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def _search(queryset: QuerySet, value: str) -> QuerySet:
    text = normalize(value)
    if not text:
        return queryset
    return queryset.filter(Q(number__icontains=text) | Q(title__icontains=text)
                           | Q(site__name__icontains=text))


def _with_children(field: str) -> Callable[[QuerySet, Any], QuerySet]:
    """The chosen row or its children: a metropolis includes its districts, a domain its sub-domains. An
    id no row can have finds nothing rather than reaching the database as a number it cannot hold."""
    def narrow(queryset: QuerySet, value: Model | int) -> QuerySet:
        pk = value.pk if isinstance(value, Model) else value
        if not 1 <= pk <= MAX_ID:
            return queryset.none()
        return queryset.filter(Q(**{f"{field}_id": pk}) | Q(**{f"{field}__parent_id": pk}))
    return narrow


def _provider(queryset: QuerySet, value: Model | int) -> QuerySet:
    pk = value.pk if isinstance(value, Model) else value
    return queryset.filter(provider_id=pk) if 1 <= pk <= MAX_ID else queryset.none()


class ProjectFilter(ListFilter):
    """Search by number, title or site; municipality, domain, executing provider, status; late or not,
    blocked or not (the flags `selectors.project_base` reads from the database)."""

    q = PersianCharField(label=_("Search"), required=False, max_length=200, widget=forms.TextInput({
        **_TEXT, "type": "search", "autocomplete": "off", "placeholder": _("Number, title or site…")}))
    municipality = MunicipalityChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False,
        empty_label=_("All municipalities"), widget=forms.Select(_SELECT),
        help_text=_("A metropolis includes its districts."))
    domain = DomainChoiceField(label=_("Service domain"), queryset=ServiceDomain.objects.none(),
                               required=False, empty_label=_("All domains"), widget=forms.Select(_SELECT))
    provider = forms.ModelChoiceField(label=_("Executing provider"), queryset=Provider.objects.none(),
                                      required=False, widget=forms.Select(_SELECT))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ProjectStatus.choices],
                               widget=forms.Select(_SELECT))
    # Yes / no / either: the page posts "1" / "0" / "", the API true / false too.
    late = forms.NullBooleanField(label=_("Late"), required=False, widget=forms.Select(_SELECT, choices=[
        ("", _("Late or not")), ("1", _("Late only")), ("0", _("On schedule"))]))
    blocked = forms.NullBooleanField(label=_("Blocked"), required=False, widget=forms.Select(
        _SELECT, choices=[("", _("Blocked or not")), ("1", _("Blocked only")), ("0", _("Not blocked"))]))

    lookups = {"q": _search, "municipality": _with_children("municipality"),
               "domain": _with_children("domain"), "provider": _provider, "late": "is_late",
               "blocked": "is_blocked"}

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality] | None = None,
                 domains: QuerySet[ServiceDomain] | None = None, providers: QuerySet[Provider] | None = None,
                 **kwargs: Any) -> None:
        """The page offers the user's own municipalities, domains and providers; a choice given None is
        not offered (a municipality user has no municipality to choose)."""
        super().__init__(*args, **kwargs)
        for name, rows in (("municipality", municipalities), ("domain", domains), ("provider", providers)):
            if rows is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = rows

