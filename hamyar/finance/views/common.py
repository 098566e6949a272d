"""What the finance pages share: who reads and writes each of them, actions sent by forms, file answers."""

from collections.abc import Callable

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.utils.functional import lazy

from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page_action
from hamyar.core.roles import Role

from ..choices import WRITERS

INVOICE_READERS = WRITERS | {Role.EXECUTIVE, Role.MUNICIPALITY_USER}
STATEMENT_READERS = WRITERS | {Role.EXECUTIVE, Role.MUNICIPALITY_USER}
COMMISSION_READERS = WRITERS | {Role.EXECUTIVE, Role.SUPPLIER_USER}
OWN_STATEMENT_READERS = frozenset({Role.MUNICIPALITY_USER})


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A document to save, never cached nor sniffed (it carries a municipality's figures)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def once_done(make: Callable[[], str]) -> str:
    """A URL or message known only once the action has run (the new row's page): `page_action` takes
    it before the action and reads it after."""
    return lazy(make, str)()


def form_action(request: HttpRequest, form: Form, act: Callable[[], object], *, redirect_to: str,
                show: Callable[[ApplicationError | None], HttpResponse], success: str | None = None
                ) -> HttpResponse:
    """`page_action` for an action sent by a form: input the form refuses is shown on it (422) and
    nothing runs; then the service's refusal goes on the form (bad input) or above the object."""
    if not form.is_valid():
        response = show(None)
        response.status_code = 422
        return response
    return page_action(request, act, redirect_to=redirect_to, show=show, success=success, forms=[form])
