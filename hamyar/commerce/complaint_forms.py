"""Forms of the complaint pages: filing (what it is about, subject, description; the files are read by the
service), giving it an owner, the answer, and the complainant's reasons to reopen or withdraw.

The forms check the shape of the input; the services check the rules again and have the last word.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hamyar.core.forms import PersianCharField, ServiceErrorsMixin

from .choices import ComplaintTopic
from .services.complaints import MAX_SUBJECT, MAX_TEXT

_TEXT = {"class": "form-control"}


class ComplaintForm(ServiceErrorsMixin, forms.Form):
    """A new complaint; its files come as `files` (several), checked by the service."""

    topic = forms.ChoiceField(label=_("About"), choices=ComplaintTopic.choices, initial=ComplaintTopic.OTHER,
                              widget=forms.Select(attrs={"class": "form-select"}))
    subject = PersianCharField(label=_("Subject"), max_length=MAX_SUBJECT,
                               widget=forms.TextInput(attrs=_TEXT))
    description = PersianCharField(label=_("What went wrong"), multiline=True, max_length=MAX_TEXT,
                                   widget=forms.Textarea(attrs={**_TEXT, "rows": 5}))
    # Shown so that a refused file's message has a place on the form.
    files = forms.Field(label=_("Attachments"), required=False)


class AssignForm(ServiceErrorsMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=(),
                                   widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *owners]


class AnswerForm(ServiceErrorsMixin, forms.Form):
    answer = PersianCharField(label=_("The organization's answer"), multiline=True, max_length=MAX_TEXT,
                              widget=forms.Textarea(attrs={**_TEXT, "rows": 4}))


class ReopenForm(ServiceErrorsMixin, forms.Form):
    reason = PersianCharField(label=_("Why the answer does not settle it"), multiline=True,
                              max_length=MAX_TEXT, widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = PersianCharField(label=_("Why you withdraw it (optional)"), required=False, multiline=True,
                              max_length=MAX_TEXT, widget=forms.Textarea(attrs={**_TEXT, "rows": 2}))
