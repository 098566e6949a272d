"""A municipality's statement for a Jalali month or range, with its PDF and Excel (the receivables
page is in insights)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from hamyar.core.jalali import format_jalali_date
from hamyar.core.pages import page, wants_fragment
from hamyar.core.roles import Role
from hamyar.core.scoping import membership_of, role_of
from hamyar.directory.models import Municipality

from .. import documents, selectors
from ..forms import StatementForm
from ..statement import Statement
from .common import (
    OWN_STATEMENT_READERS,
    STATEMENT_READERS,
    attachment,
)


def _statement_page(request: HttpRequest, municipality: Municipality, *, mine: bool) -> HttpResponse:
    form = StatementForm(request.GET, today=timezone.localdate())
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


def _statement_document(request: HttpRequest, pk: int) -> tuple[Statement | None, HttpResponse | None]:
    municipality = selectors.statement_municipality_get(user=request.user, pk=pk)
    form = StatementForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return None, render(request, "finance/statement_detail.html", {
            "municipality": municipality, "form": form, "statement": None,
            "mine": role_of(request.user) == Role.MUNICIPALITY_USER,
        }, status=400)
    start, end = form.range()
    return selectors.statement_get(user=request.user, municipality_id=pk, start=start, end=end), None


@page(roles=STATEMENT_READERS, model=Municipality)
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    statement, refused = _statement_document(request, pk)
    if refused is not None:
        return refused
    return attachment(documents.statement_pdf(statement), documents.PDF_CONTENT_TYPE,
                       documents.statement_filename(statement, "pdf"))


@page(roles=STATEMENT_READERS, model=Municipality)
def statement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    statement, refused = _statement_document(request, pk)
    if refused is not None:
        return refused
    return attachment(documents.statement_xlsx(statement), documents.XLSX_CONTENT_TYPE,
                       documents.statement_filename(statement, "xlsx"))
