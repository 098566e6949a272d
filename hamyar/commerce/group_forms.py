"""Forms of the group purchase pages: a new pool, a municipality's quantities, the invitations, and the
officer's extend and cancel.

The forms check the shape of the input; the services check the rules again under the pool's lock and
have the last word (a window, a tier, the cap, the state).
"""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import (
    JalaliDateField,
    JalaliDateInput,
    PersianCharField,
    PersianDecimalField,
    PersianIntegerField,
    ServiceErrorsMixin,
)
from hamyar.directory.choices import AssetKind

from .services.group_purchases import MAX_QUANTITY

_TEXT = {"class": "form-control"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
_DECIMAL = {**_NUMBER, "inputmode": "decimal"}


class GroupPurchaseForm(ServiceErrorsMixin, forms.Form):
    """A new pool: the items of one represented supplier, the window, the quantities and the rates that
    suggest each municipality's share."""

    title = PersianCharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=_TEXT))
    items = forms.ModelMultipleChoiceField(
        label=_("Items"), queryset=None,  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    opens_on = JalaliDateField(label=_("Opens on"), widget=JalaliDateInput(_TEXT))
    closes_on = JalaliDateField(label=_("Closes on"), widget=JalaliDateInput(_TEXT))
    minimum_quantity = PersianIntegerField(label=_("Minimum quantity"), min_value=1, max_value=MAX_QUANTITY,
                                           widget=forms.TextInput(attrs=_NUMBER))
    target_quantity = PersianIntegerField(
        label=_("Target tier (from quantity)"), min_value=1, max_value=MAX_QUANTITY,
        widget=forms.TextInput(attrs=_NUMBER),
        help_text=_("One of the price list's tiers: the quantity from which its price applies."))
    max_per_municipality = PersianIntegerField(
        label=_("Cap per municipality"), required=False, min_value=1, max_value=MAX_QUANTITY,
        widget=forms.TextInput(attrs=_NUMBER))
    per_thousand_residents = PersianDecimalField(
        label=_("Suggested per 1,000 residents"), required=False, min_value=0, max_digits=9, decimal_places=2,
        widget=forms.TextInput(attrs=_DECIMAL))
    per_hectare = PersianDecimalField(
        label=_("Suggested per hectare of assets"), required=False, min_value=0, max_digits=9,
        decimal_places=2, widget=forms.TextInput(attrs=_DECIMAL))
    asset_kind = forms.ChoiceField(label=_("Kind of asset"), required=False,
                                   choices=[("", _("Every kind")), *AssetKind.choices],
                                   widget=forms.Select(attrs={"class": "form-select"}))
    description = PersianCharField(label=_("Description"), required=False, multiline=True, max_length=4000,
                                   widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))

    def __init__(self, data=None, *, items, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {"opens_on": today, "closes_on": today + dt.timedelta(days=14)})
        super().__init__(data, **kwargs)
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda item: f"{item.name} · {item.provider.name}"

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"], "item_ids": [item.pk for item in data["items"]],
            "opens_on": data["opens_on"], "closes_on": data["closes_on"],
            "minimum_quantity": data["minimum_quantity"], "target_quantity": data["target_quantity"],
            "max_per_municipality": data["max_per_municipality"], "description": data["description"],
            "per_thousand_residents": data["per_thousand_residents"], "per_hectare": data["per_hectare"],
            "asset_kind": data["asset_kind"],
        }


class JoinForm(ServiceErrorsMixin, forms.Form):
    """A municipality's quantity of each item of the pool (one box for a pool of one item), and the open
    need it comes from, if any."""

    need = forms.ModelChoiceField(label=_("From one of your open needs"), queryset=None,  # type: ignore[arg-type]
                                  required=False, empty_label=_("A new need for this share"),
                                  widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, data=None, *, items, needs=None, lines=None, **kwargs):
        super().__init__(data, **kwargs)
        lines = lines or {}
        self.pool_items = items
        for pool_item in items:
            label = _("Quantity") if len(items) == 1 else pool_item.item.name
            self.fields[self.item_field(pool_item.item_id)] = PersianIntegerField(
                label=label, required=False, min_value=0, max_value=MAX_QUANTITY,
                initial=lines.get(pool_item.item_id), widget=forms.TextInput(attrs=_NUMBER))
        if needs is None:
            del self.fields["need"]
        else:
            self.fields["need"].queryset = needs

    @staticmethod
    def item_field(item_id: int) -> str:
        return f"item_{item_id}"

    def item_fields(self) -> list:
        return [self[self.item_field(pool_item.item_id)] for pool_item in self.pool_items]

    def lines(self) -> dict[int, int]:
        """{item id: quantity}; an item left empty is not asked for (a single 0 goes to the service)."""
        asked = {pool_item.item_id: self.cleaned_data.get(self.item_field(pool_item.item_id))
                 for pool_item in self.pool_items}
        if len(asked) == 1:
            return {item: quantity for item, quantity in asked.items() if quantity is not None}
        return {item: quantity for item, quantity in asked.items() if quantity}


class InviteForm(ServiceErrorsMixin, forms.Form):
    """The candidates to invite: a box each, with the reason and the suggested quantity to send."""

    def __init__(self, data=None, *, candidates, **kwargs):
        super().__init__(data, **kwargs)
        self.candidates = [c for c in candidates if not c.invited]
        for candidate in self.candidates:
            pk = candidate.municipality.pk
            self.fields[f"invite_{pk}"] = forms.BooleanField(
                label=candidate.municipality.name, required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
            self.fields[f"reason_{pk}"] = PersianCharField(
                label=_("Reason"), required=False, max_length=300, initial=candidate.reason,
                widget=forms.TextInput(attrs={**_TEXT, "class": "form-control form-control-sm"}))
            self.fields[f"suggested_{pk}"] = PersianIntegerField(
                label=_("Suggested quantity"), required=False, min_value=1, max_value=MAX_QUANTITY,
                initial=candidate.suggested,
                widget=forms.TextInput(attrs={**_NUMBER, "class": "form-control form-control-sm"}))

    def rows(self) -> list[tuple]:
        return [(c, self[f"invite_{c.municipality.pk}"], self[f"reason_{c.municipality.pk}"],
                 self[f"suggested_{c.municipality.pk}"]) for c in self.candidates]

    def invitations(self) -> dict[int, tuple[str, int | None]]:
        data = self.cleaned_data
        return {c.municipality.pk: (data[f"reason_{c.municipality.pk}"] or "",
                                    data[f"suggested_{c.municipality.pk}"])
                for c in self.candidates if data.get(f"invite_{c.municipality.pk}")}


class ExtendForm(ServiceErrorsMixin, forms.Form):
    closes_on = JalaliDateField(label=_("New closing day"), widget=JalaliDateInput(_TEXT))


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = PersianCharField(label=_("Reason for cancelling"), multiline=True, max_length=1000,
                              widget=forms.Textarea(attrs={**_TEXT, "rows": 2}))
