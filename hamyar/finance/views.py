"""Finance pages: invoices (list, what is left to bill, the invoice with its actions, PDF and Excel),
receivables and statements (by municipality, a municipality's statement for a Jalali month or range,
PDF and Excel), and supplier commissions (calculate a period, settle it).

Finance officers and the org admin act; executives read everything; a municipality user reads its
own invoices and statement; a supplier user its own commission settlements. Every view reads through
a scoped selector (outside the scope: 404) and writes through one service; a refusal shows the page
again with the service's message at its status (409, 422), writing nothing.
"""

import datetime as dt

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamyar.commerce.models import Delivery
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.jalali import format_jalali_date
from hamyar.core.pages import page, render_list, wants_fragment
from hamyar.core.roles import Role
from hamyar.core.scoping import membership_of
from hamyar.directory import selectors as directory
from hamyar.directory.models import AgencyAgreement, Municipality
from hamyar.projects.models import PaymentRequest

from . import documents, selectors, services
from .choices import InvoiceStatus, SettlementStatus
from .forms import (
    CommissionCalculateForm,
    InvoiceFilterForm,
    IssueForm,
    PaymentForm,
    SettleForm,
    StatementForm,
    VoidForm,
)
from .models import CommissionSettlement, Invoice

WRITERS = frozenset(services.WRITERS)
INVOICE_READERS = WRITERS | {Role.EXECUTIVE, Role.MUNICIPALITY_USER}
STATEMENT_READERS = WRITERS | {Role.EXECUTIVE, Role.MUNICIPALITY_USER}
COMMISSION_READERS = WRITERS | {Role.EXECUTIVE, Role.SUPPLIER_USER}
OWN_STATEMENT_READERS = frozenset({Role.MUNICIPALITY_USER})

# The history's words for the services' audit actions on an invoice.
STATUS_DONE = {
    InvoiceStatus.ISSUED: gettext_lazy("Invoice %(number)s was issued; the municipality was told."),
    InvoiceStatus.VOID: gettext_lazy("Invoice %(number)s was voided."),
}


def _role(request: HttpRequest) -> Role:
    return Role(membership_of(request.user).role)


def _today() -> dt.date:
    return timezone.localdate()


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- invoices


@page(roles=INVOICE_READERS, model=Invoice)
def invoice_list(request: HttpRequest) -> HttpResponse:
    """All of the organization's invoices for its roles; a municipality's own for its users."""
    user = request.user
    role = _role(request)
    is_municipality = role == Role.MUNICIPALITY_USER
    form = InvoiceFilterForm(
        request.GET or None,
        municipalities=None if is_municipality
        else directory.municipality_list(user=user).select_related("parent"),
    )
    status = 200
    rows = selectors.invoice_list(user=user)
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            municipality = data.get("municipality")
            rows = selectors.invoice_list(
                user=user, status=data.get("status") or None,
                municipality_id=municipality.pk if municipality else None,
                overdue=bool(data.get("overdue")),
            )
            if data.get("issued_from"):
                rows = rows.filter(issue_date__gte=data["issued_from"])
            if data.get("issued_to"):
                rows = rows.filter(issue_date__lte=data["issued_to"])
        else:
            rows = rows.none()
            status = 400
    response = render_list(request, template="finance/invoice_list.html",
                           fragment="finance/partials/invoice_rows.html", rows=rows, context={
                               "filter_form": form,
                               "is_municipality": is_municipality,
                               "can_bill": role in WRITERS,
                               "today": _today(),
                           })
    response.status_code = status
    return response


@page(roles=WRITERS, model=Invoice)
def billing_queue(request: HttpRequest) -> HttpResponse:
    """What was received or done and is not billed yet: received deliveries, waiting payment requests."""
    user = request.user
    deliveries = list(selectors.billable_deliveries(user=user))
    requests = list(selectors.billable_payment_requests(user=user))
    return render(request, "finance/billing_queue.html", {
        "deliveries": deliveries, "payment_requests": requests,
    })


