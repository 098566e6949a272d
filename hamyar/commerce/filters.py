"""One filter per list, declared once: the page's filter form, the API's query schema and the selector's
narrowing (hamyar.core.filters.ListFilter)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.core.apikit import MAX_ID
from hamyar.core.filters import ListFilter

from .choices import DeliveryStatus, GroupPurchaseStatus, OrderStatus, QuotationStatus


def _id(label: str) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=label)


class QuotationFilter(ListFilter):
    """The quotations list: by status, need and provider (within what the user's scope shows)."""

    status = forms.ChoiceField(required=False, choices=[("", "—"), *QuotationStatus.choices],
                               label=_("Status"))
    need = _id(_("Need"))
    provider = _id(_("Provider"))

    lookups = {"need": "need_id", "provider": "provider_id"}


class OrderFilter(ListFilter):
    """The orders list: by status, municipality and provider (within what the user's scope shows)."""

    status = forms.ChoiceField(required=False, choices=[("", "—"), *OrderStatus.choices],
                               label=_("Status"))
    municipality = _id(_("Municipality"))
    provider = _id(_("Provider"))

    lookups = {"municipality": "municipality_id", "provider": "provider_id"}


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
