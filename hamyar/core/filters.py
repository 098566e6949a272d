"""One declaration per list filter: the page's filter form, the API's query schema, the selector's filter.

A small own class rather than django-filter: the pages already draw Django forms with Jalali dates and
Persian messages, and django-filter has no ninja schema, so the API would need a second declaration —
the very thing this removes. A list's filter is a Django form whose fields are its filters, plus
`lookups` saying how each narrows the queryset. The API's query schema is made from the same fields and
validated by the same field `clean`, so a value means the same thing, and is refused with the same
message, on the page and in the API.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema, create_model
from pydantic_core import PydanticCustomError

from .apikit import DATE_INPUT_SCHEMA, MAX_ID
from .forms import JalaliDateField

Lookup = str | Callable[[QuerySet, Any], QuerySet]
EMPTY: tuple[Any, ...] = (None, "", [], ())


class ListFilter(forms.Form):
    """Subclass with the list's fields and `lookups` (field → ORM lookup, or a function of the queryset
    and the value); a field without a lookup filters on its own name."""

    lookups: ClassVar[Mapping[str, Lookup]] = {}
    _schemas: ClassVar[dict[type, type[Schema]]] = {}

    @classmethod
    def filter_queryset(cls, queryset: QuerySet, values: Mapping[str, Any] | None) -> QuerySet:
        """The rows that match every given value; an empty value filters nothing."""
        for name, value in (values or {}).items():
            if value in EMPTY or name not in cls.base_fields:
                continue
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
                return queryset.none()  # no key is that large, and the database would refuse to compare it
            lookup = cls.lookups.get(name, name)
            queryset = lookup(queryset, value) if callable(lookup) else queryset.filter(**{lookup: value})
        return queryset

    def values(self) -> dict[str, Any]:
        """The valid values of a bound form (an invalid field is shown on the page and filters nothing)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in EMPTY}

    def apply(self, queryset: QuerySet) -> QuerySet:
        return self.filter_queryset(queryset, self.values())

    @classmethod
    def query_schema(cls) -> type[Schema]:
        """The API's query parameters: the same fields, cleaned by the same `clean`."""
        if cls not in ListFilter._schemas:
            fields = {name: _query_field(field) for name, field in cls.base_fields.items()}
            name = cls.__name__.removesuffix("Filter") + "Query"
            ListFilter._schemas[cls] = create_model(name, __base__=Schema, **fields)  # type: ignore[call-overload]
        return ListFilter._schemas[cls]


def _python_type(field: forms.Field) -> Any:
    if isinstance(field, forms.ModelChoiceField | forms.IntegerField):
        return int
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return bool
    if isinstance(field, forms.DateField | JalaliDateField):
        return date
    return str


def _query_field(field: forms.Field) -> tuple[Any, Any]:
    def clean(value: Any) -> Any:
        if value in EMPTY:
            return None
        if isinstance(field, forms.ModelChoiceField):
            # The id is checked as a whole number only: the selector's scope decides what it matches,
            # so an id outside the user's reach finds nothing rather than telling that it exists.
            field_to_clean: forms.Field = forms.IntegerField(min_value=1)
        else:
            field_to_clean = field
        try:
            cleaned = field_to_clean.clean(value)
        except ValidationError as error:
            message = str(error.messages[0])
            raise PydanticCustomError("filter_input", "{message}", {"message": message}) from None
        return None if cleaned in EMPTY else cleaned

    extra: dict[str, Any] = {}
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        extra["json_schema_extra"] = {"enum": [str(key) for key, _label in choices if key not in EMPTY]}
    if isinstance(field, forms.ModelChoiceField):
        extra.update(ge=1)
    for bound, key in (("min_value", "ge"), ("max_value", "le"), ("max_length", "max_length")):
        if getattr(field, bound, None) is not None:
            extra[key] = getattr(field, bound)
    description = str(field.help_text or field.label or "")
    python_type = _python_type(field)
    annotated: Any  # an Annotated type made at run time
    if python_type is date:  # documented as every date an API client sends: Jalali or Gregorian
        annotated = Annotated[date | None, BeforeValidator(clean), WithJsonSchema(DATE_INPUT_SCHEMA)]
        extra.pop("json_schema_extra", None)
    else:
        annotated = Annotated[python_type | None, BeforeValidator(clean)]
    return annotated, Field(None, description=description, **extra)
