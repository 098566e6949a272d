"""Links a page of one app draws to an action of another, kept in the shell on top.

A catalog item's page offers "add to a need", but the catalog sits below needs and must not know it:
the shell, which may import every app, draws that link for it.
"""

from typing import Any

from django import template

from hamyar.core.scoping import role_of
from hamyar.needs import selectors as needs
from hamyar.needs.choices import AUTHORS

register = template.Library()


@register.inclusion_tag("needs/partials/add_to_need.html", takes_context=True)
def add_to_need(context: Any, item: Any, size: str = "sm") -> dict:
    """"Add to a need" for a catalog item: a new need with it, or one of the user's drafts; shown only
    to a user who may write needs, for an item a need may name (offered and active)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = (user is not None and role_of(user) in AUTHORS
             and getattr(item, "is_offered", False) is True and item.is_active)
    return {"shown": shown, "item": item, "size": size,
            "drafts": needs.need_drafts_of(user=user) if shown else []}
