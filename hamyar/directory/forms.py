"""Directory page forms: the list filters and the asset form (the service validates again)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import PersianCharField, PersianDecimalField, ServiceErrorsMixin

from .choices import AssetKind, MunicipalityKind, ProviderKind

AGREEMENT_STATUSES = [
    ("", _("All agreements")),
    ("valid", _("Valid")),
    ("expiring", _("Expiring soon")),
    ("expired", _("Expired")),
    ("upcoming", _("Not yet started")),
]


def _search_field() -> forms.CharField:
    return PersianCharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search by name…"),
                                      "autocomplete": "off", "class": "form-control"}),
    )


def _kind_field(choices, empty_label) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", empty_label), *choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class MunicipalityFilterForm(forms.Form):
    q = _search_field()
    kind = _kind_field(MunicipalityKind.choices, _("All kinds"))


class ProviderFilterForm(forms.Form):
    q = _search_field()
    kind = _kind_field(ProviderKind.choices, _("All kinds"))


class AssetFilterForm(forms.Form):
    q = _search_field()
    kind = _kind_field(AssetKind.choices, _("All kinds"))


class AgreementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=AGREEMENT_STATUSES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def filters(form: forms.Form) -> dict:
    """The cleaned filter values; an invalid filter is ignored rather than refused."""
    if form.is_valid():
        return {k: v for k, v in form.cleaned_data.items() if v}
    return {k: v for k, v in form.cleaned_data.items() if v and k not in form.errors}


class AssetForm(ServiceErrorsMixin, forms.Form):
    name = PersianCharField(label=_("Name"), max_length=150,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *AssetKind.choices],
                             widget=forms.Select(attrs={"class": "form-select"}))
    area_ha = PersianDecimalField(
        label=_("Area (hectares)"), required=False, max_digits=10, decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Leave empty when the area is not known."),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal", "dir": "ltr"}),
    )
    description = PersianCharField(label=_("Description"), required=False, multiline=True,
                                  widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

