"""Form fields for Persian input: Jalali dates and normalized text."""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput
from .jalali import JalaliDateError, format_jalali_date, parse_jalali_date
from .text import normalize, strip_controls


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


class JalaliDateInput(forms.TextInput):
    """A text box for a Jalali date; digits run left to right even on a right-to-left page."""

    def __init__(self, attrs: dict | None = None):
        super().__init__({"dir": "ltr", "autocomplete": "off", "placeholder": "۱۴۰۵/۰۹/۰۳", **(attrs or {})})


class JalaliDateField(forms.Field):
    """A date typed in the Jalali calendar (۱۴۰۵/۰۹/۰۳ or 1405-09-03); cleans to a Gregorian `date`."""

    widget = JalaliDateInput
    default_error_messages = {
        "invalid": _("Enter the date as year/month/day in the Jalali calendar, e.g. 1405/09/03."),
        "impossible": _("This date does not exist in the Jalali calendar."),
    }

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_jalali_date(str(value))
        except JalaliDateError as error:
            code = "impossible" if str(error) == "impossible" else "invalid"
            raise ValidationError(self.error_messages[code], code=code) from None

    def prepare_value(self, value):
        """An initial date is shown in Jalali (Persian digits on a Persian page); typed text as typed."""
        if isinstance(value, date):
            return format_jalali_date(value, persian_digits=_persian())
        return value


class PersianCharField(forms.CharField):
    """A CharField whose value is run through the one normalizer (letters, digits, ZWNJ, spaces)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalize(value, multiline=self.multiline)


class PlainCharField(forms.CharField):
    """A CharField kept as typed (usernames, passwords, a choice's value) but for control characters,
    which no form keeps (see hamyar.core.text.strip_controls)."""

    def to_python(self, value) -> str:
        value = super().to_python(value)
        return strip_controls(value) if isinstance(value, str) else value


class ServiceErrorsMixin:
    """Puts a service's InvalidInput on the form: per-field messages on their fields, the rest on top."""

    def add_service_error(self, error: InvalidInput) -> None:
        fields: dict = (error.extra or {}).get("fields") or {}
        placed = False
        for name, messages in fields.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
                placed = True
        if not placed:
            self.add_error(None, str(error.message))
