"""Every accounts read a user can see: the organization's members, and one's own API tokens."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from hamyar.core.errors import NotFound
from hamyar.core.scoping import membership_of, scope
from hamyar.core.text import normalize

from .models import ApiToken, Membership, Notification, User


def membership_list(*, user: User, q: str | None = None, role: str | None = None) -> QuerySet[Membership]:
    """The members of the user's organization that the user may see (org-wide roles: all)."""
    qs = scope(Membership.objects.all(), user).select_related("user", "municipality", "provider")
    key = normalize(q or "")
    if key:
        qs = qs.filter(
            Q(user__username__icontains=key) | Q(user__first_name__icontains=key)
            | Q(user__last_name__icontains=key) | Q(title__icontains=key)
        )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("role", "user__username", "pk")


def membership_get(*, user: User, pk: int) -> Membership:
    membership = membership_list(user=user).filter(pk=pk).first()
    if membership is None:
        raise NotFound()
    return membership


def membership_counts_by_role(*, user: User) -> dict[str, int]:
    rows = scope(Membership.objects.all(), user).values("role").annotate(n=Count("pk")).order_by()
    return {row["role"]: row["n"] for row in rows}


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first; no one lists another person's tokens here."""
    membership = membership_of(user)
    if membership is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user, organization_id=membership.organization_id).order_by(
        "-created_at", "-pk"
    )


def api_token_get(*, user: User, pk: int) -> ApiToken:
    token = api_token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own notifications, newest first; no one reads another person's inbox, even a colleague's."""
    qs = scope(Notification.objects.all(), user).filter(recipient_id=user.pk)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-pk")


def notification_get(*, user: User, pk: int) -> Notification:
    notification = notification_list(user=user).filter(pk=pk).first()
    if notification is None:
        raise NotFound()
    return notification


def notification_unread_count(*, user: User | AnonymousUser | None) -> int:
    """How many of the user's notifications wait to be read (one query: the bell on every page)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
