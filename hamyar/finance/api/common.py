"""What the finance routers share: the path and query ids, Jalali dates in answers, and files."""

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Field, Path

from hamyar.core.apikit import MAX_ID
from hamyar.core.jalali import format_jalali_date

PathId: Any = Path(..., ge=1, le=MAX_ID)
QueryId: Any = Field(None, ge=1, le=MAX_ID)


def jalali(value: dt.date | None) -> str | None:
    """A date as 1405/09/03 (Latin digits: a machine reads it), or None."""
    return format_jalali_date(value, persian_digits=False) if value else None


def attachment(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response
