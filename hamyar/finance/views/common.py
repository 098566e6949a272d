"""What the finance pages share: who reads and writes each of them, and file answers."""

from django.http import HttpResponse

from hamyar.core.roles import Role

from .. import services

WRITERS = frozenset(services.WRITERS)
INVOICE_READERS = WRITERS | {Role.EXECUTIVE, Role.MUNICIPALITY_USER}
RECEIVABLES_READERS = WRITERS | {Role.EXECUTIVE}
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
