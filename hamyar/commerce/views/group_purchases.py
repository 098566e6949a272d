"""Group purchase pages: the list by role, a new pool, and one pool filling up against its tiers, with
each role's part in it (a municipality's place, the officers' invitations and closing, the supplier's
order). The pool's block refreshes itself (HTMX polling of `group_purchase_pool`).

Every view reads through a scoped selector and writes through one service; a refused action shows
the pool again with the service's message, at the service's status (409, 422), writing nothing.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.catalog import selectors as catalog
from hamyar.core.errors import ApplicationError, NotFound
from hamyar.core.pages import page, page_action, render_list
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES, Role
from hamyar.core.scoping import membership_of
from hamyar.directory.choices import ProviderKind
from hamyar.needs import selectors as needs
from hamyar.needs.choices import OPEN_STATUSES

from .. import selectors, services
from ..choices import (
    GROUP_PURCHASE_LIFECYCLE,
    OFFICER_ROLES,
    PARTICIPANT_LIFECYCLE,
    GroupPurchaseAction,
    GroupPurchaseStatus,
    ParticipantAction,
)
from ..filters import GroupPurchaseFilter
from ..group_forms import CancelForm, ExtendForm, GroupPurchaseForm, InviteForm, JoinForm
from ..models import GroupPurchase, Participant

MUNICIPALITY = frozenset(MUNICIPALITY_ROLES)
# Officers and the executive read every pool, a municipality those it is invited to, a supplier its own (a
# pool is of a represented supplier: an affiliated company's project manager has none).
READERS = ORGANIZATION_WIDE_ROLES | MUNICIPALITY | {Role.SUPPLIER_USER}
POOL_ROLES = {action: step.roles for action, step in GROUP_PURCHASE_LIFECYCLE.steps.items()}
# Each place step's route admits the roles its lifecycle step names; the service checks them again.
PLACE_ROLES = {action: step.roles for action, step in PARTICIPANT_LIFECYCLE.steps.items()}
# The place's steps possible in each state of the pool (the services check it again under the pool's lock).
PLACE_STEPS_WHILE = {
    GroupPurchaseStatus.OPEN: {ParticipantAction.JOIN, ParticipantAction.CHANGE, ParticipantAction.WITHDRAW},
    GroupPurchaseStatus.CLOSED: {ParticipantAction.WAIT, ParticipantAction.FALL_BACK,
                                 ParticipantAction.WITHDRAW},
}


# ---------------------------------------------------------------- the list and a new pool


@page(roles=READERS, model=GroupPurchase)
def group_purchase_list(request: HttpRequest) -> HttpResponse:
    """Officers and the executive: every pool of the organization; a municipality: the pools it is
    invited to, with its own place; the supplier: its own pools."""
    role = membership_of(request.user).role
    context = {"is_municipality": role in MUNICIPALITY, "is_provider": role in PROVIDER_ROLES}
    return render_list(request, template="commerce/group_purchase_list.html",
                       fragment="commerce/partials/group_rows.html",
                       rows=_Rows(request, selectors.group_purchase_list(
                           request.user, GroupPurchaseFilter(request.GET).values())), context=context)


class _Rows:
    """The pools as the paginator slices them, each page's rows read at once (no query per row)."""

    def __init__(self, request: HttpRequest, pools: Any) -> None:
        self.request, self.pools = request, pools

    def count(self) -> int:
        return self.pools.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        return selectors.group_purchase_rows(self.request.user, list(self.pools[index]))


def _items(request: HttpRequest):
    """The active catalog items of represented suppliers (an agreement in force) the officer can pool."""
    return (catalog.item_list(user=request.user)
            .filter(provider__kind=ProviderKind.SUPPLIER, is_active=True, is_offered=True)
            .select_related("provider"))


