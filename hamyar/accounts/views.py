"""Sign-in and sign-out, the organization's users, and one's own API tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.errors import InvalidInput
from hamyar.web import access
from hamyar.web.access import ALL_ROLES
from hamyar.web.pages import page, render_list

from . import selectors, services
from .forms import ApiTokenForm, LoginForm, MemberFilterForm
from .models import ApiToken, Membership


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


class LogoutView(auth_views.LogoutView):
    """Sign-out is a POST from the header's button (Django refuses GET sign-outs)."""


@page(roles=access.USER_ADMINS, model=Membership)
def user_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET)
    values = form.cleaned_data if form.is_valid() else {}
    rows = selectors.membership_list(user=request.user, q=values.get("q"), role=values.get("role"))
    return render_list(request, template="accounts/user_list.html",
                       fragment="accounts/partials/user_results.html", rows=rows,
                       context={"filter_form": form})


@page(roles=ALL_ROLES, model=ApiToken)
def token_list(request: HttpRequest) -> HttpResponse:
    """One's API tokens; a new token's secret is shown on this answer only, never again."""
    form = ApiTokenForm(request.POST or None)
    secret, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            days = form.cleaned_data.get("days")
            try:
                _token, secret = services.api_token_create(
                    acting_user=request.user, name=form.cleaned_data["name"],
                    expires_at=timezone.now() + timedelta(days=days) if days else None,
                )
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                status, form = 201, ApiTokenForm()
    return render(request, "accounts/token_list.html",
                  {"form": form, "secret": secret, "tokens": selectors.api_token_list(user=request.user)},
                  status=status)


@page(roles=ALL_ROLES, model=ApiToken)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(token=token, acting_user=request.user)
    messages.success(request, _("The token was revoked; it no longer opens the API."))
    return redirect("accounts:token_list")
