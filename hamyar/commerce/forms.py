"""Commerce page forms: a quotation's prices per line, reasons for decisions, the approval thresholds.

The forms check the shape (whole numbers, Jalali dates); the services check the rules again and have
the last word (a price other than the list price needs its reason, a validity not in the past, …).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.choices import Unit
from hamyar.catalog.forms import PersianIntegerField, ServiceErrorsMixin
from hamyar.core.forms import JalaliDateField, JalaliDateInput, PersianCharField
from hamyar.core.text import parse_id

from .models import unit_label
from .services.pricing import MAX_PRICE, LineInput

_TEXT = {"class": "form-control"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
# Lines a clerk may describe by hand for a service or a project need (which has no catalog lines).
FREE_LINES = 5


class QuotationForm(ServiceErrorsMixin, forms.Form):
    """A draft's validity, lead time and note, and for each need line an optional price with its reason."""

    valid_until = JalaliDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Empty: the organization's default validity."),
        widget=JalaliDateInput(_TEXT),
    )
    lead_time_days = PersianIntegerField(
        label=_("Lead time (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.TextInput(_NUMBER),
    )
    note = PersianCharField(
        label=_("Note"),
        required=False,
        multiline=True,
        max_length=5000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )

    def __init__(self, *args, need_lines=(), list_prices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.need_lines = list(need_lines)
        self.list_prices = list_prices or {}
        for line in self.need_lines:
            self.fields[f"price_{line.pk}"] = PersianIntegerField(
                label=_("Unit price (Rial)"),
                required=False,
                min_value=0,
                max_value=MAX_PRICE,
                widget=forms.TextInput(_NUMBER),
            )
            self.fields[f"reason_{line.pk}"] = PersianCharField(
                label=_("Reason for the price"), required=False, max_length=300, widget=forms.TextInput(_TEXT)
            )
        if not self.need_lines:
            for i in range(FREE_LINES):
                self.fields[f"desc_{i}"] = PersianCharField(
                    label=_("Description"), required=False, max_length=300, widget=forms.TextInput(_TEXT)
                )
                self.fields[f"qty_{i}"] = PersianIntegerField(
                    label=_("Quantity"),
                    required=False,
                    min_value=1,
                    max_value=10_000_000,
                    widget=forms.TextInput(_NUMBER),
                )
                self.fields[f"unit_{i}"] = forms.ChoiceField(
                    label=_("Unit of measure"),
                    required=False,
                    choices=[("", "—"), *Unit.choices],
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
                self.fields[f"free_price_{i}"] = PersianIntegerField(
                    label=_("Unit price (Rial)"),
                    required=False,
                    min_value=0,
                    max_value=MAX_PRICE,
                    widget=forms.TextInput(_NUMBER),
                )

    def line_rows(self):
        """(need line, list price, price field, reason field) for the template."""
        for line in self.need_lines:
            line.unit_label = unit_label(line.unit)
        return [
            (line, self.list_prices.get(line.pk), self[f"price_{line.pk}"], self[f"reason_{line.pk}"])
            for line in self.need_lines
        ]

    def free_rows(self):
        if self.need_lines:
            return []
        return [
            (self[f"desc_{i}"], self[f"qty_{i}"], self[f"unit_{i}"], self[f"free_price_{i}"])
            for i in range(FREE_LINES)
        ]

    def lines(self) -> list[LineInput]:
        data = self.cleaned_data
        if self.need_lines:
            return [
                LineInput(
                    need_line=line,
                    unit_price=data.get(f"price_{line.pk}"),
                    price_reason=data.get(f"reason_{line.pk}") or "",
                )
                for line in self.need_lines
            ]
        rows = []
        for i in range(FREE_LINES):
            description = data.get(f"desc_{i}") or ""
            if not description and data.get(f"free_price_{i}") is None and not data.get(f"qty_{i}"):
                continue
            rows.append(
                LineInput(
                    description=description,
                    quantity=data.get(f"qty_{i}"),
                    unit=data.get(f"unit_{i}") or "",
                    unit_price=data.get(f"free_price_{i}"),
                )
            )
        return rows

    def add_service_error(self, error) -> None:
        """Per-line messages (lines.N) go on that line's price field."""
        fields = (error.extra or {}).get("fields") or {}
        placed = False
        for name, messages in fields.items():
            target = name if name in self.fields else None
            if name.startswith("lines."):
                index = parse_id(name.split(".")[1])
                index = -1 if index is None else index
                if self.need_lines and 0 <= index < len(self.need_lines):
                    target = f"reason_{self.need_lines[index].pk}"
                elif not self.need_lines:
                    target = None
            for message in messages:
                self.add_error(target, message)
                placed = True
        if not placed:
            self.add_error(None, str(error.message))


class ReasonForm(ServiceErrorsMixin, forms.Form):
    """Why: a rejection, or the choice of one competing quotation."""

    reason = PersianCharField(
        label=_("Reason"), multiline=True, max_length=5000, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )


class PolicyForm(ServiceErrorsMixin, forms.Form):
    deputy_approval_above = PersianIntegerField(
        label=_("The commerce deputy approves quotations above (Rial)"),
        min_value=0,
        max_value=MAX_PRICE * 1000,
        widget=forms.TextInput(_NUMBER),
    )
    mayor_approval_above = PersianIntegerField(
        label=_("The mayor approves after the clerk above (Rial)"),
        min_value=0,
        max_value=MAX_PRICE * 1000,
        widget=forms.TextInput(_NUMBER),
    )
    quotation_validity_days = PersianIntegerField(
        label=_("Quotations are valid for (days)"),
        min_value=1,
        max_value=365,
        widget=forms.TextInput(_NUMBER),
    )
