"""Every write to users, memberships and API tokens, each audited."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from hamyar.core import clock
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import InvalidInput, NotFound
from hamyar.core.roles import API_TOKEN_ROLES, MUNICIPALITY_ROLES, PROVIDER_ROLES, MunicipalPost, Role
from hamyar.core.scoping import in_scope, membership_of, require_role
from hamyar.core.services import invalid_from
from hamyar.core.text import normalize
from hamyar.directory.models import Municipality, Organization, Provider

from .models import ApiToken, Membership, Notification, User

TOKEN_PREFIX = "hmy_"


def _check_binding(*, role: str, municipality: Municipality | None, provider: Provider | None) -> None:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."))
    if role in MUNICIPALITY_ROLES and municipality is None:
        raise InvalidInput(_("A municipality user must belong to a municipality."))
    if role in PROVIDER_ROLES and provider is None:
        raise InvalidInput(_("A project manager or supplier user must belong to a provider."))
    if role not in MUNICIPALITY_ROLES and municipality is not None:
        raise InvalidInput(_("Only municipality users belong to a municipality."))
    if role not in PROVIDER_ROLES and provider is not None:
        raise InvalidInput(_("Only project managers and supplier users belong to a provider."))


def _post_for(*, role: str, post: str | None) -> str:
    """The municipal post to store: a municipality user's (procurement clerk unless told), nobody else's."""
    post = (post or "").strip()
    if role not in MUNICIPALITY_ROLES:
        if post:
            raise InvalidInput(
                _("Only municipality users have a municipal post; leave the post empty for this role."),
                extra={"fields": {"post": [str(_("Only municipality users have a municipal post."))]}},
            )
        return ""
    if not post:
        return MunicipalPost.PROCUREMENT
    if post not in MunicipalPost.values:
        raise InvalidInput(_("Unknown municipal post."),
                           extra={"fields": {"post": [str(_("Unknown municipal post."))]}})
    return post


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    organization: Organization | None = None,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    municipality: Municipality | None = None,
    provider: Provider | None = None,
    title: str = "",
    post: str = "",
) -> User:
    """A new user with their membership.

    An org admin adds users to their own organization; with no acting user (the
    command line, the demo loader) `organization` must be given.
    """
    if acting_user is not None:
        organization = require_role(acting_user, Role.ORG_ADMIN).organization
        for obj in (municipality, provider):
            if obj is not None and not in_scope(obj, acting_user):
                raise NotFound()
    if organization is None:
        raise InvalidInput(_("Choose the organization of the user."))
    for obj in (municipality, provider):
        if obj is not None and obj.organization_id != organization.pk:
            raise NotFound()
    _check_binding(role=role, municipality=municipality, provider=provider)
    post = _post_for(role=role, post=post)
    username = username.strip()
    if not username or User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("This username is empty or already taken."), code="duplicate")
    user = User(username=username, first_name=normalize(first_name), last_name=normalize(last_name),
                email=email.strip().lower())
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as error:
        raise invalid_from(error) from None
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise invalid_from(error) from None
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(
        organization=organization, user=user, role=role,
        municipality=municipality, provider=provider, title=normalize(title), post=post,
    )
    audit_record(actor=acting_user, action="user.create", obj=membership,
                 after={**snapshot(user), **snapshot(membership)})
    return user


@transaction.atomic
def membership_change_role(*, membership: Membership, acting_user: User, role: str,
                           municipality: Municipality | None = None, provider: Provider | None = None,
                           post: str | None = None,
                           title: str | None = None) -> Membership:
    """A member's role and binding (and for a municipality user its post); `None` keeps post and title.

    A municipality user who stays one keeps its post unless a new one is given; any other role has none.
    """
    require_role(acting_user, Role.ORG_ADMIN)
    for obj in (membership, municipality, provider):
        if obj is not None and not in_scope(obj, acting_user):
            raise NotFound()
    _check_binding(role=role, municipality=municipality, provider=provider)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if post is None:
        post = membership.post if role in MUNICIPALITY_ROLES else ""
    post = _post_for(role=role, post=post)
    before = snapshot(membership)
    membership.role, membership.municipality, membership.provider = role, municipality, provider
    membership.post = post
    if title is not None:
        membership.title = normalize(title)
    membership.save()
    audit_record(actor=acting_user, action="membership.change_role", obj=membership,
                 before=before, after=snapshot(membership))
    if (before.get("role"), before.get("municipality_id"), before.get("provider_id")) != (
            membership.role, membership.municipality_id, membership.provider_id):
        _revoke_live_tokens(user=membership.user, acting_user=acting_user)
    return membership


def _revoke_live_tokens(*, user: User, acting_user: User) -> None:
    """A member's tokens end with the role they were made under: a machine given a supplier's rights must
    not carry an officer's after a move (nor come back to life when the role holds tokens again)."""
    now = timezone.now()
    for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=acting_user, action="api_token.revoke", obj=token,
                     after={"revoked_at": now.isoformat(), "reason": "role_changed"})


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, acting_user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new bearer token for the acting user; the secret is returned once and never stored.

    Only the roles of API_TOKEN_ROLES hold tokens (see there why); any other role gets 403. A token made
    without an expiry expires after HAMYAR_API_TOKEN_DAYS: a secret forgotten in a script or a leaked
    configuration stops working by itself.
    """
    membership = membership_of(acting_user)
    if membership is None:
        raise NotFound()
    require_role(acting_user, *API_TOKEN_ROLES)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the token a name of at most 100 characters."))
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("The expiry must be in the future."))
    if expires_at is None:
        expires_at = timezone.now() + timedelta(days=settings.HAMYAR_API_TOKEN_DAYS)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=membership.organization, user=acting_user, name=name,
        prefix=secret[:12], key_hash=_hash(secret), expires_at=expires_at,
    )
    audit_record(actor=acting_user, action="api_token.create", obj=token,
                 after=snapshot(token, ["name", "prefix", "expires_at"]))
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user: User) -> ApiToken:
    if token.user_id != acting_user.pk:
        require_role(acting_user, Role.ORG_ADMIN)
        if not in_scope(token, acting_user):
            raise NotFound()
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=acting_user, action="api_token.revoke", obj=token,
                     after={"revoked_at": token.revoked_at.isoformat()})
    return token


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind a bearer secret, or None; compares hashes, never secrets."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    # A token kept from a role that held one opens nothing once the user's role no longer does.
    membership = membership_of(token.user)
    if membership is None or membership.role not in API_TOKEN_ROLES:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy machine client should not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def is_local_path(url: str) -> bool:
    """A path on this site ("/needs/12/"), never another host: a notification's link is no open redirect."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ch in url for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def notification_recipients(
    *, organization_id: int, roles: Iterable[str] = (), municipality_id: int | None = None,
    provider_id: int | None = None, posts: Iterable[str] = (), municipality_ids: Iterable[int] | None = None,
) -> list[User]:
    """Active members of the organization to tell: by role, and for bound roles by their municipality or
    provider (and, for municipality users, optionally only some posts, such as the mayor).

    A municipality user without a post counts as its procurement clerk.
    """
    memberships = Membership.objects.filter(organization_id=organization_id, user__is_active=True)
    if roles:
        memberships = memberships.filter(role__in=list(roles))
    if municipality_id is not None:
        memberships = memberships.filter(municipality_id=municipality_id)
    if municipality_ids is not None:  # many municipalities at once (a group purchase's participants)
        memberships = memberships.filter(municipality_id__in=list(municipality_ids))
    if provider_id is not None:
        memberships = memberships.filter(provider_id=provider_id)
    if posts:
        posts = list(posts)
        if MunicipalPost.PROCUREMENT in posts:
            posts.append("")
        memberships = memberships.filter(role__in=sorted(MUNICIPALITY_ROLES), post__in=posts)
    users = [m.user for m in memberships.select_related("user").order_by("pk")]
    for user in users:
        user.checked_member_of = organization_id  # notify() need not ask the database again
    return users


