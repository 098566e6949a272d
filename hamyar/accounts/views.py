"""Sign-in and sign-out, the organization's users, and one's own API tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core import access
from hamyar.core.access import ALL_ROLES, API_TOKEN_HOLDERS
from hamyar.core.errors import InvalidInput
from hamyar.core.pages import page, public, render_list, wants_fragment

from . import inbox as inbox_groups
from . import selectors, services
from .forms import ApiTokenForm, LoginForm, MemberFilterForm, MemberForm
from .models import ApiToken, Membership, Notification


@method_decorator(public, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


@method_decorator(public, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Sign-out is a POST from the header's button (Django refuses GET sign-outs); public, so that a
    session that has already ended still signs out to the sign-in page rather than back into it."""


@page(roles=access.USER_ADMINS, model=Membership)
def user_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET)
    values = form.cleaned_data if form.is_valid() else {}
    rows = selectors.membership_list(user=request.user, q=values.get("q"), role=values.get("role"))
    return render_list(request, template="accounts/user_list.html",
                       fragment="accounts/partials/user_results.html", rows=rows,
                       context={"filter_form": form})


@page(roles=access.USER_ADMINS, model=Membership)
def user_create(request: HttpRequest) -> HttpResponse:
    """A new user of the organization; bad input answers 422 with the form and writes nothing."""
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.user_create(acting_user=request.user, **form.cleaned_data)
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The user was added."))
                return redirect("accounts:user_list")
        return render(request, "accounts/user_form.html", {"form": form}, status=422)
    return render(request, "accounts/user_form.html", {"form": form})


@page(roles=access.USER_ADMINS, model=Membership)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's role, municipality or provider, municipal post and job title."""
    membership = selectors.membership_get(user=request.user, pk=pk)
    initial = {"role": membership.role, "municipality": membership.municipality,
               "provider": membership.provider, "post": membership.post, "title": membership.title}
    form = MemberForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.membership_change_role(membership=membership, acting_user=request.user,
                                                **form.cleaned_data)
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The user's role was saved."))
                return redirect("accounts:user_list")
        return render(request, "accounts/user_form.html", {"form": form, "member": membership}, status=422)
    return render(request, "accounts/user_form.html", {"form": form, "member": membership})


@page(roles=ALL_ROLES, model=Notification)
def inbox(request: HttpRequest) -> HttpResponse:
    """One's own notifications, newest first; `?unread=1` shows only the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    rows = inbox_groups.notification_group_pages(user=request.user, unread=True if unread_only else None)
    unread_count = selectors.notification_unread_count(user=request.user)
    return render_list(request, template="accounts/inbox.html",
                       fragment="accounts/partials/inbox_results.html", rows=rows,
                       context={"unread_only": unread_only, "unread_count": unread_count})


@page(roles=ALL_ROLES, model=Notification)
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read; only a path of this site is ever followed.

    A plain link (GET) so that it opens like any other link; marking one's own message read is
    the only thing it changes.
    """
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_group_read(notification=notification, acting_user=request.user)
    if services.is_local_path(notification.url):
        return redirect(notification.url)
    return redirect("accounts:inbox")


@page(roles=ALL_ROLES, model=Notification)
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_group_read(notification=notification, acting_user=request.user)
    if wants_fragment(request):
        group = inbox_groups.notification_group_of(user=request.user, notification=notification)
        return render(request, "accounts/partials/notification_row.html", {"g": group})
    return redirect("accounts:inbox")


@page(roles=ALL_ROLES, model=Notification)
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(acting_user=request.user)
    if count:
        messages.success(request, _("All notifications were marked read."))
    return redirect(reverse("accounts:inbox"))


@page(roles=API_TOKEN_HOLDERS, model=ApiToken)
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


@page(roles=API_TOKEN_HOLDERS, model=ApiToken)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(token=token, acting_user=request.user)
    messages.success(request, _("The token was revoked; it no longer opens the API."))
    return redirect("accounts:token_list")