def _queue_refused(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    if error.status in (403, 404):
        raise error
    user = request.user
    return render(request, "finance/billing_queue.html", {
        "deliveries": list(selectors.billable_deliveries(user=user)),
        "payment_requests": list(selectors.billable_payment_requests(user=user)),
        "error": error,
    }, status=error.status)


@require_POST
@page(roles=WRITERS, model=Delivery)
def invoice_from_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    try:
        invoice = services.invoice_from_delivery(delivery=delivery, acting_user=request.user)
    except ApplicationError as error:
        return _queue_refused(request, error)
    messages.success(request, _("Draft invoice %(number)s was created; check it and issue it.")
                     % {"number": invoice.number})
    return redirect("finance:invoice_detail", pk=invoice.pk)


@require_POST
@page(roles=WRITERS, model=PaymentRequest)
def invoice_from_payment_request(request: HttpRequest, pk: int) -> HttpResponse:
    payment_request = selectors.payment_request_get(user=request.user, pk=pk)
    try:
        invoice = services.invoice_from_payment_request(payment_request=payment_request,
                                                        acting_user=request.user)
    except ApplicationError as error:
        return _queue_refused(request, error)
    messages.success(request, _("Draft invoice %(number)s was created; check it and issue it.")
                     % {"number": invoice.number})
    return redirect("finance:invoice_detail", pk=invoice.pk)


def _invoice_context(request: HttpRequest, invoice: Invoice, **extra) -> dict:
    role = _role(request)
    writer = role in WRITERS
    status = invoice.status
    today = _today()
    return {
        "invoice": invoice,
        "lines": selectors.invoice_lines(invoice=invoice),
        "payments": selectors.invoice_payments(invoice=invoice),
        "is_writer": writer,
        "is_municipality": role == Role.MUNICIPALITY_USER,
        "can_issue": writer and status == InvoiceStatus.DRAFT,
        "can_pay": writer and status in (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID),
        # A paid or partly paid invoice keeps its payments on record: it is not voided.
        "can_void": writer and status in (InvoiceStatus.DRAFT, InvoiceStatus.ISSUED),
        "is_overdue": status in selectors.OPEN_STATUSES and invoice.due_date is not None
        and invoice.due_date < today,
        "days_overdue": (today - invoice.due_date).days if invoice.due_date else 0,
        "issue_form": extra.pop("issue_form", None) or IssueForm(initial={"issue_date": today}),
        "payment_form": extra.pop("payment_form", None) or PaymentForm(initial={"paid_on": today}),
        "void_form": extra.pop("void_form", None) or VoidForm(),
        "source_url": _source_url(invoice),
        **extra,
    }


def _source_url(invoice: Invoice) -> str:
    """The page of what was billed: the delivery's order, or the milestone's project."""
    from django.urls import NoReverseMatch

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


def _invoice_refused(request: HttpRequest, pk: int, error: ApplicationError, form: Form | None = None,
                     **extra) -> HttpResponse:
    """The invoice again with the service's message, at its status; 403/404 go to the page decorator.

    Bad input goes on the form that sent it; a refused state (409) is shown above the invoice.
    """
    if error.status in (403, 404):
        raise error
    placed = isinstance(error, InvalidInput) and form is not None
    if placed:
        form.add_service_error(error)
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    context = _invoice_context(request, invoice, error=None if placed else error, **extra)
    return render(request, "finance/invoice_detail.html", context, status=error.status)


def _invoice_invalid(request: HttpRequest, invoice: Invoice, **extra) -> HttpResponse:
    return render(request, "finance/invoice_detail.html", _invoice_context(request, invoice, **extra),
                  status=422)


@require_POST
@page(roles=WRITERS, model=Invoice)
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _invoice_invalid(request, invoice, issue_form=form, open_form="issue")
    try:
        invoice = services.invoice_issue(invoice=invoice, acting_user=request.user,
                                         issue_date=form.cleaned_data.get("issue_date"),
                                         due_date=form.cleaned_data.get("due_date"))
    except ApplicationError as error:
        return _invoice_refused(request, pk, error, form, issue_form=form, open_form="issue")
    messages.success(request, str(STATUS_DONE[InvoiceStatus.ISSUED]) % {"number": invoice.number})
    return redirect("finance:invoice_detail", pk=pk)


@require_POST
@page(roles=WRITERS, model=Invoice)
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _invoice_invalid(request, invoice, payment_form=form, open_form="payment")
    try:
        payment = services.payment_record(invoice=invoice, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return _invoice_refused(request, pk, error, form, payment_form=form, open_form="payment")
    invoice.refresh_from_db()
    if invoice.status == InvoiceStatus.PAID:
        messages.success(request, _("The payment %(reference)s was recorded; invoice %(number)s is paid in "
                                    "full.") % {"reference": payment.reference, "number": invoice.number})
    else:
        messages.success(request, _("The payment %(reference)s was recorded.")
                         % {"reference": payment.reference})
    return redirect("finance:invoice_detail", pk=pk)


@require_POST
@page(roles=WRITERS, model=Invoice)
def invoice_void(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return _invoice_invalid(request, invoice, void_form=form, open_form="void")
    try:
        invoice = services.invoice_void(invoice=invoice, acting_user=request.user,
                                        reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        return _invoice_refused(request, pk, error, form, void_form=form, open_form="void")
    messages.success(request, str(STATUS_DONE[InvoiceStatus.VOID]) % {"number": invoice.number})
    return redirect("finance:invoice_detail", pk=pk)


@page(roles=INVOICE_READERS, model=Invoice)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    return _attachment(documents.invoice_pdf(invoice), documents.PDF_CONTENT_TYPE, f"{invoice.number}.pdf")


@page(roles=INVOICE_READERS, model=Invoice)
def invoice_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    return _attachment(documents.invoice_xlsx(invoice), documents.XLSX_CONTENT_TYPE, f"{invoice.number}.xlsx")


# ---------------------------------------------------------------- receivables and statements


def _statement_page(request: HttpRequest, municipality: Municipality, *, mine: bool) -> HttpResponse:
    form = StatementForm(request.GET, today=_today())
    if not form.is_valid():
        return render(request, "finance/statement_detail.html", {
            "municipality": municipality, "form": form, "statement": None, "mine": mine,
        }, status=400)
    start, end = form.range()
    statement = selectors.statement_get(user=request.user, municipality_id=municipality.pk, start=start,
                                        end=end)
    query = urlencode({"start": format_jalali_date(start, persian_digits=False),
                       "end": format_jalali_date(end, persian_digits=False)})
    context = {
        "municipality": municipality,
        "form": form,
        "statement": statement,
        "mine": mine,
        "picked_month": form.picked_month(),
        "pdf_url": reverse("finance:statement_pdf", args=[municipality.pk]) + "?" + query,
        "xlsx_url": reverse("finance:statement_xlsx", args=[municipality.pk]) + "?" + query,
    }
    template = "finance/partials/statement_body.html" if wants_fragment(request) \
        else "finance/statement_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@page(roles=STATEMENT_READERS, model=Municipality)
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipality's statement for a Jalali month (the current one unless picked) or range."""
    municipality = selectors.statement_municipality_get(user=request.user, pk=pk)
    return _statement_page(request, municipality, mine=False)


@page(roles=OWN_STATEMENT_READERS, model=Municipality)
def statement_mine(request: HttpRequest) -> HttpResponse:
    """The municipality user's own statement."""
    membership = membership_of(request.user)
    municipality = selectors.statement_municipality_get(user=request.user, pk=membership.municipality_id)
    return _statement_page(request, municipality, mine=True)


def _statement_document(request: HttpRequest, pk: int):
    municipality = selectors.statement_municipality_get(user=request.user, pk=pk)
    form = StatementForm(request.GET, today=_today())
    if not form.is_valid():
        return None, render(request, "finance/statement_detail.html", {
            "municipality": municipality, "form": form, "statement": None,
            "mine": _role(request) == Role.MUNICIPALITY_USER,
        }, status=400)
    start, end = form.range()
    return selectors.statement_get(user=request.user, municipality_id=pk, start=start, end=end), None


@page(roles=STATEMENT_READERS, model=Municipality)
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    statement, refused = _statement_document(request, pk)
    if refused is not None:
        return refused
    return _attachment(documents.statement_pdf(statement), documents.PDF_CONTENT_TYPE,
                       documents.statement_filename(statement, "pdf"))


@page(roles=STATEMENT_READERS, model=Municipality)
def statement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    statement, refused = _statement_document(request, pk)
    if refused is not None:
        return refused
    return _attachment(documents.statement_xlsx(statement), documents.XLSX_CONTENT_TYPE,
                       documents.statement_filename(statement, "xlsx"))


# ---------------------------------------------------------------- commissions


def _agreements(request: HttpRequest):
    """The agency agreements whose commissions the officers calculate, by supplier."""
    return directory.agreement_list(user=request.user).order_by("supplier__name", "-starts_on", "pk")


def _commission_context(request: HttpRequest, **extra) -> dict:
    role = _role(request)
    writer = role in WRITERS
    settlements = selectors.settlement_list(user=request.user)
    return {
        "settlements": list(settlements),
        "agreements": list(_agreements(request)) if writer else [],
        "is_writer": writer,
        "is_supplier": role == Role.SUPPLIER_USER,
        "calculate_form": extra.pop("calculate_form", None) or CommissionCalculateForm(),
        "settled_status": SettlementStatus.SETTLED,
        **extra,
    }


@page(roles=COMMISSION_READERS, model=CommissionSettlement)
def commission_list(request: HttpRequest) -> HttpResponse:
    """Officers: each agreement with a period to calculate, and every settlement; a supplier its own."""
    return render(request, "finance/commission_list.html", _commission_context(request))


@require_POST
@page(roles=WRITERS, model=AgencyAgreement)
def commission_calculate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    form = CommissionCalculateForm(request.POST)
    if not form.is_valid():
        return render(request, "finance/commission_list.html",
                      _commission_context(request, calculate_form=form, calculate_for=agreement.pk),
                      status=422)
    try:
        settlement = services.commission_calculate(agreement=agreement, acting_user=request.user,
                                                   **form.cleaned_data)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        placed = isinstance(error, InvalidInput)
        if placed:
            form.add_service_error(error)
        return render(request, "finance/commission_list.html",
                      _commission_context(request, calculate_form=form, calculate_for=agreement.pk,
                                          error=None if placed else error),
                      status=error.status)
    messages.success(request, _("The commission of agreement %(number)s was calculated.")
                     % {"number": agreement.number})
    return redirect("finance:commission_detail", pk=settlement.pk)


def _settlement_context(request: HttpRequest, settlement: CommissionSettlement, **extra) -> dict:
    writer = _role(request) in WRITERS
    return {
        "settlement": settlement,
        "can_settle": writer and settlement.status == SettlementStatus.CALCULATED,
        "settle_form": extra.pop("settle_form", None) or SettleForm(initial={"settled_on": _today()}),
        **extra,
    }


@page(roles=COMMISSION_READERS, model=CommissionSettlement)
def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, pk=pk)
    return render(request, "finance/commission_detail.html", _settlement_context(request, settlement))


@require_POST
@page(roles=WRITERS, model=CommissionSettlement)
def commission_settle(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, pk=pk)
    form = SettleForm(request.POST)
    if not form.is_valid():
        return render(request, "finance/commission_detail.html",
                      _settlement_context(request, settlement, settle_form=form), status=422)
    try:
        services.commission_settle(settlement=settlement, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        placed = isinstance(error, InvalidInput)
        if placed:
            form.add_service_error(error)
        settlement = selectors.settlement_get(user=request.user, pk=pk)
        return render(request, "finance/commission_detail.html",
                      _settlement_context(request, settlement, settle_form=form,
                                          error=None if placed else error),
                      status=error.status)
    messages.success(request, _("The commission was settled; the supplier was told."))
    return redirect("finance:commission_detail", pk=pk)
