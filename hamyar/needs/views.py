"""Needs list pages: the municipality's needs, the officers' triage queue and overdue list, the
providers' work queue and the service levels (the board and the capability gaps are insights' pages,
under the same names).

Each reads through a scoped selector; the need form is in `form_views`, a need's page and its steps
in `detail_views`.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hamyar.core.access import MUNICIPALITY_READERS
from hamyar.core.errors import InvalidInput
from hamyar.core.pages import page, render_list
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES, Role
from hamyar.core.scoping import role_of
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory

from . import selectors, services
from .choices import AUTHORS, OFFICERS
from .filters import NeedFilter
from .forms import ServiceLevelForm
from .models import Need, ServiceLevel

LIST_READERS = MUNICIPALITY_READERS
BOARD_READERS = ORGANIZATION_WIDE_ROLES
SERVICE_LEVEL_EDITORS = frozenset(services.SERVICE_LEVEL_EDITORS)


# ---------------------------------------------------------------- lists


@page(roles=LIST_READERS, model=Need)
def need_list(request: HttpRequest) -> HttpResponse:
    """The municipality's needs (an officer: every municipality's), newest first, live-filtered."""
    user = request.user
    municipal = role_of(user) == Role.MUNICIPALITY_USER
    form = NeedFilter(request.GET, domains=directory.domain_list(user=user),
                      municipalities=None if municipal else directory.municipality_list(user=user))
    rows = selectors.need_list(user=user, filters=form.values())
    return render_list(request, template="needs/need_list.html", fragment="needs/partials/need_results.html",
                       rows=rows, context={"filter_form": form, "can_create": role_of(user) in AUTHORS,
                                           "show_municipality": not municipal})


@page(roles=OFFICERS, model=Need)
def triage_queue(request: HttpRequest) -> HttpResponse:
    """Submitted needs waiting for an officer, the oldest first, with how long each has waited."""
    rows = selectors.need_triage_queue(user=request.user)
    return render_list(request, template="needs/triage_queue.html",
                       fragment="needs/partials/need_results.html",
                       rows=rows, context={"show_municipality": True, "show_waiting": True})


@page(roles=BOARD_READERS, model=Need)
def overdue(request: HttpRequest) -> HttpResponse:
    """Needs with a clock past its service-level target, the longest overdue first."""
    return render(request, "needs/overdue.html", {"rows": selectors.need_overdue(user=request.user)})


@page(roles=PROVIDER_ROLES, model=Need)
def work_queue(request: HttpRequest) -> HttpResponse:
    """The provider's needs in hand: assigned to it, or asked for a competing quotation."""
    rows = selectors.need_work_queue(user=request.user)
    return render_list(request, template="needs/work_queue.html", fragment="needs/partials/work_results.html",
                       rows=rows)


# ---------------------------------------------------------------- service levels


@page(roles=SERVICE_LEVEL_EDITORS, model=ServiceLevel)
def service_levels(request: HttpRequest) -> HttpResponse:
    """Every domain with the targets that apply to it; the admin sets a domain's own, or clears them."""
    rows = selectors.service_level_rows(user=request.user)
    status, form, editing = 200, None, None
    if request.method == "POST":
        domain = directory.domain_get(user=request.user, pk=_int(request.POST.get("domain")))
        editing = domain.pk
        if request.POST.get("clear"):
            level = selectors.service_level_of(domain=domain)
            if level is not None:
                services.service_level_clear(acting_user=request.user, level=level)
            messages.success(request, _("The domain now follows its parent's targets."))
            return redirect("needs:service_levels")
        form = ServiceLevelForm(request.POST)
        if form.is_valid():
            try:
                services.service_level_set(acting_user=request.user, domain=domain, **form.cleaned_data)
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The service level was saved."))
                return redirect("needs:service_levels")
        status = 422
    return render(request, "needs/service_levels.html", {
        "rows": rows, "form": form, "editing": editing,
        "default_form": ServiceLevelForm(),
    }, status=status)


def _int(value: str | None) -> int:
    return parse_id(value) or 0

