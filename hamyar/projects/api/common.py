"""What the projects API modules share: where its files are served, the amount's bound, a person."""

from ninja import Schema

from hamyar.accounts.models import User

from .. import services

API = "/api/v1/projects"
MAX_AMOUNT = services.MAX_AMOUNT


class PersonOut(Schema):
    id: int
    name: str


def person(user: User | None) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None
