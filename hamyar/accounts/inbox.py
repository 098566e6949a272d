"""The inbox grouped by object: every message with the same link is about the same object (a quotation,
an order, a need), so the inbox shows one row per object — its latest message, how many there are, how
many unread — with the earlier ones listed under it. A message without a link is a group of its own."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import Cast, Concat, RowNumber

from .models import Notification, User
from .selectors import notification_list

__all__ = ["EARLIER_SHOWN", "NotificationGroup", "notification_group_of", "notification_group_pages",
           "key_of"]

# Earlier messages listed under a group's latest; the rest are counted ("and N more").
EARLIER_SHOWN = 10


def _key() -> Any:
    """The group of a message: its link, or (no link) the message itself."""
    return Case(When(url="", then=Concat(Value("#"), Cast("pk", CharField()))), default=F("url"),
                output_field=CharField())


def key_of(notification: Notification) -> str:
    return notification.url or f"#{notification.pk}"


@dataclass
class NotificationGroup:
    """One object's messages: the latest, the earlier ones shown, how many in all and how many unread."""

    key: str
    count: int
    unread_count: int
    latest: Notification | None = None
    earlier: list[Notification] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """Earlier messages not listed under the latest."""
        return max(self.count - 1 - len(self.earlier), 0)


def _groups(user: User, unread: bool | None) -> QuerySet:
    return (notification_list(user=user, unread=unread).order_by().annotate(key=_key()).values("key")
            .annotate(latest_at=Max("created_at"), latest_pk=Max("pk"), count=Count("pk"),
                      unread_count=Count("pk", filter=Q(read_at__isnull=True)))
            .order_by("-latest_at", "-latest_pk"))


def _fill(user: User, unread: bool | None, rows: list[dict]) -> list[NotificationGroup]:
    """The groups of one page with their messages, newest first, in one query."""
    groups = {row["key"]: NotificationGroup(row["key"], row["count"], row["unread_count"]) for row in rows}
    if not groups:
        return []
    messages = (notification_list(user=user, unread=unread).annotate(key=_key())
                .annotate(place=Window(RowNumber(), partition_by=[_key()], order_by=[F("created_at").desc(),
                                                                                    F("pk").desc()]))
                .filter(key__in=list(groups), place__lte=EARLIER_SHOWN + 1)
                .order_by("-created_at", "-pk"))
    for message in messages:
        group = groups[message.key]
        if group.latest is None:
            group.latest = message
        else:
            group.earlier.append(message)
    return [group for group in groups.values() if group.latest is not None]


class _Pages:
    """The groups as the paginator slices them: each page's messages read at once."""

    def __init__(self, user: User, unread: bool | None) -> None:
        self.user, self.unread, self.groups = user, unread, _groups(user, unread)

    def count(self) -> int:
        return self.groups.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[NotificationGroup]:
        return _fill(self.user, self.unread, list(self.groups[index]))


def notification_group_pages(*, user: User, unread: bool | None = None) -> _Pages:
    """The user's own notifications grouped by object, the group with the newest message first."""
    return _Pages(user, unread)


def notification_group_of(*, user: User, notification: Notification) -> NotificationGroup:
    """The group of one of the user's notifications (after marking it read, for its row)."""
    rows = list(_groups(user, None).filter(key=key_of(notification)))
    return _fill(user, None, rows)[0]