@page(roles=OFFICER_ROLES, model=GroupPurchase)
def group_purchase_create(request: HttpRequest) -> HttpResponse:
    form = GroupPurchaseForm(request.POST if request.method == "POST" else None, items=_items(request))

    def show(error: ApplicationError | None) -> HttpResponse:
        return render(request, "commerce/group_purchase_form.html", {"form": form, "error": error})

    if request.method != "POST":
        return show(None)
    if not form.is_valid():
        response = show(None)
        response.status_code = 422
        return response
    return page_action(
        request, lambda: services.group_purchase_create(acting_user=request.user, **form.arguments()),
        redirect_to=lambda pool: _to(pool.pk), show=show, forms=[form],
        success=_("The group purchase is open: invite the municipalities to join."))


# ---------------------------------------------------------------- one pool


def _pool_context(request: HttpRequest, pool: GroupPurchase, **extra: Any) -> dict:
    user = request.user
    role = membership_of(user).role
    state = selectors.pool_state(pool, user)
    pool_actions = GROUP_PURCHASE_LIFECYCLE.allowed_actions(pool.status, role)
    below_minimum = (pool.status == GroupPurchaseStatus.CLOSED
                     and state.pooled_quantity < pool.minimum_quantity)
    context: dict[str, Any] = {
        "pool": pool, "state": state, "role": role,
        "is_officer": role in OFFICER_ROLES, "is_municipality": role in MUNICIPALITY,
        "is_provider": role in PROVIDER_ROLES, "below_minimum": below_minimum,
        "can_close": GroupPurchaseAction.CLOSE in pool_actions,
        "can_extend": GroupPurchaseAction.EXTEND in pool_actions and below_minimum,
        "can_cancel": GroupPurchaseAction.CANCEL in pool_actions,
        "can_invite": role in OFFICER_ROLES and pool.status == GroupPurchaseStatus.OPEN,
        "settled": pool.ordered_at is not None,
        "place_actions": set(),
        **_pool_figures(state),
    }
    own = state.own
    if own is not None:
        allowed = set(PARTICIPANT_LIFECYCLE.allowed_actions(own.participant.status, role))
        context["place_actions"] = allowed & PLACE_STEPS_WHILE.get(pool.status, set())
        if not below_minimum:
            context["place_actions"] -= {ParticipantAction.WAIT, ParticipantAction.FALL_BACK}
        if "join_form" not in extra:
            open_needs = (needs.need_base(user=user).filter(municipality_id=own.participant.municipality_id,
                                                              status__in=OPEN_STATUSES).order_by("-pk")
                          if ParticipantAction.JOIN in context["place_actions"] else None)
            context["join_form"] = JoinForm(items=state.items, needs=open_needs, lines=own.lines)
    if context["can_invite"] and "invite_form" not in extra:
        context["invite_form"] = InviteForm(candidates=selectors.invitation_candidates(pool, user))
    context.setdefault("extend_form", extra.pop("extend_form", None) or ExtendForm())
    context.setdefault("cancel_form", extra.pop("cancel_form", None) or CancelForm())
    context.update(extra)
    return context


def _pool_figures(state: Any) -> dict:
    """The rows of the tier table and the pool's settled totals, as the templates show them."""
    items = state.items
    tiers = [{"tier": tier, "prices": [tier.prices.get(pool_item.item_id) for pool_item in items]}
             for tier in state.tiers]
    pool = state.group_purchase
    # The next tier above the one paid now (with nothing pooled yet, the first tier's price is shown).
    next_tier = next((tier for tier in state.tiers
                      if tier.from_quantity > state.pooled_quantity and not tier.current), None)
    return {"tier_rows": tiers, "single_item": len(items) == 1, "next_tier": next_tier,
            "to_next_tier": next_tier.from_quantity - state.pooled_quantity if next_tier else 0,
            "minimum_percent": min(100, round(100 * pool.minimum_quantity / max(pool.target_quantity, 1))),
            "current_tier": next((tier for tier in state.tiers if tier.current), None)}


