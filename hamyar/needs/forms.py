"""Needs page forms: the need form, the officers' step forms, service levels.

The forms check the shape of the input (numbers, Jalali dates, choices in the user's scope); the
services check the rules again and have the last word.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.forms import DomainChoiceField, PersianIntegerField
from hamyar.core.forms import JalaliDateField, PersianCharField, ServiceErrorsMixin
from hamyar.directory.models import MunicipalAsset, Municipality, Provider, ServiceDomain

from . import services
from .choices import NeedKind

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}


class NeedForm(ServiceErrorsMixin, forms.Form):
    """What a municipality asks for; goods lines come from the catalog picker beside the form."""

    kind = forms.ChoiceField(label=_("What is needed"), choices=NeedKind.choices,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(),
                                          widget=forms.Select(_SELECT))
    title = PersianCharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={
        **_TEXT, "placeholder": _("e.g. Park benches for Vakilabad Park")}))
    domain = DomainChoiceField(label=_("Service domain"), queryset=ServiceDomain.objects.none(),
                               required=False,
                               empty_label=_("From the chosen items"), widget=forms.Select(_SELECT),
                               help_text=_("For goods it may be left to the items' domain."))
    description = PersianCharField(label=_("Description"), required=False, multiline=True, max_length=10_000,
                                   widget=forms.Textarea(attrs={**_TEXT, "rows": 4}))
    site = forms.ModelChoiceField(label=_("Site"), queryset=MunicipalAsset.objects.none(), required=False,
                                  empty_label=_("No particular site"), widget=forms.Select(_SELECT),
                                  help_text=_("One of the municipality's assets; required for a project."))
    budget_estimate = PersianIntegerField(label=_("Budget estimate (Rial)"), required=False, min_value=0,
                                          max_value=services.MAX_BUDGET, widget=forms.TextInput(_NUMBER))
    desired_date = JalaliDateField(label=_("Desired date"), required=False)

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality] | None = None,
                 domains: QuerySet[ServiceDomain], sites: QuerySet[MunicipalAsset], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains
        self.fields["site"].queryset = sites
        self.fields["desired_date"].widget.attrs["class"] = "form-control"
        if municipalities is None:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities


class ReasonForm(forms.Form):
    reason = PersianCharField(label=_("Reason"), required=False, multiline=True, max_length=2000,
                              widget=forms.Textarea(attrs={**_TEXT, "rows": 2}))


class TriageForm(forms.Form):
    domain = DomainChoiceField(label=_("Service domain"), queryset=ServiceDomain.objects.none(),
                               required=False,
                               empty_label=_("Keep the domain"), widget=forms.Select(_SELECT))

    def __init__(self, *args: Any, domains: QuerySet[ServiceDomain], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains


class AssignForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), required=False)
    reason = PersianCharField(required=False, multiline=True, max_length=2000)

    def __init__(self, *args: Any, providers: QuerySet[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class CompetingForm(forms.Form):
    count = PersianIntegerField(label=_("How many providers"), min_value=1, max_value=services.MAX_COMPETING,
                                initial=3, widget=forms.TextInput({**_NUMBER, "class": "form-control w-5"}))


class ServiceLevelForm(ServiceErrorsMixin, forms.Form):
    triage_hours = PersianIntegerField(label=_("Hours to triage"), min_value=1,
                                       max_value=services.MAX_SERVICE_HOURS, widget=forms.TextInput(_NUMBER))
    first_quotation_hours = PersianIntegerField(label=_("Hours to first quotation"), min_value=1,
                                                max_value=services.MAX_SERVICE_HOURS,
                                                widget=forms.TextInput(_NUMBER))
    delivery_days = PersianIntegerField(label=_("Days to delivery"), min_value=1,
                                        max_value=services.MAX_SERVICE_HOURS, widget=forms.TextInput(_NUMBER))
