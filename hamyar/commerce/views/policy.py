"""The organization's approval thresholds: read by officers, changed by its admin."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from hamyar.core.errors import InvalidInput, PermissionDenied
from hamyar.core.pages import page
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, Role
from hamyar.core.scoping import membership_of

from .. import selectors, services
from ..forms import PolicyForm
from ..models import CommercePolicy

POLICY_READERS = ORGANIZATION_WIDE_ROLES


# ---------------------------------------------------------------- policy


@page(roles=POLICY_READERS, model=CommercePolicy)
def commerce_policy(request: HttpRequest) -> HttpResponse:
    """The organization's thresholds; only its admin changes them (audited)."""
    membership = membership_of(request.user)
    policy = selectors.commerce_policy_get(organization_id=membership.organization_id)
    can_edit = membership.role == Role.ORG_ADMIN
    initial = {
        "deputy_approval_above": policy.deputy_approval_above,
        "mayor_approval_above": policy.mayor_approval_above,
        "quotation_validity_days": policy.quotation_validity_days,
    }
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied()
        if form.is_valid():
            try:
                services.commerce_policy_update(acting_user=request.user, data=dict(form.cleaned_data))
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The thresholds were saved."))
                return redirect("commerce:policy")
        return render(
            request,
            "commerce/quotation_policy.html",
            {"form": form, "policy": policy, "can_edit": can_edit},
            status=422,
        )
    return render(
        request, "commerce/quotation_policy.html", {"form": form, "policy": policy, "can_edit": can_edit}
    )



urlpatterns = [
    path("policy/", commerce_policy, name="policy"),
]