@page(roles=READERS, model=GroupPurchase)
def group_purchase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.group_purchase_get(request.user, pk)
    return render(request, "commerce/group_purchase_detail.html", _pool_context(request, pool))


@page(roles=READERS, model=GroupPurchase)
def group_purchase_pool(request: HttpRequest, pk: int) -> HttpResponse:
    """The pool's block alone: what the page polls every 10 seconds."""
    pool = selectors.group_purchase_get(request.user, pk)
    state = selectors.pool_state(pool, request.user)
    role = membership_of(request.user).role
    context = {"pool": pool, "state": state, "is_municipality": role in MUNICIPALITY, **_pool_figures(state)}
    return render(request, "commerce/partials/group_pool.html", context)


Show = Callable[[ApplicationError | None], HttpResponse]


def _shown(request: HttpRequest, pk: int, **extra: Any) -> Show:
    def show(error: ApplicationError | None) -> HttpResponse:
        pool = selectors.group_purchase_get(request.user, pk)
        return render(request, "commerce/group_purchase_detail.html",
                      _pool_context(request, pool, error=error, **extra))

    return show


def _bad_form(show: Show) -> HttpResponse:
    response = show(None)
    response.status_code = 422
    return response


def _to(pk: int) -> str:
    return reverse("commerce:group_purchase_detail", args=[pk])


def _own_place(request: HttpRequest, pk: int) -> tuple[GroupPurchase, Participant, Any]:
    """The pool and the acting municipality's own place in it (404 when it is not invited)."""
    pool = selectors.group_purchase_get(request.user, pk)
    state = selectors.pool_state(pool, request.user)
    if state.own is None:
        raise NotFound(_("Your municipality is not invited to this group purchase."))
    return pool, state.own.participant, state


# ---------------------------------------------------------------- the officers' steps


