"""Form fields for Persian input: dates, numbers and normalized text, each read by its one parser."""

from collections.abc import Callable, Collection
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput
from .jalali import (
    MESSAGES,
    MONTH_MESSAGE,
    JalaliDateError,
    clean_date_text,
    format_jalali_date,
    is_month,
    parse_date,
)
from .numbers import NumberError, clean_number_text, parse_decimal, parse_whole
from .text import normalize, strip_controls


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


class JalaliDateInput(forms.TextInput):
    """A text box for a Jalali date that opens the calendar picker (web/datepicker.js finds it by `data-jdp`).

    Typing stays allowed and the digits run left to right. The box holds no sample date: a fixed date as
    placeholder read like a filled-in value, so the placeholder and the hint under the box name the format
    (year/month/day) and the hint is tied to the box by aria-describedby. `compact` keeps the hint for
    screen readers only, for filter bars and table cells.
    """

    template_name = "core/widgets/jalali_date.html"
    MARKER = "data-jdp"

    def __init__(self, attrs: dict[str, Any] | None = None, *, compact: bool = False) -> None:
        self.compact = compact
        super().__init__({"class": "form-control", "dir": "ltr", "autocomplete": "off", "spellcheck": "false",
                          **(attrs or {}), self.MARKER: ""})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", _("yyyy/mm/dd"))
        hint_id = f"{widget_attrs['id']}_format" if widget_attrs.get("id") else ""
        if hint_id:
            described = widget_attrs.get("aria-describedby", "")
            widget_attrs["aria-describedby"] = f"{described} {hint_id}".strip()
        context["widget"].update(hint=_("Year/month/day; ↓ opens the calendar."), hint_id=hint_id,
                                 compact=self.compact)
        return context


class JalaliDateField(forms.Field):
    """A typed date, Jalali (۱۴۰۵/۰۹/۱۶) or Gregorian (2026-12-07), read by `jalali.parse_date`.

    The same reading as the API and the sheets, so one string is one day everywhere; cleans to a
    Gregorian `date`. The error's code is "impossible" for a day that does not exist, else "invalid".
    """

    widget = JalaliDateInput
    default_error_messages = {"invalid": MESSAGES["format"]}

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, str) and not clean_date_text(value):
            return None
        try:
            return parse_date(value)
        except JalaliDateError as error:
            code = "impossible" if error.code.startswith("impossible") else "invalid"
            raise ValidationError(error.message, code=code) from None

    def prepare_value(self, value: Any) -> Any:
        """An initial date is shown in Jalali (Persian digits on a Persian page); typed text as typed."""
        if isinstance(value, date):
            return format_jalali_date(value, persian_digits=_persian())
        return value


class JalaliMonthField(forms.IntegerField):
    """A Jalali month as six digits, year then month (۱۴۰۵۰۹ or 140509; a "/" or "-" between is allowed):
    cleans to the number 140509, or refuses with a sentence naming the expected form."""

    widget = forms.TextInput
    default_error_messages = {"invalid": MONTH_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"dir": "ltr", "inputmode": "numeric", "placeholder": "140509"})

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = clean_date_text(value).replace("/", "").replace("-", "").replace(" ", "")
        if not text:
            return None
        if not (len(text) == 6 and text.isascii() and text.isdigit()) or not is_month(int(text)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class _NumberField(Protocol):
    @property
    def empty_values(self) -> Collection[Any]: ...
    @property
    def units(self) -> tuple[str, ...]: ...


class _NumberMixin:
    """Reads the text with `hamyar.core.numbers`: any digit set, thousands separators only in threes."""

    units: tuple[str, ...] = ()

    def __init__(self, *args: Any, units: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        if units is not None:
            self.units = units
        super().__init__(*args, **kwargs)

    def _read(self: _NumberField, value: Any, parse: Callable[..., Any]) -> Any:
        if value in self.empty_values or (isinstance(value, str) and not clean_number_text(value)):
            return None
        try:
            return parse(value, units=self.units)
        except NumberError as error:
            raise ValidationError(error.message, code="invalid") from None


class PersianIntegerField(_NumberMixin, forms.IntegerField):
    """A whole number as a clerk types it: ۱۲۰٬۰۰۰, 120,000 or 120000 (never ۱٬۲۳ read as 123)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> int | None:
        return self._read(value, parse_whole)


class PersianDecimalField(_NumberMixin, forms.DecimalField):
    """A decimal as a clerk types it: ۴۵٫۵, 45.5, 45/5 or ۱٬۲۰۰ (pass `units=("%", "٪")` for a percentage)."""

    widget = forms.TextInput

    # DecimalField is an IntegerField to Django (and its stubs): its to_python returns a Decimal all the same.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return self._read(value, parse_decimal)


class PersianCharField(forms.CharField):
    """A CharField whose value is run through the one normalizer (letters, digits, ZWNJ, spaces)."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalize(value, multiline=self.multiline)


class PlainCharField(forms.CharField):
    """A CharField kept as typed (usernames, passwords, a choice's value) but for control characters,
    which no form keeps (see hamyar.core.text.strip_controls)."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return strip_controls(value) if isinstance(value, str) else value


class _Form(Protocol):
    fields: dict[str, Any]

    def add_error(self, field: str | None, error: Any) -> None: ...


class ServiceErrorsMixin:
    """Puts a service's InvalidInput on the form: per-field messages on their fields, the rest on top."""

    def add_service_error(self: _Form, error: InvalidInput) -> None:
        fields: dict[str, list[str]] = (error.extra or {}).get("fields") or {}
        placed = False
        for name, messages in fields.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
                placed = True
        if not placed:
            self.add_error(None, str(error.message))
