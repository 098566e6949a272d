"""The filters of finance's lists, each declared once: the invoice list's form on the page, the API's
query parameters of invoices, payments and commission settlements, and what the selectors apply.

An id names a row only inside the user's scope: the selector starts from the scoped rows, so an id
outside it finds nothing rather than telling that the row exists.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamyar.core.apikit import MAX_ID
from hamyar.core.filters import ListFilter
from hamyar.core.forms import JalaliDateField, JalaliDateInput
from hamyar.core.text import to_persian_digits
from hamyar.directory.models import AgencyAgreement, Municipality, Provider

from .choices import OPEN_STATUSES, InvoiceStatus, SettlementStatus
from .models import Invoice

_SELECT = {"class": "form-select"}


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        name = f"{obj.parent.name} › {obj.name}" if obj.parent_id and obj.parent else obj.name
        return to_persian_digits(name) if (get_language() or "fa").startswith("fa") else name


def _date(label: Any) -> JalaliDateField:
    return JalaliDateField(label=label, required=False, widget=JalaliDateInput({"class": "form-control"}))


def _choice(label: Any, everything: Any, choices: list[tuple[str, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", everything), *choices],
                             widget=forms.Select(_SELECT))


def _row(label: Any, queryset: QuerySet, everything: Any = None,
         field: type[forms.ModelChoiceField] = forms.ModelChoiceField) -> forms.ModelChoiceField:
    """A row picked on the page from the user's own (the view sets the queryset), or its id in the API."""
    return field(label=label, queryset=queryset.none(), required=False, empty_label=everything,
                 widget=forms.Select(_SELECT))


def by_id(lookup: str) -> Any:
    """Filter on a row or its id; an id larger than any key finds nothing (the database would refuse it)."""

    def narrow(rows: QuerySet, value: Any) -> QuerySet:
        if isinstance(value, int) and value > MAX_ID:
            return rows.none()
        return rows.filter(**{lookup: value})

    return narrow


def _overdue(rows: QuerySet[Invoice], overdue: bool) -> QuerySet[Invoice]:
    return rows.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()) if overdue else rows


class InvoiceFilter(ListFilter):
    """What the invoice list filters by; every field optional."""

    status = _choice(_("Status"), _("All statuses"), InvoiceStatus.choices)
    municipality = _row(_("Municipality"), Municipality.objects, _("All municipalities"),
                        field=MunicipalityChoiceField)
    provider = _row(_("Provider"), Provider.objects)
    issued_from = _date(_("Issued from"))
    issued_to = _date(_("Issued until"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False,
                                 widget=forms.CheckboxInput({"class": "form-check-input"}))

    lookups = {
        "municipality": by_id("municipality"),
        "provider": by_id("provider"),
        "issued_from": "issue_date__gte",
        "issued_to": "issue_date__lte",
        "overdue": _overdue,
    }

    def __init__(self, data: Any = None, *, municipalities: QuerySet[Municipality] | None = None,
                 providers: QuerySet[Provider] | None = None, **kwargs: Any) -> None:
        """On the page, the rows to pick from; a field without them is not drawn (a municipality user
        picks no municipality; the page does not filter by provider)."""
        super().__init__(data, **kwargs)
        for name, rows in (("municipality", municipalities), ("provider", providers)):
            if rows is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = rows  # type: ignore[attr-defined]
        self.fields["issued_from"].widget.attrs["placeholder"] = _("Issued from")
        self.fields["issued_to"].widget.attrs["placeholder"] = _("Issued until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end and end < start:
            self.add_error("issued_to", _("The end of the range cannot be before its start."))
        return data


class PaymentFilter(ListFilter):
    invoice = _row(_("Invoice"), Invoice.objects)
    municipality = _row(_("Municipality"), Municipality.objects)

    lookups = {"invoice": by_id("invoice"), "municipality": by_id("invoice__municipality")}


class SettlementFilter(ListFilter):
    status = _choice(_("Status"), _("All statuses"), SettlementStatus.choices)
    supplier = _row(_("Supplier"), Provider.objects)
    agreement = _row(_("Agency agreement"), AgencyAgreement.objects)

    lookups = {"supplier": by_id("supplier"), "agreement": by_id("agreement")}

