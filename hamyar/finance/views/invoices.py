"""Invoice pages: the list, what is left to bill, the invoice with its actions (issue, record a
payment, void), and its PDF and Excel."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamyar.commerce.models import Delivery
from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, page_action, render_list
from hamyar.core.roles import Role
from hamyar.core.scoping import role_of
from hamyar.directory import selectors as directory
from hamyar.projects.models import PaymentRequest

from .. import documents, selectors, services
from ..choices import INVOICE_LIFECYCLE, OPEN_STATUSES, InvoiceAction, InvoiceStatus
from ..filters import InvoiceFilter
from ..forms import IssueForm, PaymentForm, VoidForm
from ..models import Invoice
from .common import INVOICE_READERS, WRITERS, attachment, form_action, once_done

# The history's words for the services' audit actions on an invoice.
STATUS_DONE = {
    InvoiceStatus.ISSUED: gettext_lazy("Invoice %(number)s was issued; the municipality was told."),
    InvoiceStatus.VOID: gettext_lazy("Invoice %(number)s was voided."),
}


@page(roles=INVOICE_READERS, model=Invoice)
def invoice_list(request: HttpRequest) -> HttpResponse:
    """All of the organization's invoices for its roles; a municipality's own for its users."""
    user = request.user
    role = role_of(user)
    is_municipality = role == Role.MUNICIPALITY_USER
    form = InvoiceFilter(
        request.GET or None,
        municipalities=None if is_municipality
        else directory.municipality_list(user=user).select_related("parent"),
    )
    refused = form.is_bound and not form.is_valid()
    rows = selectors.invoice_list(user=user, filters=form.values())
    response = render_list(request, template="finance/invoice_list.html",
                           fragment="finance/partials/invoice_rows.html",
                           rows=rows.none() if refused else rows, context={
                               "filter_form": form,
                               "is_municipality": is_municipality,
                               "can_bill": role in WRITERS,
                               "today": timezone.localdate(),
                           })
    if refused:
        response.status_code = 400
    return response


@page(roles=WRITERS, model=Invoice)
def billing_queue(request: HttpRequest) -> HttpResponse:
    """What was received or done and is not billed yet: received deliveries, waiting payment requests."""
    return _billing_queue(request, None)


def _billing_queue(request: HttpRequest, error: ApplicationError | None) -> HttpResponse:
    user = request.user
    return render(request, "finance/billing_queue.html", {
        "deliveries": list(selectors.billable_deliveries(user=user)),
        "payment_requests": list(selectors.billable_payment_requests(user=user)),
        "error": error,
    })


def _bill(request: HttpRequest, make: Callable[[], Invoice]) -> HttpResponse:
    """Bill a source from the queue: the new draft's page, or the queue again with the refusal."""
    made: list[Invoice] = []

    def act() -> None:
        invoice = make()
        made.append(invoice)
        messages.success(request, _("Draft invoice %(number)s was created; check it and issue it.")
                         % {"number": invoice.number})

    return page_action(request, act, show=lambda error: _billing_queue(request, error),
                       redirect_to=once_done(lambda: reverse("finance:invoice_detail", args=[made[0].pk])))


@require_POST
@page(roles=WRITERS, model=Delivery)
def invoice_from_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    return _bill(request, lambda: services.invoice_from_delivery(delivery=delivery, acting_user=request.user))


@require_POST
@page(roles=WRITERS, model=PaymentRequest)
def invoice_from_payment_request(request: HttpRequest, pk: int) -> HttpResponse:
    payment_request = selectors.payment_request_get(user=request.user, pk=pk)
    return _bill(request, lambda: services.invoice_from_payment_request(payment_request=payment_request,
                                                                          acting_user=request.user))


