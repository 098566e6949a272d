"""Forms of the order page: a delivery (a quantity per open line, a Jalali date, a note), a rejected
receipt's reason, and the municipality's rating.

The forms check the shape of the input; the services check the rules again and have the last word
(what is still to deliver is checked under the order's lock).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.forms import PersianIntegerField, ServiceErrorsMixin
from hamyar.core.forms import JalaliDateField, JalaliDateInput, PersianCharField

from .models import OrderLine
from .services.orders import MAX_COMMENT, MAX_NOTE

_TEXT = {"class": "form-control"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
MAX_QUANTITY = 10**9


class DeliveryForm(ServiceErrorsMixin, forms.Form):
    """What arrives now: one quantity box per line still open (0 or empty for a line not delivered now)."""

    delivered_on = JalaliDateField(label=_("Delivered on"), widget=JalaliDateInput(_TEXT))
    note = PersianCharField(label=_("Note"), required=False, multiline=True, max_length=MAX_NOTE,
                            widget=forms.Textarea(attrs={**_TEXT, "rows": 2}))

    def __init__(self, data=None, *, lines: list[OrderLine], **kwargs):
        kwargs.setdefault("initial", {"delivered_on": timezone.localdate()})
        super().__init__(data, **kwargs)
        self.order_lines = [line for line in lines if line.quantity > line.delivered_quantity]
        for line in self.order_lines:
            remaining = line.quantity - line.delivered_quantity
            field = PersianIntegerField(
                label=line.description, required=False, min_value=0, max_value=MAX_QUANTITY,
                widget=forms.TextInput(attrs={**_NUMBER, "data-remaining": remaining}),
            )
            field.order_line = line
            field.remaining = remaining
            self.fields[self.line_field(line)] = field

    @staticmethod
    def line_field(line: OrderLine) -> str:
        return f"line_{line.pk}"

    def line_fields(self) -> list:
        return [self[self.line_field(line)] for line in self.order_lines]

    def quantities(self) -> dict[int, int]:
        """{order line id: quantity} of the lines delivered now (the service refuses an empty delivery)."""
        return {line.pk: self.cleaned_data[self.line_field(line)] for line in self.order_lines
                if self.cleaned_data.get(self.line_field(line))}


class RejectForm(ServiceErrorsMixin, forms.Form):
    reason = PersianCharField(label=_("Reason for rejecting"), multiline=True, max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={**_TEXT, "rows": 2}))


class RatingForm(ServiceErrorsMixin, forms.Form):
    score = forms.TypedChoiceField(label=_("Score"), coerce=int, choices=[(n, n) for n in range(5, 0, -1)],
                                   widget=forms.RadioSelect)
    comment = PersianCharField(label=_("Comment"), required=False, multiline=True, max_length=MAX_COMMENT,
                               widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))
