"""Project page forms: the project and its milestones, the lifecycle's reasons,
constraints, progress reports (a percent per milestone, notes, a photo) and change orders.

The forms check the shape of the input (numbers, Jalali dates, the photo's size); the services check
the rules again under the project's lock and have the last word (weights, the 25% rule, blocking
constraints, the photo's content).
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.catalog.forms import DomainChoiceField, PersianIntegerField
from hamyar.core.forms import (
    JalaliDateField,
    JalaliDateInput,
    PersianCharField,
    PersianDecimalField,
    ServiceErrorsMixin,
)
from hamyar.core.widgets import FileInput
from hamyar.directory.models import MunicipalAsset, Municipality, Provider, ServiceDomain

from .choices import ConstraintKind, ConstraintStatus, DocumentKind
from .models import Milestone

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_NUMBER = {"class": "form-control", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
_DATE = {"class": "form-control"}
# Rial; a bigint holds more, but no municipal contract comes near this.
MAX_AMOUNT = 10**15
MAX_TEXT = 5000
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"


_PERCENT = ("%", "٪")


def _date(label, **kwargs) -> JalaliDateField:
    return JalaliDateField(label=label, widget=JalaliDateInput(_DATE), **kwargs)


def _amount(label, *, min_value: int | None = 0, **kwargs) -> PersianIntegerField:
    return PersianIntegerField(label=label, min_value=min_value, max_value=MAX_AMOUNT,
                               widget=forms.TextInput(_NUMBER), **kwargs)


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id and obj.parent else obj.name


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MunicipalAsset) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class ProjectForm(ServiceErrorsMixin, forms.Form):
    """A new project (or one still in planning): where, what, by whom, for how much, when."""

    title = PersianCharField(label=_("Title"), max_length=200, widget=forms.TextInput(_TEXT))
    municipality = MunicipalityChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(),
                                           empty_label="—", widget=forms.Select(_SELECT))
    site = SiteChoiceField(label=_("Site"), queryset=MunicipalAsset.objects.none(), required=False,
                           empty_label=_("No particular site"), widget=forms.Select(_SELECT),
                           help_text=_("A park, garden or land of the municipality chosen above."))
    domain = DomainChoiceField(label=_("Service domain"), queryset=ServiceDomain.objects.none(),
                               empty_label="—", widget=forms.Select(_SELECT))
    provider = forms.ModelChoiceField(label=_("Executing provider"), queryset=Provider.objects.none(),
                                      required=False, empty_label=_("The best match for the domain"),
                                      widget=forms.Select(_SELECT),
                                      help_text=_("A staff unit or an affiliated company; left empty, the "
                                                  "provider best able to serve the domain is chosen."))
    contract_amount = _amount(_("Contract amount (Rial)"))
    start_date = _date(_("Start date"))
    end_date = _date(_("End date"))
    description = PersianCharField(label=_("Description"), required=False, multiline=True,
                                   max_length=MAX_TEXT, widget=forms.Textarea({**_TEXT, "rows": 3}))

    def __init__(self, data=None, *, municipalities, sites, domains, providers, fixed_place: bool = False,
                 **kwargs):
        super().__init__(data, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["site"].queryset = sites
        self.fields["domain"].queryset = domains
        self.fields["provider"].queryset = providers
        if fixed_place:  # a project in planning keeps its municipality
            del self.fields["municipality"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        site, municipality = cleaned.get("site"), cleaned.get("municipality")
        if site is not None and municipality is not None and site.municipality_id != municipality.pk:
            self.add_error("site", _("The site must be an asset of the chosen municipality."))
        return cleaned


class MilestoneForm(ServiceErrorsMixin, forms.Form):
    title = PersianCharField(label=_("Milestone"), max_length=200, widget=forms.TextInput(_TEXT))
    weight = PersianDecimalField(label=_("Weight (%)"), min_value=Decimal("0.01"), max_value=Decimal("100"),
                                 max_digits=5, decimal_places=2, units=_PERCENT,
                                 widget=forms.TextInput(_NUMBER))
    amount = _amount(_("Amount (Rial)"))
    planned_start = _date(_("Planned start"))
    due_date = _date(_("Due date"))

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("planned_start"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date must not be before the planned start."))
        return cleaned


class ReasonForm(ServiceErrorsMixin, forms.Form):
    """The reason of a step that needs one; the service says when it is missing (after who and when)."""

    reason = PersianCharField(label=_("Reason"), required=False, multiline=True, max_length=MAX_TEXT,
                              widget=forms.Textarea({**_TEXT, "rows": 2}))


class ConstraintForm(ServiceErrorsMixin, forms.Form):
    """A new constraint: what holds the project (or one milestone) up, who resolves it, by when."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ConstraintKind.choices],
                             widget=forms.Select(_SELECT))
    title = PersianCharField(label=_("Title"), max_length=200, widget=forms.TextInput(_TEXT))
    milestone = forms.ModelChoiceField(label=_("Affected milestone"), queryset=Milestone.objects.none(),
                                       required=False, empty_label=_("The whole project"),
                                       widget=forms.Select(_SELECT))
    status = forms.ChoiceField(label=_("Status"), choices=ConstraintStatus.choices,
                               initial=ConstraintStatus.OPEN, widget=forms.Select(_SELECT))
    owner = PersianCharField(label=_("Owner"), max_length=150, widget=forms.TextInput(_TEXT),
                             help_text=_("Who is resolving it."))
    due_date = _date(_("Due date"), required=False)
    notes = PersianCharField(label=_("Notes"), required=False, multiline=True, max_length=MAX_TEXT,
                             widget=forms.Textarea({**_TEXT, "rows": 2}))

    def __init__(self, data=None, *, milestones, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["milestone"].queryset = milestones


class ConstraintUpdateForm(ServiceErrorsMixin, forms.Form):
    """A constraint's new status, owner, due date and notes."""

    status = forms.ChoiceField(label=_("Status"), choices=ConstraintStatus.choices,
                               widget=forms.Select(_SELECT))
    owner = PersianCharField(label=_("Owner"), max_length=150, widget=forms.TextInput(_TEXT))
    due_date = _date(_("Due date"), required=False)
    notes = PersianCharField(label=_("Notes"), required=False, multiline=True, max_length=MAX_TEXT,
                             widget=forms.Textarea({**_TEXT, "rows": 2}))


class ProgressReportForm(ServiceErrorsMixin, forms.Form):
    """A dated report: a physical percent for each milestone not yet completed, notes, and a photo."""

    reported_on = _date(_("Report date"))
    notes = PersianCharField(label=_("Notes"), required=False, multiline=True, max_length=MAX_TEXT,
                             widget=forms.Textarea({**_TEXT, "rows": 3}))
    photo = forms.FileField(label=_("Site photo"), required=False, widget=FileInput(attrs={
        "accept": PHOTO_ACCEPT}),
        help_text=_("JPEG, PNG or WebP; the photo is checked and a thumbnail is made."))
    caption = PersianCharField(label=_("Photo caption"), required=False, max_length=200,
                               widget=forms.TextInput(_TEXT))

    def __init__(self, data=None, files=None, *, milestones: list[Milestone], **kwargs):
        kwargs.setdefault("initial", {"reported_on": timezone.localdate()})
        super().__init__(data, files, **kwargs)
        self.milestones = list(milestones)
        for milestone in self.milestones:
            field = PersianDecimalField(
                label=milestone.title, required=False, min_value=Decimal("0"), max_value=Decimal("100"),
                max_digits=5, decimal_places=2, initial=milestone.percent, units=_PERCENT,
                widget=forms.TextInput({**_NUMBER, "inputmode": "decimal"}),
            )
            field.milestone = milestone
            self.fields[self.percent_field(milestone)] = field

    @staticmethod
    def percent_field(milestone: Milestone) -> str:
        return f"percent_{milestone.pk}"

    def percent_fields(self) -> list:
        return [self[self.percent_field(m)] for m in self.milestones]

    def percents(self) -> dict[int, Decimal]:
        """{milestone id: percent} of the milestones given a figure."""
        rows = {}
        for milestone in self.milestones:
            value = self.cleaned_data.get(self.percent_field(milestone))
            if value is not None:
                rows[milestone.pk] = value
        return rows

    def add_service_error(self, error) -> None:
        """The service names the photos «photos» and the percents «entries»: put them where they belong."""
        fields = dict((error.extra or {}).get("fields") or {})
        if "photos" in fields:
            fields["photo"] = fields.pop("photos")
        error.extra = {**(error.extra or {}), "fields": fields}
        super().add_service_error(error)

    def clean_photo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        if not upload:
            return None
        limit = settings.HAMYAR_ATTACHMENT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The photo is too large; a photo may be at most %(limit)s MB."),
                params={"limit": limit // 2**20}, code="too_large",
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        reported_on = cleaned.get("reported_on")
        if reported_on and reported_on > timezone.localdate():
            self.add_error("reported_on", _("The report date must not be in the future."))
        if not self.errors and not self.percents():
            self.add_error(None, _("Give the physical progress of at least one milestone."))
        return cleaned


class ChangeOrderForm(ServiceErrorsMixin, forms.Form):
    """A proposed change: what changes in the scope, by how much (negative lowers it), a new end date, why."""

    description = PersianCharField(label=_("Scope change"), required=False, multiline=True,
                                   max_length=MAX_TEXT, widget=forms.Textarea({**_TEXT, "rows": 2}))
    amount_change = _amount(_("Amount change (Rial)"), min_value=-MAX_AMOUNT, required=False,
                            help_text=_("Negative to lower the contract amount."))
    new_end_date = _date(_("New end date"), required=False)
    reason = PersianCharField(label=_("Reason"), multiline=True, max_length=MAX_TEXT,
                              widget=forms.Textarea({**_TEXT, "rows": 2}))

    def clean_amount_change(self) -> int:
        return self.cleaned_data.get("amount_change") or 0

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("amount_change") and not cleaned.get("new_end_date") \
                and not cleaned.get("description"):
            self.add_error(None, _("A change order changes the scope, the amount or the end date."))
        return cleaned


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """An officer's or executive's decision on a change order; beyond the 25% limit only an executive."""

    decision_note = PersianCharField(label=_("Decision note"), required=False, multiline=True,
                                     max_length=MAX_TEXT, widget=forms.Textarea({**_TEXT, "rows": 2}))
    beyond_limit = forms.BooleanField(
        label=_("Approve beyond the limit of 25%"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_("Only an executive, with the reason in the decision note."),
    )



class DocumentForm(ServiceErrorsMixin, forms.Form):
    """A document for the project's record; the service reads the file's kind from its bytes."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *DocumentKind.choices],
                             widget=forms.Select(_SELECT))
    title = PersianCharField(label=_("Title"), max_length=200, required=False, widget=forms.TextInput(_TEXT),
                             help_text=_("Empty: the file's name."))
    file = forms.FileField(label=_("File"), widget=FileInput(attrs={
        "accept": DOCUMENT_ACCEPT}),
        help_text=_("PDF, JPEG, PNG, Excel or Word, up to 10 MB."))
