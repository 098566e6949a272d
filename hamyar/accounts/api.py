"""Who is calling (`/me`) and their machine tokens (`/tokens`).

A token's secret is returned once, by the call that creates it; afterwards only
its prefix is ever shown, and the database holds nothing but its SHA-256.
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import AwareDatetime

from hamyar.core.apikit import (
    MAX_ID,
    Id,
    InputSchema,
    PageQuery,
    Ref,
    describe,
    page_of,
    paginate,
    resolve_refs,
    text,
    text_of,
)
from hamyar.core.roles import API_TOKEN_ROLES, MunicipalPost, Role
from hamyar.core.scoping import membership_of, require_role

from . import selectors, services
from .models import ApiToken, Membership, Notification, User

router = Router(tags=["accounts"])



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


@router.get("/me", response={200: MeOut})
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
    expires_at: AwareDatetime | None = Field(
        None, description="When the token stops working; left out: after HAMYAR_API_TOKEN_DAYS (90 days)."
    )


@router.get("/tokens", response={200: page_of(TokenOut)}, openapi_extra=describe(ApiToken))
def list_tokens(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Your own tokens, newest first; never their secrets. Roles without API use get 403."""
    require_role(request.auth, *API_TOKEN_ROLES)
    return paginate(selectors.api_token_list(user=request.auth), page)


@router.post("/tokens", response={201: TokenCreatedOut}, openapi_extra=describe(ApiToken))
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    token, secret = services.api_token_create(
        acting_user=request.auth, name=payload.name, expires_at=payload.expires_at
    )
    token.secret = secret  # on this response only; the database has its hash
    return Status(201, token)


@router.delete("/tokens/{id}", response={204: None}, openapi_extra=describe(ApiToken))
def revoke_token(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Revoke one of your own tokens; it stops working at once."""
    token = selectors.api_token_get(user=request.auth, pk=id)  # another's token is 404, as everywhere
    require_role(request.auth, *API_TOKEN_ROLES)
    services.api_token_revoke(token=token, acting_user=request.auth)
    return Status(204, None)


# ---------------------------------------------------------------- notifications


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    url: str = Field(..., description="A path of this site the notification is about, or empty.")
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    @staticmethod
    def resolve_is_read(obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationQuery(PageQuery):
    unread: bool | None = Field(None, description="`true`: only the unread ones; `false`: only the read.")


class MarkedOut(Schema):
    marked: int


@router.get("/notifications", response={200: page_of(NotificationOut)},
            openapi_extra=describe(Notification), tags=["notifications"])
def list_notifications(request: HttpRequest, page: Query[NotificationQuery]) -> Any:
    """Your own notifications, newest first; no one reads another person's, even a colleague's."""
    return paginate(selectors.notification_list(user=request.auth, unread=page.unread), page)


@router.post("/notifications/read-all", response={200: MarkedOut},
             openapi_extra=describe(Notification), tags=["notifications"])
def read_all_notifications(request: HttpRequest) -> Any:
    """Mark all your unread notifications read."""
    return {"marked": services.notification_mark_all_read(acting_user=request.auth)}


@router.post("/notifications/{id}/read", response={200: NotificationOut},
             openapi_extra=describe(Notification), tags=["notifications"])
def read_notification(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Mark one of your notifications read (again is harmless); another person's is 404."""
    notification = selectors.notification_get(user=request.auth, pk=id)
    services.notification_mark_read(notification=notification, acting_user=request.auth)
    return notification


# ---------------------------------------------------------------- members (org admin)


class MemberOut(Schema):
    id: int = Field(..., description="The membership's id.")
    user: UserOut
    role: str
    role_label: str
    municipality: Ref | None
    provider: Ref | None
    post: str = Field(..., description="A municipality user's post: procurement, finance or mayor.")
    post_label: str
    title: str

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_post_label(obj: Membership) -> str:
        return obj.get_post_display() if obj.post else ""


class MemberIn(InputSchema):
    username: text_of(User, "username")
    password: text(128)
    first_name: text_of(User, "first_name") = ""
    last_name: text_of(User, "last_name") = ""
    email: text_of(User, "email") = ""
    role: Role
    municipality: Id | None = None
    provider: Id | None = None
    post: MunicipalPost | Literal[""] = Field(
        "", description="Municipality users only; empty means the procurement clerk.")
    title: text_of(Membership, "title") = ""


class MemberPatch(InputSchema):
    """Omitted fields keep their value; a new role must come with its municipality or provider."""

    role: Role | None = None
    municipality: Id | None = None
    provider: Id | None = None
    post: MunicipalPost | Literal[""] | None = Field(
        None, description="Municipality users only; omitted keeps the current post.")
    title: text_of(Membership, "title") | None = None


def _refs(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    from hamyar.directory import selectors as directory

    return resolve_refs(request.auth, data, municipality=directory.municipality_get,
                        provider=directory.provider_get)


@router.post("/members", response={201: MemberOut}, openapi_extra=describe(Membership),
             tags=["members"])
def create_member(request: HttpRequest, payload: MemberIn) -> Any:
    """A new user with a role (org admins only); a municipality user may be given its post."""
    require_role(request.auth, Role.ORG_ADMIN)
    data = _refs(request, payload.model_dump())
    user = services.user_create(acting_user=request.auth, **data)
    return Status(201, selectors.membership_get(user=request.auth, pk=user.membership.pk))


@router.patch("/members/{id}", response={200: MemberOut}, openapi_extra=describe(Membership),
              tags=["members"])
def update_member(request: HttpRequest, payload: MemberPatch, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Change a member's role, binding, municipal post or job title (org admins only)."""
    membership = selectors.membership_get(user=request.auth, pk=id)
    require_role(request.auth, Role.ORG_ADMIN)
    data = {"role": membership.role, "municipality": membership.municipality, "provider": membership.provider,
            **_refs(request, payload.model_dump(exclude_unset=True))}
    if data["role"] is None:
        data["role"] = membership.role
    services.membership_change_role(membership=membership, acting_user=request.auth, **data)
    return selectors.membership_get(user=request.auth, pk=id)
