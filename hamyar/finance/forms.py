"""Finance page forms: issuing, payments, voiding, the statement's month or range, and commissions
(calculate a period, settle it). The invoice list's filter is in `filters`.

The forms check the shape of the input (whole Rial, Jalali dates, lengths); the services check the
rules again under their row locks and have the last word (over-payment, duplicate references,
dates against the invoice's issue date, periods against the agreement).
"""

import datetime as dt
import re

import jdatetime
from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.forms import PersianIntegerField
from hamyar.core.forms import (
    JalaliDateField,
    JalaliDateInput,
    PersianCharField,
    PlainCharField,
    ServiceErrorsMixin,
)
from hamyar.core.jalali import MONTHS_EN, MONTHS_FA, to_jalali
from hamyar.core.text import to_latin_digits, to_persian_digits

from .choices import PaymentMethod
from .services import DEFAULT_PAYMENT_TERM_DAYS, MAX_REASON, MAX_REFERENCE
from .statement import MAX_RANGE_DAYS, jalali_month

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
_DATE = {"class": "form-control"}
# Rial: more than any municipality's bill; a larger figure is a typing slip, refused before the service.
MAX_AMOUNT = 10**15
# How many Jalali months back the month picker offers (any valid month may still be typed in the URL).
MONTHS_OFFERED = 36
_MONTH = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*$")


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def _date(label, **kwargs) -> JalaliDateField:
    return JalaliDateField(label=label, widget=JalaliDateInput(_DATE), **kwargs)


def month_value(year: int, month: int) -> str:
    """The month picker's value: 1405/09 (Latin digits in the address)."""
    return f"{year:04d}/{month:02d}"


def month_label(year: int, month: int) -> str:
    """۱۴۰۵/۰۹ — آذر ۱۴۰۵ on a Persian page; 1405/09 — Azar 1405 on an English one."""
    if _persian():
        return to_persian_digits(f"{year:04d}/{month:02d} — {MONTHS_FA[month - 1]} {year}")
    return f"{year:04d}/{month:02d} — {MONTHS_EN[month - 1]} {year}"


def recent_months(today: dt.date, count: int = MONTHS_OFFERED) -> list[tuple[int, int]]:
    """The current Jalali month and the ones before it, newest first."""
    j = to_jalali(today)
    year, month = j.year, j.month
    months = []
    for _i in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def parse_month(value: str) -> tuple[int, int] | None:
    """(1405, 9) from ۱۴۰۵/۰۹, 1405-9 or 1405/09; None when it is not a Jalali month."""
    match = _MONTH.match(to_latin_digits(str(value or "")))
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1300 <= year <= 1500):
        return None
    return year, month


class IssueForm(ServiceErrorsMixin, forms.Form):
    """Draft → issued: the issue date (today unless said) and the due date (30 days later unless said)."""

    issue_date = _date(_("Issue date"), required=False,
                       help_text=_("Today when left empty; never in the future."))
    due_date = _date(_("Due date"), required=False,
                     help_text=_("Thirty days after the issue date when left empty."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The placeholders show what an empty box means (the shared example date could read as a due
        # date before the issue date).
        today = timezone.localdate()
        for name, day in (("issue_date", today),
                          ("due_date", today + dt.timedelta(days=DEFAULT_PAYMENT_TERM_DAYS))):
            self.fields[name].widget.attrs["placeholder"] = self.fields[name].prepare_value(day)


class PaymentForm(ServiceErrorsMixin, forms.Form):
    """Money received against an issued invoice."""

    amount = PersianIntegerField(label=_("Amount (Rial)"), min_value=1, max_value=MAX_AMOUNT,
                                 widget=forms.TextInput(_NUMBER),
                                 error_messages={"min_value": _("The amount must be more than zero."),
                                                 "max_value": _("The amount is too large.")})
    paid_on = _date(_("Paid on"))
    reference = PersianCharField(label=_("Reference number"), max_length=MAX_REFERENCE,
                                 widget=forms.TextInput({**_TEXT, "dir": "ltr", "autocomplete": "off"}))
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices,
                               initial=PaymentMethod.TRANSFER, widget=forms.Select(_SELECT))


class VoidForm(ServiceErrorsMixin, forms.Form):
    reason = PersianCharField(label=_("Reason for voiding"), multiline=True, max_length=MAX_REASON,
                              widget=forms.Textarea({**_TEXT, "rows": 2}))


class StatementForm(forms.Form):
    """A Jalali month (the picker), or a range of Jalali dates that overrides it."""

    month = PlainCharField(label=_("Month"), required=False, max_length=20,
                            widget=forms.Select({**_SELECT, "id": "id_month"}))
    start = _date(pgettext_lazy("date range", "From"), required=False)
    end = _date(pgettext_lazy("date range", "To"), required=False)

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        months = recent_months(today)
        picked = parse_month((data or {}).get("month", "")) if data else None
        if picked and picked not in months:
            months = sorted({*months, picked}, reverse=True)
        self.fields["month"].widget.choices = [(month_value(y, m), month_label(y, m)) for y, m in months]
        current = to_jalali(today)
        self.fields["month"].initial = month_value(current.year, current.month)
        self.fields["start"].widget.attrs["placeholder"] = pgettext_lazy("date range", "From")
        self.fields["end"].widget.attrs["placeholder"] = pgettext_lazy("date range", "To")

    def clean_month(self) -> tuple[int, int] | None:
        value = self.cleaned_data.get("month") or ""
        if not value.strip():
            return None
        picked = parse_month(value)
        if picked is None:
            raise forms.ValidationError(_("Choose a month such as 1405/09 (Jalali year/month)."),
                                        code="invalid")
        return picked

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end, month = data.get("start"), data.get("end"), data.get("month")
        if start is None and end is None:
            if month is None:
                j = to_jalali(self.today)
                month = (j.year, j.month)
            start, end = jalali_month(*month)
        elif start is None:
            j = to_jalali(end)
            start = jalali_month(j.year, j.month)[0]
        elif end is None:
            j = to_jalali(start)
            end = jalali_month(j.year, j.month)[1]
        if end < start:
            self.add_error("end", _("The end of the range cannot be before its start."))
        elif (end - start).days > MAX_RANGE_DAYS:
            self.add_error("start", _("The range is too long (at most twenty years)."))
        data["range"] = (start, end)
        return data

    def range(self) -> tuple[dt.date, dt.date]:
        return self.cleaned_data["range"]

    def picked_month(self) -> str:
        """The picker's value that matches the range (a whole Jalali month), else empty."""
        start, end = self.range()
        j = to_jalali(start)
        if (start, end) == jalali_month(j.year, j.month):
            return month_value(j.year, j.month)
        return ""


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last whole Jalali month before today's: what a commission is usually calculated for."""
    j = to_jalali(today)
    first = jdatetime.date(j.year, j.month, 1).togregorian()
    before = to_jalali(first - dt.timedelta(days=1))
    return jalali_month(before.year, before.month)


class CommissionCalculateForm(ServiceErrorsMixin, forms.Form):
    period_start = _date(_("First day of the period"))
    period_end = _date(_("Last day of the period"))

    def __init__(self, data=None, **kwargs):
        start, end = previous_month(timezone.localdate())
        kwargs.setdefault("initial", {"period_start": start, "period_end": end})
        super().__init__(data, **kwargs)


class SettleForm(ServiceErrorsMixin, forms.Form):
    reference = PersianCharField(label=_("Settlement reference"), max_length=MAX_REFERENCE,
                                 widget=forms.TextInput({**_TEXT, "dir": "ltr", "autocomplete": "off"}))
    settled_on = _date(_("Settled on"))
