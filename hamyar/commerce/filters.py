"""One filter per list, declared once: the page's filter form, the API's query schema and the selector's
narrowing (hamyar.core.filters.ListFilter)."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hamyar.core.apikit import MAX_ID
from hamyar.core.filters import ListFilter
from hamyar.core.forms import JalaliMonthField
from hamyar.core.jalali import add_months, month_start

from .choices import ComplaintStatus, DeliveryStatus, GroupPurchaseStatus, OrderStatus, QuotationStatus


def _id(label: str) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=label)


class QuotationFilter(ListFilter):
    """The quotations list: by status, need and provider (within what the user's scope shows)."""

    status = forms.ChoiceField(required=False, choices=[("", "—"), *QuotationStatus.choices],
                               label=_("Status"))
    need = _id(_("Need"))
    provider = _id(_("Provider"))

    lookups = {"need": "need_id", "provider": "provider_id"}


def _placed_in(queryset: QuerySet, month: int) -> QuerySet:
    """Orders placed in that Jalali month, in Tehran: the month a dashboard counts an order in."""
    return queryset.filter(created_at__gte=month_start(month),
                           created_at__lt=month_start(add_months(month, 1)))


def _placed_since(queryset: QuerySet, month: int) -> QuerySet:
    return queryset.filter(created_at__gte=month_start(month))


class OrderFilter(ListFilter):
    """The orders list: by status, municipality, provider, domain (the need's) and the Jalali month it was
    placed in, or since (within what the user's scope shows). The dashboard's figures link here."""

    status = forms.ChoiceField(required=False, choices=[("", "—"), *OrderStatus.choices],
                               label=_("Status"))
    municipality = _id(_("Municipality"))
    provider = _id(_("Provider"))
    domain = _id(_("Service domain"))
    month = JalaliMonthField(required=False, label=_("Placed in the month"))
    since = JalaliMonthField(required=False, label=_("Placed since the month"))

    lookups = {"municipality": "municipality_id", "provider": "provider_id", "domain": "need__domain_id",
               "month": _placed_in, "since": _placed_since}


class DeliveryFilter(ListFilter):
    """The deliveries list: by status and order."""

    status = forms.ChoiceField(required=False, choices=[("", "—"), *DeliveryStatus.choices],
                               label=_("Status"))
    order = _id(_("Order"))

    lookups = {"order": "order_id"}


class GroupPurchaseFilter(ListFilter):
    """The group purchases list: by status (the officer's home links to the open ones)."""

    status = forms.ChoiceField(required=False, choices=[("", "—"), *GroupPurchaseStatus.choices],
                               label=_("Status"))


def _overdue(queryset: QuerySet, value: bool) -> QuerySet:
    """Complaints still owed an answer past their due time (or, with `false`, every other)."""
    from hamyar.core import clock

    from .choices import COMPLAINT_OPEN_STATUSES

    late = Q(status__in=sorted(COMPLAINT_OPEN_STATUSES), due_at__lt=clock.now())
    return queryset.filter(late) if value else queryset.exclude(late)


class ComplaintFilter(ListFilter):
    """The complaints list: by status, overdue, municipality and provider complained about."""

    status = forms.ChoiceField(required=False, choices=[("", "—"), *ComplaintStatus.choices],
                               label=_("Status"))
    overdue = forms.NullBooleanField(required=False, label=_("Overdue"))
    municipality = _id(_("Municipality"))
    provider = _id(_("Provider"))

    lookups = {"overdue": _overdue, "municipality": "municipality_id", "provider": "provider_id"}
