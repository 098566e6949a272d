"""What the needs services share: the row lock, the audited snapshot, refusals by field, who is told."""

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.accounts.services import notification_recipients
from hamyar.core.audit import snapshot
from hamyar.core.errors import InvalidInput
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.text import normalize

from ..models import Need, NeedLine

__all__ = ["need_lock"]


def need_lock(need: Need) -> Need:
    """The need re-read under a row lock (PostgreSQL); SQLite serializes writers already."""
    return Need.objects.select_for_update().get(pk=need.pk)


def need_url(need: Need) -> str:
    return reverse("needs:need_detail", args=[need.pk])


def officers(organization_id: int) -> list[User]:
    return notification_recipients(organization_id=organization_id, roles=[Role.COMMERCE_OFFICER])


def municipality_users(need: Need) -> list[User]:
    return notification_recipients(organization_id=need.organization_id, roles=[Role.MUNICIPALITY_USER],
                                   municipality_id=need.municipality_id)


def provider_users(organization_id: int, provider_id: int) -> list[User]:
    return notification_recipients(organization_id=organization_id, roles=list(PROVIDER_ROLES),
                                   provider_id=provider_id)


def invalid(fields: dict[str, list[Any]]) -> InvalidInput:
    """A refusal naming each field and its messages; the first message is the refusal's own."""
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, extra={"fields": {k: [str(m) for m in v] for k, v in fields.items()}})


def _line_rows(lines: Iterable[NeedLine]) -> list[dict[str, Any]]:
    return [{"item": line.item_id, "description": line.description, "quantity": line.quantity,
             "unit": line.unit} for line in lines]


def need_snapshot(need: Need) -> dict[str, Any]:
    """The need's fields and its lines, as its audit events record them."""
    data = snapshot(need)
    data["lines"] = _line_rows(NeedLine.objects.filter(need_id=need.pk).order_by("pk")) if need.pk else []
    return data


def step_snapshot() -> Callable[[Need], dict[str, Any]]:
    """`need_snapshot` for one lifecycle step: no step changes the lines, so the step reads them once
    for its before, its after and its own checks. A new one for each step."""
    lines: list[dict[str, Any]] | None = None

    def take(need: Need) -> dict[str, Any]:
        nonlocal lines
        data = snapshot(need)
        if lines is None:
            lines = _line_rows(NeedLine.objects.filter(need_id=need.pk).order_by("pk"))
        data["lines"] = lines
        return data

    return take


def reason_text(reason: str | None, *, required: bool = True) -> str:
    """The reason of a refusal or a choice, normalized; required unless told otherwise."""
    text = normalize(reason or "", multiline=True)
    if required and not text:
        raise invalid({"reason": [_("Write the reason; the municipality will read it.")]})
    if len(text) > 2000:
        raise invalid({"reason": [_("Keep the reason under 2,000 characters.")]})
    return text


def shown_on(need: Need, locked: Need) -> Need:
    """The caller's instance shows what was saved, without another query; the locked row is returned."""
    if need is not locked:
        for field in Need._meta.concrete_fields:
            setattr(need, field.attname, getattr(locked, field.attname))
    return locked
