"""Complaint pages: the list (by status and overdue), filing one from a need, quotation or order page, one
complaint with its timeline, files and the steps the user may take.

Every view reads through a scoped selector and writes through one service; a refused step shows the
complaint again with the service's message, at the service's status (409, 422), writing nothing.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, page_action, place_service_error, render_list
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES
from hamyar.core.scoping import membership_of
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory
from hamyar.needs import selectors as needs

from .. import selectors, services
from ..choices import (
    COMPLAINANT_ROLES,
    COMPLAINT_LIFECYCLE,
    ComplaintAction,
    ComplaintStatus,
    ComplaintTopic,
)
from ..complaint_forms import AnswerForm, AssignForm, ComplaintForm, ReopenForm, WithdrawForm
from ..filters import ComplaintFilter
from ..models import Complaint, ComplaintAttachment

READERS = selectors.COMPLAINT_READERS
STEP_ROLES = {action: step.roles for action, step in COMPLAINT_LIFECYCLE.steps.items()}


# ---------------------------------------------------------------- the list


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@page(roles=READERS, model=Complaint)
def complaint_list(request: HttpRequest) -> HttpResponse:
    """A complainant's own complaints (and a supplier's answered ones about it); all for officers, by
    status, overdue, municipality and provider."""
    user = request.user
    role = membership_of(user).role
    filters = ComplaintFilter(request.GET)
    values = filters.values()
    is_officer = role in ORGANIZATION_WIDE_ROLES
    rows = selectors.complaint_list(user=user, filters=values)
    context: dict[str, Any] = {
        "filters": filters, "status": values.get("status", ""), "statuses": ComplaintStatus.choices,
        "overdue": values.get("overdue"), "is_officer": is_officer,
        "is_complainant": role in COMPLAINANT_ROLES,
        "municipality_id": values.get("municipality"), "provider_id": values.get("provider"),
        "query": _without_page(request),
    }
    if is_officer:
        context["municipalities"] = directory.municipality_list(user=user)
        context["providers"] = directory.provider_list(user=user)
    response = render_list(request, template="commerce/complaint_list.html",
                           fragment="commerce/partials/complaint_rows.html", rows=rows, context=context)
    return response


# ---------------------------------------------------------------- filing


def _process(request: HttpRequest) -> dict[str, Any]:
    """The process the complaint is about, from the query (?need=, ?quotation= or ?order=), read in scope."""
    user = request.user
    order_id, quotation_id = parse_id(request.GET.get("order")), parse_id(request.GET.get("quotation"))
    need_id = parse_id(request.GET.get("need"))
    order = selectors.order_get(user=user, pk=order_id) if order_id else None
    quotation = selectors.quotation_get(user=user, pk=quotation_id) if quotation_id else None
    if need_id is None:
        need_id = order.need_id if order else quotation.need_id if quotation else None
    if need_id is None:
        return {}
    return {"need": needs.need_get(user=user, pk=need_id), "order": order, "quotation": quotation}


@page(roles=COMPLAINANT_ROLES, model=Complaint)
def complaint_file(request: HttpRequest) -> HttpResponse:
    """File a complaint about the need (or its quotation or order) named in the query; without one, the
    page says where to file it from."""
    process = _process(request)
    if not process:
        return render(request, "commerce/complaint_form.html", {"form": None})
    topic = (ComplaintTopic.ORDER if process["order"] else ComplaintTopic.QUOTATION if process["quotation"]
             else ComplaintTopic.NEED)
    form = ComplaintForm(request.POST or None, initial={"topic": topic})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint = services.complaint_file(
                    acting_user=request.user, **process, topic=form.cleaned_data["topic"],
                    subject=form.cleaned_data["subject"], description=form.cleaned_data["description"],
                    uploads=request.FILES.getlist("files"))
            except ApplicationError as error:
                if not place_service_error(error, [form]):
                    raise
                status = error.status
            else:
                messages.success(request, _("Complaint %(number)s was filed; an answer is due within "
                                            "%(days)s days.")
                                 % {"number": complaint.number, "days": services.complaints.response_days()})
                return redirect("commerce:complaint_detail", complaint.pk)
        else:
            status = 422
    context = {"form": form, **process, "days": services.complaints.response_days(),
               "max_files": services.complaints.MAX_FILES, "query": request.GET.urlencode(),
               # Several files at once, in the Persian file input (web/partials/file_input.html).
               "file_attrs": {"class": "file-pick-input", "multiple": True, "aria-labelledby": "files-label"}}
    return render(request, "commerce/complaint_form.html", context, status=status)


# ---------------------------------------------------------------- one complaint


def _context(request: HttpRequest, complaint: Complaint, **extra: Any) -> dict[str, Any]:
    user = request.user
    actions = selectors.complaint_actions(complaint=complaint, user=user)
    owners = selectors.complaint_owner_choices(user=user) if ComplaintAction.ASSIGN in actions else []
    return {
        "complaint": complaint,
        "overdue": selectors.is_overdue(complaint),
        "attachments": selectors.complaint_attachments(complaint=complaint),
        "timeline": selectors.complaint_timeline(complaint=complaint),
        "actions": actions,
        "can_attach": _may_attach(complaint, actions),
        "assign_form": extra.pop("assign_form", None) or AssignForm(owners=owners,
                                                                    initial={"owner": complaint.owner_id}),
        "answer_form": extra.pop("answer_form", None) or AnswerForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(),
        "withdraw_form": extra.pop("withdraw_form", None) or WithdrawForm(),
        **extra,
    }


def _may_attach(complaint: Complaint, actions: list[str]) -> bool:
    """The complainant (the one who may withdraw) adds files while an answer is awaited."""
    return ComplaintAction.WITHDRAW in actions


@page(roles=READERS, model=Complaint)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    return render(request, "commerce/complaint_detail.html", _context(request, complaint))


Show = Callable[[ApplicationError | None], HttpResponse]


def _shown(request: HttpRequest, pk: int, **extra: object) -> Show:
    def show(error: ApplicationError | None) -> HttpResponse:
        complaint = selectors.complaint_get(user=request.user, pk=pk)
        context = _context(request, complaint, error=error, **extra)
        return render(request, "commerce/complaint_detail.html", context)

    return show


def _bad_form(show: Show) -> HttpResponse:
    response = show(None)
    response.status_code = 422
    return response


def _to(pk: int) -> str:
    return reverse("commerce:complaint_detail", args=[pk])


@require_POST
@page(roles=STEP_ROLES[ComplaintAction.ASSIGN], model=Complaint)
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    form = AssignForm(request.POST, owners=selectors.complaint_owner_choices(user=request.user))
    show = _shown(request, pk, assign_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(request, lambda: services.complaint_assign(
        complaint=complaint, acting_user=request.user, owner=form.cleaned_data["owner"]),
                       redirect_to=_to(pk), show=show, forms=[form],
                       success=_("The complaint has an owner; they are told."))


@require_POST
@page(roles=STEP_ROLES[ComplaintAction.ANSWER], model=Complaint)
def complaint_answer(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    show = _shown(request, pk, answer_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(request, lambda: services.complaint_answer(
        complaint=complaint, acting_user=request.user, answer=form.cleaned_data["answer"]),
                       redirect_to=_to(pk), show=show, forms=[form],
                       success=_("The answer is on record; the complainant is told."))


@require_POST
@page(roles=STEP_ROLES[ComplaintAction.CLOSE], model=Complaint)
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    return page_action(request, lambda: services.complaint_close(complaint=complaint,
                                                                 acting_user=request.user),
                       redirect_to=_to(pk), show=_shown(request, pk), success=_("The complaint is closed."))


@require_POST
@page(roles=STEP_ROLES[ComplaintAction.REOPEN], model=Complaint)
def complaint_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    form = ReopenForm(request.POST)
    show = _shown(request, pk, reopen_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(request, lambda: services.complaint_reopen(
        complaint=complaint, acting_user=request.user, reason=form.cleaned_data["reason"]),
                       redirect_to=_to(pk), show=show, forms=[form],
                       success=_("The complaint is reopened; its owner is told."))


@require_POST
@page(roles=STEP_ROLES[ComplaintAction.WITHDRAW], model=Complaint)
def complaint_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    show = _shown(request, pk, withdraw_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(request, lambda: services.complaint_withdraw(
        complaint=complaint, acting_user=request.user, reason=form.cleaned_data["reason"]),
        redirect_to=_to(pk), show=show, forms=[form], success=_("The complaint is withdrawn."))


@require_POST
@page(roles=COMPLAINANT_ROLES, model=Complaint)
def complaint_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    return page_action(request, lambda: services.complaint_attachment_add(
        complaint=complaint, acting_user=request.user, upload=upload),
        redirect_to=_to(pk), show=_shown(request, pk), success=_("The file was attached."))


@page(roles=READERS, model=ComplaintAttachment)
def complaint_attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of a complaint the user may read, as a download (never shown inline); anything else is 404."""
    attachment = selectors.complaint_attachment_get(user=request.user, pk=pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list = [
    path("complaints/", complaint_list, name="complaint_list"),
    path("complaints/new/", complaint_file, name="complaint_file"),
    path("complaints/<int:pk>/", complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/assign/", complaint_assign, name="complaint_assign"),
    path("complaints/<int:pk>/answer/", complaint_answer, name="complaint_answer"),
    path("complaints/<int:pk>/close/", complaint_close, name="complaint_close"),
    path("complaints/<int:pk>/reopen/", complaint_reopen, name="complaint_reopen"),
    path("complaints/<int:pk>/withdraw/", complaint_withdraw, name="complaint_withdraw"),
    path("complaints/<int:pk>/attachments/", complaint_attachment_add, name="complaint_attachment_add"),
    path("complaint-files/<int:pk>/", complaint_attachment_download, name="complaint_attachment"),
]
