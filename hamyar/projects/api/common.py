"""What the projects API modules share: the path id, the Jalali date, a person."""

from datetime import date, datetime

from ninja import Path, Schema

from hamyar.core.apikit import MAX_ID
from hamyar.core.jalali import format_jalali_date

from .. import services

PathId = Path(..., ge=1, le=MAX_ID)
API = "/api/v1/projects"
MAX_AMOUNT = services.MAX_AMOUNT


def jalali(value: date | datetime | None) -> str | None:
    return format_jalali_date(value, persian_digits=False) if value else None


class PersonOut(Schema):
    id: int
    name: str


def person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None

