"""Directory page forms: the asset form (the service validates again); the list filters are in filters.py."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import PersianCharField, PersianDecimalField, ServiceErrorsMixin

from .choices import AssetKind


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

