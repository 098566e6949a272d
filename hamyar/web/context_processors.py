"""What the shell (navigation, user badge, today's date) needs on every page."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from hamyar.accounts.selectors import notification_unread_count
from hamyar.core.scoping import membership_of

from .navigation import nav_items


def shell(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(getattr(request, "user", None))
    match = getattr(request, "resolver_match", None)
    return {
        "membership": membership,
        "nav": nav_items(membership, match.view_name if match else ""),
        "today": timezone.localdate(),
        # The bell's number: one COUNT on the inbox index, only for a signed-in member.
        "unread_notifications": notification_unread_count(user=request.user) if membership else 0,
    }
