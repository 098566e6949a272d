"""Change orders: proposed from the project page, approved or rejected by those who decide."""


from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page

from .. import selectors, services
from ..choices import DECIDERS, WORKERS
from ..forms import ChangeOrderForm, DecisionForm
from ..models import ChangeOrder
from .detail import invalid_on_page, refused_on_page

# ---------------------------------------------------------------- change orders


@require_POST
@page(roles=WORKERS, model=ChangeOrder)
def change_order_propose(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ChangeOrderForm(request.POST)
    if not form.is_valid():
        return invalid_on_page(request, project, change_form=form, open_form="change")
    try:
        change = services.change_order_propose(project=project, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return refused_on_page(request, pk, error, change_form=form, open_form="change")
    messages.success(request, _("Change order %(number)s was proposed.") % {"number": change.number})
    return redirect("projects:project_detail", pk=pk)


@require_POST
@page(roles=DECIDERS, model=ChangeOrder)
def change_order_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve or reject a proposed change order; beyond the 25% limit only an executive, with a note."""
    if decision not in ("approve", "reject"):
        raise Http404
    change = selectors.change_order_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        project = selectors.project_get(user=request.user, pk=change.project_id)
        return invalid_on_page(request, project, decision_form=form, decision_for=change.pk)
    note = form.cleaned_data.get("decision_note", "")
    try:
        if decision == "approve":
            services.change_order_approve(change_order=change, acting_user=request.user, decision_note=note,
                                          beyond_limit=form.cleaned_data.get("beyond_limit", False))
        else:
            services.change_order_reject(change_order=change, acting_user=request.user, decision_note=note)
    except ApplicationError as error:
        return refused_on_page(request, change.project_id, error, decision_form=form, decision_for=change.pk)
    if decision == "approve":
        messages.success(request, _("Change order %(number)s was approved; the amount in force and the "
                                    "end date are updated.") % {"number": change.number})
    else:
        messages.success(request, _("Change order %(number)s was rejected.") % {"number": change.number})
    return redirect("projects:project_detail", pk=change.project_id)
