"""References between resources: how an answer names another row, and how an input's ids are
resolved in the user's scope."""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from ninja import Schema

from ..errors import InvalidInput, NotFound
from .inputs import INVALID_REFERENCE

# ---------------------------------------------------------------- references and roles


class Ref(Schema):
    """Another record, by id and name."""

    id: int
    name: str


class NumberRef(Schema):
    """Another record, by id and its number (an invoice's, an order's)."""

    id: int
    number: str


def describe(model: type[Model]) -> dict[str, str]:
    """OpenAPI extra naming the model a route serves; the scope tests find routes by it."""
    return {"x-hamyar-model": model._meta.label_lower}


def resolve_refs(user: Any, data: dict[str, Any], **getters: Callable[..., Any]) -> dict[str, Any]:
    """Replace ids in `data` by the objects the user may see, through the scoped selectors.

    An id outside the user's scope (or of another tenant) is the same as a missing
    one: the field is invalid, and nothing is written.
    """
    resolved, fields = dict(data), {}
    for name, get in getters.items():
        value = data.get(name)
        if value is None:
            continue
        try:
            if isinstance(value, list):
                resolved[name] = [get(user=user, pk=pk) for pk in dict.fromkeys(value)]
            else:
                resolved[name] = get(user=user, pk=value)
        except NotFound:
            fields[name] = [INVALID_REFERENCE]
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], extra={"fields": fields})
    return resolved