def notify(*, organization_id: int, recipients: Iterable[User], subject: str | Promise,
           body: str | Promise = "", url: str = "") -> list[Notification]:
    """Tell each recipient in the in-app inbox, and by e-mail once the caller's transaction commits.

    Called by the transitions that leave something waiting for someone. Strings are rendered
    in the recipient-independent site language (Persian) when stored. A recipient who is not an
    active member of the organization is left out (a message never crosses tenants), and a link
    that is not a path of this site is dropped.
    """
    from .tasks import notification_email_task

    wanted = {u.pk: u for u in recipients}
    unchecked = [pk for pk, u in wanted.items() if getattr(u, "checked_member_of", None) != organization_id]
    members = set(wanted) - set(unchecked)
    if unchecked:
        members |= set(Membership.objects.filter(organization_id=organization_id, user_id__in=unchecked,
                                                 user__is_active=True).values_list("user_id", flat=True))
    url = str(url or "")
    rows = Notification.objects.bulk_create(
        Notification(organization_id=organization_id, recipient=user, subject=str(subject)[:200],
                     body=str(body), url=url if is_local_path(url) and len(url) <= 300 else "")
        for pk, user in wanted.items() if pk in members
    )
    ids = [row.pk for row in rows]  # bulk_create returns keys on PostgreSQL and SQLite ≥ 3.35
    if ids and clock.is_set():
        # The demo's story: the inbox shows the message on the day of its step, as the timeline does.
        Notification.objects.filter(pk__in=ids).update(created_at=clock.now())
    for pk in ids:
        transaction.on_commit(partial(notification_email_task.enqueue, pk))
    return rows


def notification_mark_read(*, notification: Notification, acting_user: User) -> None:
    """Mark one of the actor's own notifications read (not audited: it changes nothing of record)."""
    if notification.recipient_id != acting_user.pk:
        raise NotFound()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    if notification.read_at is None:
        notification.read_at = Notification.objects.values_list("read_at", flat=True).get(pk=notification.pk)


def notification_mark_all_read(*, acting_user: User | AnonymousUser | None) -> int:
    """Mark every unread notification of the actor read; returns how many were."""
    if acting_user is None or not acting_user.is_authenticated:
        raise NotFound()
    return Notification.objects.filter(recipient_id=acting_user.pk, read_at__isnull=True).update(
        read_at=timezone.now())


def notification_mark_group_read(*, notification: Notification, acting_user: User) -> int:
    """Mark read the actor's unread messages about the same object as `notification` (the same link;
    without a link, itself only); returns how many were. Opening the object reads all its news."""
    if notification.recipient_id != acting_user.pk:
        raise NotFound()
    same = Notification.objects.filter(recipient_id=acting_user.pk, read_at__isnull=True)
    same = same.filter(url=notification.url) if notification.url else same.filter(pk=notification.pk)
    count = same.update(read_at=timezone.now())
    if notification.read_at is None:
        notification.read_at = Notification.objects.values_list("read_at", flat=True).get(pk=notification.pk)
    return count
