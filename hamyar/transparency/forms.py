from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import ServiceErrorsMixin
from hamyar.directory.filters import kind_field, search_field
from hamyar.directory.models import ServiceDomain

from .choices import ProcessKind
from .summary import ProcessStage, ProcessSummary

_CHECK = {"class": "form-check-input"}


class PublicationPolicyForm(ServiceErrorsMixin, forms.Form):
    """What the organization publishes: kinds of process, and the service domains it withholds."""

    kinds = forms.MultipleChoiceField(
        label=_("Publish these kinds of process"), required=False, choices=ProcessKind.choices,
        widget=forms.CheckboxSelectMultiple(attrs=_CHECK))
    withheld_domains = forms.ModelMultipleChoiceField(
        label=_("Withhold these service domains (and the domains under them)"), required=False,
        queryset=ServiceDomain.objects.none(), widget=forms.CheckboxSelectMultiple(attrs=_CHECK))

    def __init__(self, *args: object, organization_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["withheld_domains"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ServiceDomain.objects.filter(organization_id=organization_id).order_by("code")


class PublicProcessFilter(forms.Form):
    """The public list's search and filters. Domains and municipalities are named by what the
    publication itself uses (a domain's code, a municipality's party id), never by a database id."""

    q = search_field()
    kind = kind_field(ProcessKind.choices, _("All kinds"))
    stage = forms.ChoiceField(label=_("Stage"), required=False,
                              choices=[("", _("All stages")), *ProcessStage.choices],
                              widget=forms.Select(attrs={"class": "form-select"}))
    domain = forms.ChoiceField(label=_("Service domain"), required=False, choices=[],
                               widget=forms.Select(attrs={"class": "form-select"}))
    buyer = forms.ChoiceField(label=_("Municipality"), required=False, choices=[],
                              widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, data: object, *, summaries: list[ProcessSummary]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        domains = sorted({(s.domain_code, s.domain_name) for s in summaries if s.domain_code},
                         key=lambda pair: pair[1])
        buyers = sorted({buyer for s in summaries for buyer in s.buyers}, key=lambda pair: pair[1])
        self.fields["domain"].choices = [("", _("All domains")), *domains]  # type: ignore[attr-defined]
        self.fields["buyer"].choices = [("", _("All municipalities")), *buyers]  # type: ignore[attr-defined]

    def values(self) -> dict[str, str]:
        """The valid values (an invalid field is shown on the page and filters nothing)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
