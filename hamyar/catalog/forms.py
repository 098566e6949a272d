"""Catalog page forms: the item form and the price-sheet upload (the search's filter is in filters.py).

The forms check the shape of the input (numbers, Jalali dates, the file); the
services check the rules again and have the last word.
"""

import re

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import JalaliDateField, PersianCharField, PersianIntegerField, ServiceErrorsMixin
from hamyar.core.text import normalize
from hamyar.core.widgets import FileInput
from hamyar.directory.models import Provider, ServiceDomain

from . import sheets
from .choices import Unit
from .filters import DomainChoiceField

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}


def parse_attributes(text: str) -> dict[str, str]:
    """«name: value» lines (or «name = value») as a dict; a line without a value is an error."""
    attributes: dict[str, str] = {}
    for number, line in enumerate(normalize(text, multiline=True).split("\n"), start=1):
        if not line.strip():
            continue
        for separator in (":", "：", "="):
            if separator in line:
                key, value = (part.strip() for part in line.split(separator, 1))
                break
        else:
            key, value = line.strip(), ""
        if not key or not value:
            raise forms.ValidationError(
                _("Line %(line)s: write the attribute as «name: value»."), params={"line": number},
                code="attribute",
            )
        attributes[key] = value
    return attributes


def format_attributes(attributes: dict | None) -> str:
    return "\n".join(f"{k}: {v}" for k, v in (attributes or {}).items())


class ItemForm(ServiceErrorsMixin, forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none(), empty_label="—",
                                      widget=forms.Select(_SELECT))
    domain = DomainChoiceField(label=_("Service domain"), queryset=ServiceDomain.objects.none(),
                               empty_label="—", widget=forms.Select(_SELECT))
    code = PersianCharField(label=_("Item code"), max_length=40,
                            widget=forms.TextInput({**_TEXT, "dir": "ltr"}))
    name = PersianCharField(label=_("Name"), max_length=200, widget=forms.TextInput(_TEXT))
    description = PersianCharField(label=_("Description"), required=False, multiline=True, max_length=5000,
                                   widget=forms.Textarea({**_TEXT, "rows": 3}))
    unit = forms.ChoiceField(label=_("Unit of measure"), choices=[("", "—"), *Unit.choices],
                             widget=forms.Select(_SELECT))
    lead_time_days = PersianIntegerField(label=_("Lead time (days)"), min_value=0, max_value=3650,
                                         initial=0, widget=forms.TextInput(_NUMBER))
    attributes = PersianCharField(
        multiline=True,
        label=_("Attributes"), required=False, max_length=5000,
        widget=forms.Textarea({**_TEXT, "rows": 3}),
        help_text=_("One per line, as «name: value», e.g. «length: 200 cm»."),
    )
    in_stock = forms.BooleanField(label=_("In stock"), required=False, initial=True,
                                  widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    is_active = forms.BooleanField(label=_("Offered (active)"), required=False, initial=True,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, data=None, *, providers, domains, fixed_provider: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["domain"].queryset = domains
        if fixed_provider:
            del self.fields["provider"]

    def clean_attributes(self) -> dict[str, str]:
        return parse_attributes(self.cleaned_data.get("attributes") or "")


class PriceImportForm(ServiceErrorsMixin, forms.Form):
    """The upload of a price sheet: the file is checked here, its rows by the import."""

    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none(), empty_label="—",
                                      widget=forms.Select(_SELECT))
    title = PersianCharField(label=_("Price list title"), max_length=200, widget=forms.TextInput(_TEXT))
    valid_from = JalaliDateField(label=_("Valid from"))
    valid_until = JalaliDateField(label=_("Valid until"), required=False,
                                  help_text=_("Leave empty for a list valid until the next one."))
    file = forms.FileField(
        label=_("Price sheet (xlsx)"),
        widget=FileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }),
    )

    def __init__(self, data=None, files=None, *, providers, fixed_provider: bool = False, **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields["provider"].queryset = providers
        for name in ("valid_from", "valid_until"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        if fixed_provider:
            del self.fields["provider"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size > sheets.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB); a price sheet may be at most %(limit)s MB."),
                params={"size": round(upload.size / 2**20, 1), "limit": sheets.MAX_FILE_BYTES // 2**20},
                code="too_large",
            )
        head = upload.read(4)
        upload.seek(0)
        if not upload.name.lower().endswith(".xlsx") or head != XLSX_MAGIC:
            raise forms.ValidationError(
                _("Upload an Excel workbook (.xlsx); this file is not one."), code="wrong_type"
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity must not be before its start."))
        return cleaned


_EQUIVALENT_SEPARATORS = re.compile(r"[,،؛;\n]+")


class SynonymForm(ServiceErrorsMixin, forms.Form):
    """A term and its equivalents for the organization's catalog search; the service checks the rest."""

    term = PersianCharField(label=_("Term"), max_length=60, widget=forms.TextInput(attrs={
        **_TEXT, "placeholder": _("e.g. LED"), "autocomplete": "off"}))
    equivalents = PersianCharField(
        label=_("Equivalents"), max_length=600, widget=forms.TextInput(attrs={
            **_TEXT, "placeholder": _("e.g. ال ای دی، ال‌ای‌دی"), "autocomplete": "off"}),
        help_text=_("Separate them with commas. Spaces and half-spaces inside a word do not matter."))

    def clean_equivalents(self) -> list[str]:
        return [part.strip() for part in _EQUIVALENT_SEPARATORS.split(self.cleaned_data["equivalents"])
                if part.strip()]


__all__ = ["DomainChoiceField", "ItemForm", "PersianIntegerField", "PriceImportForm", "ServiceErrorsMixin",
           "SynonymForm", "format_attributes", "parse_attributes"]
