"""The organization's approval thresholds: read by officers, changed by its admin."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from hamyar.core.pages import page, page_action
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, Role
from hamyar.core.scoping import membership_of

from .. import selectors, services
from ..forms import PolicyForm
from ..models import CommercePolicy

POLICY_READERS = ORGANIZATION_WIDE_ROLES


# ---------------------------------------------------------------- policy


@page(roles=POLICY_READERS, model=CommercePolicy)
def commerce_policy(request: HttpRequest) -> HttpResponse:
    """The organization's thresholds; only its admin changes them (the service says who, audited)."""
    membership = membership_of(request.user)
    policy = selectors.commerce_policy_get(organization_id=membership.organization_id)
    can_edit = Role(membership.role) in services.POLICY_EDITORS
    initial = {
        "deputy_approval_above": policy.deputy_approval_above,
        "mayor_approval_above": policy.mayor_approval_above,
        "quotation_validity_days": policy.quotation_validity_days,
    }
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"form": form, "policy": policy, "can_edit": can_edit}
    if request.method != "POST":
        return render(request, "commerce/quotation_policy.html", context)
    if not form.is_valid():
        services.commerce_policy_editor(acting_user=request.user)  # a wrong role hears 403 first
        return render(request, "commerce/quotation_policy.html", context, status=422)
    data = dict(form.cleaned_data)
    return page_action(
        request, lambda: services.commerce_policy_update(acting_user=request.user, data=data),
        redirect_to=reverse("commerce:policy"), forms=[form], success=_("The thresholds were saved."),
        show=lambda error: render(request, "commerce/quotation_policy.html", {**context, "error": error}))


urlpatterns = [
    path("policy/", commerce_policy, name="policy"),
]
