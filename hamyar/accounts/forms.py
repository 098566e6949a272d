"""Sign-in and API token forms, in Persian first."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hamyar.core.errors import ApplicationError
from hamyar.core.forms import PersianCharField, PersianIntegerField, PlainCharField, ServiceErrorsMixin
from hamyar.core.roles import MunicipalPost, Role
from hamyar.core.text import to_latin_digits

from .models import User


class LoginForm(AuthenticationForm):
    """Django's sign-in form with our labels, messages and Bootstrap widgets."""

    username = PlainCharField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = PlainCharField(strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("The username or password is not correct. Both are case-sensitive."),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
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
    name = PersianCharField(
        label=_("Token name"), max_length=100,
        help_text=_("What the token is for, e.g. “accounting software”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    days = PersianIntegerField(
        label=_("Valid for (days)"), required=False, min_value=1, max_value=3650,
        help_text=_("Leave empty for the default lifetime; no token is valid for ever."),
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr", "inputmode": "numeric",
                                      "autocomplete": "off"}),
    )

    def add_service_error(self, error: ApplicationError) -> None:
        self.add_error(None, str(error.message))


class MemberFilterForm(forms.Form):
    q = PersianCharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search by name…"),
                                      "autocomplete": "off", "class": "form-control"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class MemberForm(ServiceErrorsMixin, forms.Form):
    """A user's role, binding and (for a municipality user) municipal post; the password only when new."""

    username = PlainCharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr",
                                                             "autocomplete": "off"}))
    password = PlainCharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"class": "form-control", "dir": "ltr",
                                                                 "autocomplete": "new-password"}))
    first_name = PersianCharField(label=_("First name"), max_length=150, required=False,
                                 widget=forms.TextInput(attrs={"class": "form-control"}))
    last_name = PersianCharField(label=_("Last name"), max_length=150, required=False,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"class": "form-control", "dir": "ltr"}))
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices],
                             widget=forms.Select(attrs={"class": "form-select"}))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, queryset=None,
        help_text=_("For municipality users only."), widget=forms.Select(attrs={"class": "form-select"}))
    post = forms.ChoiceField(
        label=_("Municipal post"), required=False, choices=[("", "—"), *MunicipalPost.choices],
        help_text=_("For municipality users only; empty means the procurement clerk. Above the set amount "
                    "the mayor approves after the clerk."),
        widget=forms.Select(attrs={"class": "form-select"}))
    provider = forms.ModelChoiceField(
        label=_("Provider"), required=False, queryset=None,
        help_text=_("For project managers and supplier users only."),
        widget=forms.Select(attrs={"class": "form-select"}))
    title = PersianCharField(label=_("Job title"), max_length=150, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hamyar.core.scoping import scope
        from hamyar.directory.models import Municipality, Provider

        self.fields["municipality"].queryset = scope(Municipality.objects.all(), user).order_by("name")
        self.fields["provider"].queryset = scope(Provider.objects.all(), user).order_by("name")
        if editing:
            # Name, password and e-mail are the person's own; an admin here changes only their place.
            for name in ("username", "password", "first_name", "last_name", "email"):
                del self.fields[name]

