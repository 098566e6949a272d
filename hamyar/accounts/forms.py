"""Sign-in and API token forms, in Persian first."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hamyar.core.text import to_latin_digits

from .choices import Role


class LoginForm(AuthenticationForm):
    """Django's sign-in form with our labels, messages and Bootstrap widgets."""

    error_messages = {
        "invalid_login": _("The username or password is not correct. Both are case-sensitive."),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            {"class": "form-control form-control-lg", "dir": "ltr", "autocomplete": "username",
             "autocapitalize": "none"}
        )
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update(
            {"class": "form-control form-control-lg", "dir": "ltr", "autocomplete": "current-password"}
        )

    def clean_username(self) -> str:
        # A clerk may type digits on a Persian keyboard.
        return to_latin_digits(self.cleaned_data.get("username") or "").strip()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100,
        help_text=_("What the token is for, e.g. “accounting software”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), required=False, min_value=1, max_value=3650,
        help_text=_("Leave empty for a token that does not expire."),
        widget=forms.NumberInput(attrs={"class": "form-control", "dir": "ltr"}),
    )

    def add_service_error(self, error) -> None:
        self.add_error(None, str(error.message))


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search by name…"),
                                      "autocomplete": "off", "class": "form-control"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
