from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import ServiceErrorsMixin
from hamyar.directory.models import ServiceDomain

from .choices import ProcessKind

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
