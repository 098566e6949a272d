"""Who is calling (`/me`) and their machine tokens (`/tokens`).

A token's secret is returned once, by the call that creates it; afterwards only
its prefix is ever shown, and the database holds nothing but its SHA-256.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import AwareDatetime

from hamyar.apiutils import (
    ERRORS,
    MAX_ID,
    InputSchema,
    PageQuery,
    describe,
    page_of,
    paginate,
    text_of,
)

from . import selectors, services
from .models import ApiToken
from .scoping import membership_of

router = Router(tags=["accounts"])


class Ref(Schema):
    id: int
    name: str


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    display_name: str
    email: str


class MeOut(Schema):
    user: UserOut
    role: str | None
    role_label: str | None
    title: str
    organization: Ref | None
    municipality: Ref | None
    provider: Ref | None


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    """The calling user, their role, and the organization, municipality or provider they act for."""
    membership = membership_of(request.auth)
    return {
        "user": request.auth,
        "role": membership.role if membership else None,
        "role_label": membership.get_role_display() if membership else None,
        "title": membership.title if membership else "",
        "organization": membership.organization if membership else None,
        "municipality": membership.municipality if membership else None,
        "provider": membership.provider if membership else None,
    }


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the secret, to tell tokens apart.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_usable: bool


class TokenCreatedOut(TokenOut):
    secret: str = Field(..., description="Send as `Authorization: Bearer <secret>`; shown only this once.")


class TokenIn(InputSchema):
    name: text_of(ApiToken, "name")
    expires_at: AwareDatetime | None = None


@router.get("/tokens", response={200: page_of(TokenOut), **ERRORS}, openapi_extra=describe(ApiToken))
def list_tokens(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Your own tokens, newest first; never their secrets."""
    return paginate(selectors.api_token_list(user=request.auth), page)


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS}, openapi_extra=describe(ApiToken))
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    token, secret = services.api_token_create(
        acting_user=request.auth, name=payload.name, expires_at=payload.expires_at
    )
    token.secret = secret  # on this response only; the database has its hash
    return Status(201, token)


@router.delete("/tokens/{id}", response={204: None, **ERRORS}, openapi_extra=describe(ApiToken))
def revoke_token(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Revoke one of your own tokens; it stops working at once."""
    token = selectors.api_token_get(user=request.auth, pk=id)
    services.api_token_revoke(token=token, acting_user=request.auth)
    return Status(204, None)