@require_POST
@page(roles=OFFICER_ROLES, model=GroupPurchase)
def group_purchase_invite(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.group_purchase_get(request.user, pk)
    form = InviteForm(request.POST, candidates=selectors.invitation_candidates(pool, request.user))
    show = _shown(request, pk, invite_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(
        request, lambda: services.group_purchase_invite(group_purchase=pool, acting_user=request.user,
                                                        invitations=form.invitations()),
        redirect_to=_to(pk), show=show, forms=[form], success=_("The municipalities are invited and told."))


@require_POST
@page(roles=POOL_ROLES[GroupPurchaseAction.CLOSE], model=GroupPurchase)
def group_purchase_close(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.group_purchase_get(request.user, pk)
    return page_action(
        request, lambda: services.group_purchase_close(group_purchase=pool, acting_user=request.user),
        redirect_to=_to(pk), show=_shown(request, pk), success=_("The group purchase is closed."))


@require_POST
@page(roles=POOL_ROLES[GroupPurchaseAction.EXTEND], model=GroupPurchase)
def group_purchase_extend(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.group_purchase_get(request.user, pk)
    form = ExtendForm(request.POST)
    show = _shown(request, pk, extend_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(
        request, lambda: services.group_purchase_extend(group_purchase=pool, acting_user=request.user,
                                                        closes_on=form.cleaned_data["closes_on"]),
        redirect_to=_to(pk), show=show, forms=[form], success=_("The window is open again."))


@require_POST
@page(roles=POOL_ROLES[GroupPurchaseAction.CANCEL], model=GroupPurchase)
def group_purchase_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.group_purchase_get(request.user, pk)
    form = CancelForm(request.POST)
    show = _shown(request, pk, cancel_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(
        request, lambda: services.group_purchase_cancel(group_purchase=pool, acting_user=request.user,
                                                        reason=form.cleaned_data["reason"]),
        redirect_to=_to(pk), show=show, forms=[form], success=_("The group purchase is cancelled."))


# ---------------------------------------------------------------- a municipality's place


def _quantities_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Join or change: the quantities from the form, through the one service."""
    pool, place, state = _own_place(request, pk)
    open_needs = (needs.need_base(user=request.user).filter(municipality_id=place.municipality_id,
                                                            status__in=OPEN_STATUSES)
                  if action == ParticipantAction.JOIN else None)
    form = JoinForm(request.POST, items=state.items, needs=open_needs)
    show = _shown(request, pk, join_form=form)
    if not form.is_valid():
        return _bad_form(show)
    if action == ParticipantAction.JOIN:
        def act() -> Any:
            return services.participant_join(participant=place, acting_user=request.user, lines=form.lines(),
                                             need=form.cleaned_data.get("need"))
        success = _("Your municipality has joined the group purchase.")
    else:
        def act() -> Any:
            return services.participant_change(participant=place, acting_user=request.user,
                                               lines=form.lines())
        success = _("Your quantity is changed.")
    return page_action(request, act, redirect_to=_to(pk), show=show, forms=[form], success=success)


@require_POST
@page(roles=PLACE_ROLES[ParticipantAction.JOIN], model=GroupPurchase)
def participant_join(request: HttpRequest, pk: int) -> HttpResponse:
    return _quantities_step(request, pk, ParticipantAction.JOIN)


@require_POST
@page(roles=PLACE_ROLES[ParticipantAction.CHANGE], model=GroupPurchase)
def participant_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _quantities_step(request, pk, ParticipantAction.CHANGE)


def _place_step(request: HttpRequest, pk: int, service: Callable, success: str) -> HttpResponse:
    _pool, place, _state = _own_place(request, pk)
    return page_action(request, lambda: service(participant=place, acting_user=request.user),
                       redirect_to=_to(pk), show=_shown(request, pk), success=success)


@require_POST
@page(roles=PLACE_ROLES[ParticipantAction.WITHDRAW], model=GroupPurchase)
def participant_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _place_step(request, pk, services.participant_withdraw,
                       _("Your municipality has withdrawn from the group purchase."))


@require_POST
@page(roles=PLACE_ROLES[ParticipantAction.WAIT], model=GroupPurchase)
def participant_wait(request: HttpRequest, pk: int) -> HttpResponse:
    return _place_step(request, pk, services.participant_wait,
                       _("Your municipality waits for an extended window."))


@require_POST
@page(roles=PLACE_ROLES[ParticipantAction.FALL_BACK], model=GroupPurchase)
def participant_fall_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _place_step(request, pk, services.participant_fall_back,
                       _("The officers are asked for an individual quotation of your need."))


urlpatterns = [
    path("group-purchases/", group_purchase_list, name="group_purchase_list"),
    path("group-purchases/new/", group_purchase_create, name="group_purchase_create"),
    path("group-purchases/<int:pk>/", group_purchase_detail, name="group_purchase_detail"),
    path("group-purchases/<int:pk>/pool/", group_purchase_pool, name="group_purchase_pool"),
    path("group-purchases/<int:pk>/invite/", group_purchase_invite, name="group_purchase_invite"),
    path("group-purchases/<int:pk>/close/", group_purchase_close, name="group_purchase_close"),
    path("group-purchases/<int:pk>/extend/", group_purchase_extend, name="group_purchase_extend"),
    path("group-purchases/<int:pk>/cancel/", group_purchase_cancel, name="group_purchase_cancel"),
    path("group-purchases/<int:pk>/join/", participant_join, name="group_purchase_join"),
    path("group-purchases/<int:pk>/change/", participant_change, name="group_purchase_change"),
    path("group-purchases/<int:pk>/withdraw/", participant_withdraw, name="group_purchase_withdraw"),
    path("group-purchases/<int:pk>/wait/", participant_wait, name="group_purchase_wait"),
    path("group-purchases/<int:pk>/fall-back/", participant_fall_back, name="group_purchase_fall_back"),
]
