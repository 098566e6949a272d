"""Change orders: proposed from the project page, approved or rejected by those who decide."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamyar.core.pages import page

from .. import selectors, services
from ..choices import CHANGE_ORDER_LIFECYCLE, WORKERS, ChangeOrderAction
from ..forms import ChangeOrderForm, DecisionForm
from ..models import ChangeOrder
from .detail import act_on_project, taking

# ---------------------------------------------------------------- change orders


@require_POST
@page(roles=WORKERS, model=ChangeOrder)
def change_order_propose(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ChangeOrderForm(request.POST)
    return act_on_project(
        request, pk,
        lambda data: services.change_order_propose(project=project, acting_user=request.user, **data),
        success=lambda change: _("Change order %(number)s was proposed.") % {"number": change.number},
        form=form, change_form=form, open_form="change")


def _approve(request: HttpRequest, change: ChangeOrder, data: dict) -> ChangeOrder:
    return services.change_order_approve(change_order=change, acting_user=request.user,
                                         decision_note=data.get("decision_note", ""),
                                         beyond_limit=data.get("beyond_limit", False))


def _reject(request: HttpRequest, change: ChangeOrder, data: dict) -> ChangeOrder:
    return services.change_order_reject(change_order=change, acting_user=request.user,
                                        decision_note=data.get("decision_note", ""))


# A decision as the page posts it: its one service, and what the page says when it is done.
DECISIONS = {
    ChangeOrderAction.APPROVE: (_approve, gettext_lazy(
        "Change order %(number)s was approved; the amount in force and the end date are updated.")),
    ChangeOrderAction.REJECT: (_reject, gettext_lazy("Change order %(number)s was rejected.")),
}


@require_POST
@page(roles=taking(CHANGE_ORDER_LIFECYCLE), model=ChangeOrder)
def change_order_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve or reject a proposed change order; beyond the 25% limit only an executive, with a note."""
    if decision not in DECISIONS:
        raise Http404
    decide, done = DECISIONS[ChangeOrderAction(decision)]
    change = selectors.change_order_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    return act_on_project(
        request, change.project_id, lambda data: decide(request, change, data),
        success=done % {"number": change.number}, form=form, decision_form=form, decision_for=change.pk)
