"""Forms of insights: a municipality's answers to the satisfaction survey, and opening a survey."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import JalaliDateField, PersianCharField, ServiceErrorsMixin
from hamyar.core.text import to_latin_digits, to_persian_digits
from hamyar.directory.models import ServiceDomain

from .services import OVERALL
from .verdict_models import CRITERIA, SurveyAnswer

SCORES = [("", "—"), *((str(n), to_persian_digits(n)) for n in range(1, 6))]


class ScoreField(forms.TypedChoiceField):
    """A 1–5 select; a score typed in Persian or Arabic digits reads as the same score."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(to_latin_digits(value) if isinstance(value, str) else value)


class SurveyForm(ServiceErrorsMixin, forms.Form):
    """One select of 1–5 per criterion for the organization as a whole (required) and for each domain
    the municipality dealt with lately (optional: a domain left blank is not judged)."""

    comment = PersianCharField(label=_("Anything management should hear"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args: Any, domains: list[ServiceDomain], answers: dict[int | None, SurveyAnswer],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.domains = {str(domain.pk): domain for domain in domains}
        self.rows: list[tuple[str, str, list[forms.BoundField]]] = []
        for key, label in [(OVERALL, str(_("The organization as a whole"))),
                           *((key, domain.name) for key, domain in self.domains.items())]:
            answer = answers.get(None if key == OVERALL else int(key))
            names = []
            for name, criterion in CRITERIA:
                field_name = f"{key}-{name}"
                self.fields[field_name] = ScoreField(
                    label=f"{label}: {criterion}", choices=SCORES, coerce=int, empty_value=None,
                    required=key == OVERALL, initial=getattr(answer, name, None),
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
                names.append(field_name)
            self.rows.append((key, label, [self[n] for n in names]))
        if None in answers:
            self.fields["comment"].initial = answers[None].comment

    def scores(self) -> dict[str, dict[str, object]]:
        """The scores given, by row; a domain row left wholly blank is left out (a half-filled one is
        refused by the service, field by field)."""
        given: dict[str, dict[str, object]] = {}
        for key, _label, _fields in self.rows:
            values = {name: self.cleaned_data.get(f"{key}-{name}") for name, _c in CRITERIA}
            if key == OVERALL or any(value is not None for value in values.values()):
                given[key] = values
        return given


class SurveyOpenForm(ServiceErrorsMixin, forms.Form):
    title = PersianCharField(label=_("Title"), max_length=100,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    opens_on = JalaliDateField(label=_("Opens on"))
    closes_on = JalaliDateField(label=_("Closes on"))
