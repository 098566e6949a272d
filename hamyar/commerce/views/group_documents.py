"""The page route of a municipality's share of a group purchase as a Persian PDF."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from hamyar.core.errors import NotFound
from hamyar.core.pages import page
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, Role
from hamyar.core.scoping import membership_of

from .. import group_documents, selectors
from ..models import GroupPurchase

# Who reads pools (as the pool pages): the organization, the invited municipalities, the supplier.
READERS = ORGANIZATION_WIDE_ROLES | MUNICIPALITY_ROLES | {Role.SUPPLIER_USER}


def _municipality(request: HttpRequest) -> int | None:
    value = request.GET.get("municipality", "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) < 2**63:
        raise NotFound()
    return int(value)


@page(roles=READERS, model=GroupPurchase)
def group_share_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipality's own share; officers and the supplier name the municipality (?municipality=), or
    are sent to the pool's page to choose one."""
    pool = selectors.group_purchase_get(request.user, pk)
    municipality = _municipality(request)
    membership = membership_of(request.user)
    if municipality is None and (membership is None or membership.role not in MUNICIPALITY_ROLES):
        return redirect("commerce:group_purchase_detail", pk=pool.pk)
    share = group_documents.share_of(pool, request.user, municipality)
    response = HttpResponse(group_documents.share_pdf_bytes(share), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{group_documents.file_name(share)}"'
    return response


urlpatterns = [
    path("group-purchases/<int:pk>/share.pdf", group_share_pdf, name="group_share_pdf"),
]
