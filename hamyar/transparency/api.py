"""The public API: what the organization has published, for anyone, without a token.

Every route here is declared `auth=None` (public); nothing is published yet, so the list is empty.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["transparency"])


class PublishedOut(Schema):
    items: list[dict[str, Any]]
    next_cursor: str | None = None


@router.get("/", response={200: PublishedOut}, auth=None)
def list_published(request: HttpRequest) -> Any:
    """What the organization has published, for anyone: nothing yet (an empty page)."""
    return {"items": [], "next_cursor": None}
