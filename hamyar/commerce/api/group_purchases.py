"""Group purchases over HTTP: the pools, one pool as the caller may see it, whom to invite, the officer's
steps (create, invite, close, extend, cancel), a municipality's own place (join, change, withdraw, and
below the minimum wait or fall back) and the PDF of its share.

Each endpoint reads the pool through the scoped selector first (a pool outside the caller's scope, or
one a municipality is not invited to, is 404 before anything else), calls one service and answers the
pool as it now is. A municipality's place is found from the caller, never named in the request, so no
one can act for another municipality.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router
from ninja.responses import Status
from pydantic import StrictInt

from hamyar.core.apikit import (
    DateInput,
    Id,
    InputSchema,
    PageQuery,
    PathId,
    decimal_input,
    describe,
    file_download,
    page_of,
    paginate,
    resolve_refs,
    text,
)
from hamyar.core.errors import InvalidInput, NotFound, PermissionDenied
from hamyar.core.roles import MUNICIPALITY_ROLES
from hamyar.core.scoping import membership_of, require_role
from hamyar.needs.selectors import need_get

from .. import group_documents, selectors, services
from ..choices import OFFICER_ROLES, GroupPurchaseStatus
from ..models import GroupPurchase, Participant
from .group_schemas import GroupPurchaseDetailOut, GroupPurchaseOut, InvitationCandidateOut, pool_detail

router = Router(tags=["group purchases"])

MAX_ITEMS = 50
MAX_INVITATIONS = 5000
MAX_QUANTITY = 10**9
DESCRIBED = describe(GroupPurchase)


# ---------------------------------------------------------------- inputs


class GroupPurchaseIn(InputSchema):
    title: text(200) = ""
    items: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS,
                            description="Catalog items of one supplier and one domain, bought as one.")
    opens_on: DateInput | None = Field(None, description="Today when left out.")
    closes_on: DateInput | None = None
    minimum_quantity: StrictInt | None = Field(None, ge=-MAX_QUANTITY, le=MAX_QUANTITY)
    target_quantity: StrictInt | None = Field(None, ge=-MAX_QUANTITY, le=MAX_QUANTITY,
                                              description="One of the price list's tiers (from quantity).")
    max_per_municipality: StrictInt | None = Field(None, ge=-MAX_QUANTITY, le=MAX_QUANTITY)
    description: text(4000) = ""
    per_thousand_residents: decimal_input(max_digits=12) | None = None
    per_hectare: decimal_input(max_digits=12) | None = None
    asset_kind: text(20) = ""


class PoolInvitationIn(InputSchema):
    municipality: Id
    reason: text(300) = Field("", description="Why it is invited; the suggested reason when left out.")
    suggested_quantity: StrictInt | None = Field(None, ge=1, le=MAX_QUANTITY)


class PoolInvitationsIn(InputSchema):
    municipalities: list[PoolInvitationIn] = Field(default_factory=list, max_length=MAX_INVITATIONS)


class PoolLineIn(InputSchema):
    item: Id
    quantity: StrictInt = Field(..., ge=-MAX_QUANTITY, le=MAX_QUANTITY)


class PoolChangeIn(InputSchema):
    lines: list[PoolLineIn] = Field(default_factory=list, max_length=MAX_ITEMS)


class PoolJoinIn(PoolChangeIn):
    need: Id | None = Field(None, description="An open need of the municipality; a new one is made when "
                                              "left out.")


class PoolExtendIn(InputSchema):
    # Optional in the schema so a pool outside the scope is 404 before the body is judged; the
    # service refuses a missing date with 422.
    closes_on: DateInput | None = None


class PoolCancelIn(InputSchema):
    reason: text(2000) = ""


# ---------------------------------------------------------------- helpers


def _answer(request: HttpRequest, pk: int) -> dict[str, Any]:
    pool = selectors.group_purchase_get(request.auth, pk)
    return pool_detail(pool, selectors.pool_state(pool, request.auth), request.auth)


def _own_place(request: HttpRequest, pk: int) -> Participant:
    """The caller's municipality's place in the pool: only a municipality has one (403 otherwise), and
    a pool it is not invited to is 404."""
    pool = selectors.group_purchase_get(request.auth, pk)
    membership = membership_of(request.auth)
    if membership is None or membership.role not in MUNICIPALITY_ROLES:
        raise PermissionDenied()
    place = selectors.pool_state(pool, request.auth).own
    if place is None:
        raise NotFound()
    return place.participant


def _lines(rows: list[PoolLineIn]) -> dict[int, int]:
    lines: dict[int, int] = {}
    for row in rows:
        if row.item in lines:
            message = _("An item is listed twice; give each item once.")
            raise InvalidInput(message, extra={"fields": {"lines": [str(message)]}})
        lines[row.item] = row.quantity
    return lines


# ---------------------------------------------------------------- reads


@router.get("/group-purchases", response={200: page_of(GroupPurchaseOut)}, openapi_extra=DESCRIBED)
def list_group_purchases(request: HttpRequest, page: Query[PageQuery],
                         status: GroupPurchaseStatus | None = None) -> Any:
    """The pools the caller may read (newest first): a municipality's invitations, a supplier's pools,
    all of the organization for officers."""
    rows = selectors.group_purchase_list(request.auth)
    if status:
        rows = rows.filter(status=status)
    return paginate(rows, page)


@router.get("/group-purchases/{id}", response={200: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def get_group_purchase(request: HttpRequest, id: int = PathId) -> Any:
    """The pool: pooled total, tiers and what is left to the target for all; a municipality sees its own
    place only, officers and the supplier every place."""
    return _answer(request, id)


@router.get("/group-purchases/{id}/candidates", response={200: list[InvitationCandidateOut]},
            openapi_extra=DESCRIBED)
def list_candidates(request: HttpRequest, id: int = PathId) -> Any:
    """Whom to invite and why (officers): open needs of the pool's items first, then what residents or
    assets suggest."""
    pool = selectors.group_purchase_get(request.auth, id)
    require_role(request.auth, *OFFICER_ROLES)
    return selectors.invitation_candidates(pool, request.auth)


@router.get("/group-purchases/{id}/share.pdf", response={200: None},
            openapi_extra={**DESCRIBED, **file_download("application/pdf")})
def share_pdf(request: HttpRequest, id: int = PathId, municipality: int | None = Query(
        None, ge=1, le=2**63 - 1, description="Officers and the supplier: whose share.")) -> Any:
    """One municipality's share as a Persian PDF (an estimate at the current tier until allocated)."""
    pool = selectors.group_purchase_get(request.auth, id)
    share = group_documents.share_of(pool, request.auth, municipality)
    response = HttpResponse(group_documents.share_pdf_bytes(share), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{group_documents.file_name(share)}"'
    return response


# ---------------------------------------------------------------- the officer's steps


@router.post("/group-purchases", response={201: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def create_group_purchase(request: HttpRequest, payload: GroupPurchaseIn) -> Any:
    """Open a pool of a supplier's items under its agency agreement; its price list's rows are the tiers."""
    pool = services.group_purchase_create(
        acting_user=request.auth, title=payload.title, item_ids=payload.items,
        opens_on=payload.opens_on or timezone.localdate(), closes_on=payload.closes_on,
        minimum_quantity=payload.minimum_quantity, target_quantity=payload.target_quantity,
        max_per_municipality=payload.max_per_municipality, description=payload.description,
        per_thousand_residents=payload.per_thousand_residents, per_hectare=payload.per_hectare,
        asset_kind=payload.asset_kind)
    return Status(201, _answer(request, pool.pk))


@router.post("/group-purchases/{id}/invitations", response={200: GroupPurchaseDetailOut},
             openapi_extra=DESCRIBED)
def invite(request: HttpRequest, payload: PoolInvitationsIn, id: int = PathId) -> Any:
    """Invite municipalities; one left without a reason gets the suggested one (its open need, or what
    its residents or assets suggest). One already invited is left as it is."""
    pool = selectors.group_purchase_get(request.auth, id)
    require_role(request.auth, *OFFICER_ROLES)
    invitations: dict[int, tuple[str, int | None]] = {}
    for row in payload.municipalities:
        if row.municipality in invitations:
            message = _("A municipality is listed twice; give each municipality once.")
            raise InvalidInput(message, extra={"fields": {"municipalities": [str(message)]}})
        invitations[row.municipality] = (row.reason, row.suggested_quantity)
    if any(not reason for reason, _suggested in invitations.values()):
        suggested = {c.municipality.pk: c for c in selectors.invitation_candidates(pool, request.auth)}
        for pk, (reason, quantity) in invitations.items():
            candidate = suggested.get(pk)
            if not reason:
                reason = candidate.reason if candidate else str(_("Invited by the commerce deputy."))
                quantity = quantity if quantity is not None else (candidate.suggested if candidate else None)
            invitations[pk] = (reason, quantity)
    services.group_purchase_invite(group_purchase=pool, acting_user=request.auth, invitations=invitations)
    return _answer(request, id)


@router.post("/group-purchases/{id}/close", response={200: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def close(request: HttpRequest, id: int = PathId) -> Any:
    """Close the window: at or above the minimum the supplier order is placed and every share allocated;
    below it each participant chooses to wait, fall back or withdraw."""
    services.group_purchase_close(group_purchase=selectors.group_purchase_get(request.auth, id),
                                  acting_user=request.auth)
    return _answer(request, id)


@router.post("/group-purchases/{id}/extend", response={200: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def extend(request: HttpRequest, payload: PoolExtendIn, id: int = PathId) -> Any:
    """Open a pool closed below its minimum again until `closes_on`."""
    services.group_purchase_extend(group_purchase=selectors.group_purchase_get(request.auth, id),
                                   acting_user=request.auth, closes_on=payload.closes_on)
    return _answer(request, id)


@router.post("/group-purchases/{id}/cancel", response={200: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def cancel(request: HttpRequest, payload: PoolCancelIn, id: int = PathId) -> Any:
    """Cancel an open pool or one closed below its minimum (reason required)."""
    services.group_purchase_cancel(group_purchase=selectors.group_purchase_get(request.auth, id),
                                   acting_user=request.auth, reason=payload.reason)
    return _answer(request, id)


# ---------------------------------------------------------------- a municipality's own place


@router.post("/group-purchases/{id}/join", response={200: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def join(request: HttpRequest, payload: PoolJoinIn, id: int = PathId) -> Any:
    """Join with a quantity per item, from an open need of the municipality or a new one."""
    place = _own_place(request, id)
    need = resolve_refs(request.auth, {"need": payload.need}, need=need_get)["need"]
    services.participant_join(participant=place, acting_user=request.auth, lines=_lines(payload.lines),
                              need=need)
    return _answer(request, id)


@router.post("/group-purchases/{id}/change", response={200: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def change(request: HttpRequest, payload: PoolChangeIn, id: int = PathId) -> Any:
    services.participant_change(participant=_own_place(request, id), acting_user=request.auth,
                                lines=_lines(payload.lines))
    return _answer(request, id)


@router.post("/group-purchases/{id}/withdraw", response={200: GroupPurchaseDetailOut},
             openapi_extra=DESCRIBED)
def withdraw(request: HttpRequest, id: int = PathId) -> Any:
    services.participant_withdraw(participant=_own_place(request, id), acting_user=request.auth)
    return _answer(request, id)


@router.post("/group-purchases/{id}/wait", response={200: GroupPurchaseDetailOut}, openapi_extra=DESCRIBED)
def wait(request: HttpRequest, id: int = PathId) -> Any:
    """Below the minimum: stay in the pool for an extended window."""
    services.participant_wait(participant=_own_place(request, id), acting_user=request.auth)
    return _answer(request, id)


@router.post("/group-purchases/{id}/fall-back", response={200: GroupPurchaseDetailOut},
             openapi_extra=DESCRIBED)
def fall_back(request: HttpRequest, id: int = PathId) -> Any:
    """Below the minimum: leave the pool and have the need quoted on its own."""
    services.participant_fall_back(participant=_own_place(request, id), acting_user=request.auth)
    return _answer(request, id)