def _invoice_context(request: HttpRequest, invoice: Invoice, **extra: Any) -> dict[str, Any]:
    role = role_of(request.user)
    status = invoice.status
    actions = INVOICE_LIFECYCLE.allowed_actions(status, role)
    today = timezone.localdate()
    return {
        "invoice": invoice,
        "lines": selectors.invoice_lines(invoice=invoice),
        "payments": selectors.invoice_payments(invoice=invoice),
        "is_writer": role in WRITERS,
        "is_municipality": role == Role.MUNICIPALITY_USER,
        "can_issue": InvoiceAction.ISSUE in actions,
        "can_pay": InvoiceAction.PAY in actions,
        "can_void": InvoiceAction.VOID in actions,
        "is_overdue": status in OPEN_STATUSES and invoice.due_date is not None and invoice.due_date < today,
        "days_overdue": (today - invoice.due_date).days if invoice.due_date else 0,
        "issue_form": extra.pop("issue_form", None) or IssueForm(initial={"issue_date": today}),
        "payment_form": extra.pop("payment_form", None) or PaymentForm(initial={"paid_on": today}),
        "void_form": extra.pop("void_form", None) or VoidForm(),
        "source_url": _source_url(invoice),
        **extra,
    }


def _source_url(invoice: Invoice) -> str:
    """The page of what was billed: the delivery's order, or the milestone's project."""
    try:
        if invoice.delivery_id:
            return reverse("commerce:order_detail", args=[invoice.delivery.order_id])
        if invoice.payment_request_id:
            return reverse("projects:project_detail", args=[invoice.payment_request.project_id])
    except NoReverseMatch:
        pass
    return ""


@page(roles=INVOICE_READERS, model=Invoice)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    return render(request, "finance/invoice_detail.html", _invoice_context(request, invoice))


def _on_invoice(request: HttpRequest, invoice: Invoice, name: str, form: Form, act: Callable[[], object],
                success: str | None = None) -> HttpResponse:
    """POST the action `name` from its form on the invoice's page: the page again on a refusal, with the
    form open (its bad input at 422, the service's refusal above the invoice at its status)."""

    def show(error: ApplicationError | None) -> HttpResponse:
        # A refused state may come from someone else's change since the page was drawn: read it again.
        current = invoice if error is None else selectors.invoice_get(user=request.user, pk=invoice.pk)
        return render(request, "finance/invoice_detail.html", _invoice_context(
            request, current, error=error, open_form=name, **{f"{name}_form": form}))

    return form_action(request, form, act, redirect_to=reverse("finance:invoice_detail", args=[invoice.pk]),
                       show=show, success=success)


@require_POST
@page(roles=INVOICE_LIFECYCLE.step(InvoiceAction.ISSUE).roles, model=Invoice)
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = IssueForm(request.POST)
    return _on_invoice(
        request, invoice, "issue", form,
        lambda: services.invoice_issue(invoice=invoice, acting_user=request.user, **form.cleaned_data),
        success=str(STATUS_DONE[InvoiceStatus.ISSUED]) % {"number": invoice.number},
    )


@require_POST
@page(roles=INVOICE_LIFECYCLE.step(InvoiceAction.PAY).roles, model=Invoice)
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = PaymentForm(request.POST)

    def act() -> None:
        payment = services.payment_record(invoice=invoice, acting_user=request.user, **form.cleaned_data)
        if payment.invoice.status == InvoiceStatus.PAID:
            done = _("The payment %(reference)s was recorded; invoice %(number)s is paid in full.")
        else:
            done = _("The payment %(reference)s was recorded.")
        messages.success(request, done % {"reference": payment.reference, "number": invoice.number})

    return _on_invoice(request, invoice, "payment", form, act)


@require_POST
@page(roles=INVOICE_LIFECYCLE.step(InvoiceAction.VOID).roles, model=Invoice)
def invoice_void(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = VoidForm(request.POST)
    return _on_invoice(
        request, invoice, "void", form,
        lambda: services.invoice_void(invoice=invoice, acting_user=request.user,
                                      reason=form.cleaned_data["reason"]),
        success=str(STATUS_DONE[InvoiceStatus.VOID]) % {"number": invoice.number},
    )


@page(roles=INVOICE_READERS, model=Invoice)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    return attachment(documents.invoice_pdf(invoice), documents.PDF_CONTENT_TYPE, f"{invoice.number}.pdf")


@page(roles=INVOICE_READERS, model=Invoice)
def invoice_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    return attachment(documents.invoice_xlsx(invoice), documents.XLSX_CONTENT_TYPE, f"{invoice.number}.xlsx")
