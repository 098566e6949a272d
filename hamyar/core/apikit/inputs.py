"""Input types every API schema uses: bounded text without control characters, the one date and
number readers, ids."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, cast

from django.db.models import Field as ModelField
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Schema
from pydantic import AfterValidator, BeforeValidator, StrictInt, WithJsonSchema, create_model, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from ..jalali import MESSAGES, JalaliDateError, format_jalali_date, parse_date
from ..numbers import NumberError, parse_decimal, parse_whole
from ..text import strip_controls

# The largest id a 64-bit primary key holds; a larger one is bad input, not a database error.
MAX_ID = 2**63 - 1
# Unbounded text fields (descriptions, notes) are still bounded at the API.
MAX_TEXT = 10_000

INVALID_REFERENCE = _("Select a valid choice. That choice is not one of the available choices.")


# ---------------------------------------------------------------- input types


def _no_null_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text; refuse it here, with a message, instead of a 500.
    if "\x00" in value:
        raise PydanticCustomError("null_characters", "Null characters are not allowed.")
    return value


def text(max_length: int) -> Any:
    """A string of at most `max_length` characters, without NUL."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_null_characters)]


def text_of(model: type[Model], field: str) -> Any:
    """A string bounded like the model field it is written to."""
    return text(cast(ModelField[Any, Any], model._meta.get_field(field)).max_length or MAX_TEXT)


def _typed_date(value: Any) -> Any:
    # The one reading of a typed date (hamyar.core.jalali.parse_date), as on the pages and in the sheets.
    if isinstance(value, datetime) or not isinstance(value, str | date):
        raise PydanticCustomError("date_input", "{message}", {"message": str(MESSAGES["format"])})
    try:
        return parse_date(value)
    except JalaliDateError as error:
        raise PydanticCustomError("date_input", "{message}", {"message": error.message}) from None


# Every date an API client sends, in a body or a query string: Jalali (1405/09/16, ۱۴۰۵/۰۹/۱۶) or
# Gregorian (2026-12-07, 2026/12/07) by the four-digit year that comes first; anything else is a 422
# naming the field, with a message that shows the expected form.
DATE_INPUT_SCHEMA = {
    "type": "string",
    "description": "A Jalali date (1300–1500, e.g. 1405/09/16) or a Gregorian one (e.g. 2026-12-07): "
                   "the four-digit year first; separators / - or .; Persian digits accepted.",
    "examples": ["1405/09/16", "2026-12-07"],
}
DateInput = Annotated[date, BeforeValidator(_typed_date), WithJsonSchema(DATE_INPUT_SCHEMA)]


def _typed_number(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        # Text goes through the one number parser (hamyar.core.numbers): "۱۲٫۵" is 12.5, "۱٬۲۳" is refused
        # rather than read as 123, and "1_000" or "1e3" are not how anyone writes an amount.
        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except NumberError as error:
            raise PydanticCustomError("number_input", "{message}", {"message": error.message}) from None

    return validate


def decimal_input(**constraints: Any) -> Any:
    """A decimal (a percentage, an area) sent as a JSON number or as text a clerk typed (۱۲٫۵).

    The constraints (gt, le, max_digits…) sit inside the type so the documented schema keeps them.
    """
    return Annotated[Decimal, Field(**constraints), BeforeValidator(_typed_number(parse_decimal))]


def whole_input(**constraints: Any) -> Any:
    """A whole number in a query string (a price bound, a number of days), read as a clerk types it."""
    return Annotated[int, Field(**constraints), BeforeValidator(_typed_number(parse_whole))]


# An id in a request body: a JSON integer (not "5", not true) that fits a 64-bit key.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
PathId = Path(..., ge=1, le=MAX_ID)  # an id in a route's path: a positive whole number, or 422


def jalali_text(value: date | datetime | None) -> str | None:
    """A date (or a moment's day) as every API answer writes it: Jalali, Latin digits."""
    return format_jalali_date(value, persian_digits=False) if value else None


def _without_controls(value: Any) -> Any:
    """Every string in a request body without control characters (hamyar.core.text.strip_controls).

    NUL is left for `text()` to refuse with a message, as before: it is a broken client's sign,
    not a stray keystroke."""
    if isinstance(value, str):
        return "\x00".join(strip_controls(part) for part in value.split("\x00"))
    if isinstance(value, dict):
        return {key: _without_controls(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_controls(item) for item in value]
    return value


class InputSchema(Schema):
    """A request body: unknown fields are refused so a typo is not silently ignored, and no string
    keeps a control character (a stored U+0008 once broke every Excel export)."""

    model_config = {"extra": "forbid"}

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        return _without_controls(data)


def partial(schema: type[InputSchema]) -> type[InputSchema]:
    """The PATCH form of a create schema: every field optional, with the same rules when sent.

    An omitted field is left alone (read it with `model_dump(exclude_unset=True)`);
    null is accepted only where the field itself is nullable.
    """
    fields: dict[str, Any] = {
        name: (field.annotation, FieldInfo.merge_field_infos(field, default=None, default_factory=None))
        for name, field in schema.model_fields.items()
    }
    name = schema.__name__.removesuffix("In") + "Patch"
    return create_model(name, __base__=InputSchema, **fields)
