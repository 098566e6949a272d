"""Keyset (cursor) pages of a list: stable under inserts, cheap at any depth."""

import operator
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import create_model

from ..errors import InvalidInput
from .inputs import text

# ---------------------------------------------------------------- keyset pages


class PageQuery(Schema):
    # text() makes an Annotated str at import, which mypy cannot read as a type.
    cursor: text(1000) | None = Field(None, description="`next_cursor` of the previous page.")  # type: ignore[valid-type]
    limit: int = Field(settings.HAMYAR_API_PAGE_SIZE, ge=1, le=settings.HAMYAR_API_MAX_PAGE_SIZE)


def page_of(item: type[Schema]) -> type[Schema]:
    """The response of a list: one page of `item`s and the cursor of the next page, if any."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(name, __base__=Schema, items=(list[item], ...),  # type: ignore[valid-type]
                        next_cursor=(str | None, None))


def _ordering(queryset: QuerySet) -> list[tuple[str, bool, bool]]:
    """(lookup path, descending, nullable) of the queryset's ordering, ending in the primary key."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys = []
    for name in names:
        if not isinstance(name, str) or name.startswith("?"):
            raise TypeError(f"Keyset pages need plain field orderings, not {name!r}.")
        path = name.lstrip("-")
        model, nullable = queryset.model, False
        for part in path.split("__"):
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
            nullable = nullable or field.null
            if field.is_relation:
                model = field.related_model
        if field.is_relation:
            raise TypeError(f"Order by a column of the related model, not by {path!r} itself.")
        keys.append((path, name.startswith("-"), nullable))
    if keys[-1][0] not in {"pk", queryset.model._meta.pk.name}:
        keys.append(("pk", False, False))
    return keys


def _position(obj: Model, path: str) -> Any:
    value: Any = obj
    for part in path.split("__"):
        value = getattr(value, part) if value is not None else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _after(keys: list[tuple[str, bool, bool]], values: list[Any]) -> Q:
    """Rows strictly after the position `values` in the ordering `keys` (NULLs last)."""
    terms, equal = [], Q()
    for (path, descending, nullable), value in zip(keys, values, strict=True):
        if value is None:  # nothing follows NULL on this column but more NULLs
            equal &= Q(**{f"{path}__isnull": True})
            continue
        step = Q(**{f"{path}__{'lt' if descending else 'gt'}": value})
        if nullable:
            step |= Q(**{f"{path}__isnull": True})
        terms.append(equal & step)
        equal &= Q(**{path: value})
    return reduce(operator.or_, terms)


def paginate(queryset: QuerySet, page: PageQuery) -> dict[str, Any]:
    """One page of a selector's queryset, in its own order, after the opaque `page.cursor`.

    Keyset, not offset: a page is found by the last row's sort values, so rows added
    or removed meanwhile neither repeat nor skip rows, and deep pages cost the same.
    """
    keys = _ordering(queryset)
    salt = "hamyar.api.cursor:" + queryset.model._meta.label_lower + ":" + ",".join(
        f"{'-' if d else ''}{p}" for p, d, _n in keys
    )
    rows = queryset.order_by(*[
        (F(p).desc(nulls_last=True) if d else F(p).asc(nulls_last=True)) if n else f"{'-' if d else ''}{p}"
        for p, d, n in keys
    ])
    if page.cursor:
        try:
            values = signing.loads(page.cursor, salt=salt)
        except signing.BadSignature:
            values = None
        if not isinstance(values, list) or len(values) != len(keys):
            message = _("This page cursor is not valid; start again from the first page.")
            raise InvalidInput(message, code="invalid_cursor", extra={"fields": {"cursor": [message]}})
        rows = rows.filter(_after(keys, values))
    items = list(rows[: page.limit + 1])
    next_cursor = None
    if len(items) > page.limit:
        items = items[: page.limit]
        next_cursor = signing.dumps([_position(items[-1], p) for p, _d, _n in keys], salt=salt)
    return {"items": items, "next_cursor": next_cursor}
