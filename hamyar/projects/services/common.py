"""What the projects services share: limits, the project's lock, checked input, who is told."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.accounts.services import notification_recipients, notify
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.text import normalize

from ..models import Project

MAX_AMOUNT = 10**15
MAX_PHOTOS = 10
MAX_MILESTONES = 50
MAX_YEARS = 15
HUNDRED = Decimal(100)


def project_lock(project: Project) -> Project:
    """The project re-read under a row lock (PostgreSQL); SQLite serializes writers already."""
    return Project.objects.select_for_update().select_related("municipality", "provider").get(pk=project.pk)


def project_url(project: Project) -> str:
    try:
        return reverse("projects:project_detail", args=[project.pk])
    except NoReverseMatch:  # the pages are mounted separately
        return f"/projects/{project.pk}/"


def invalid(fields: dict[str, list]) -> InvalidInput:
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, extra={"fields": {k: [str(m) for m in v] for k, v in fields.items()}})


def authorize(project: Project, acting_user: User, roles: frozenset[Role]) -> Membership:
    """Outside the actor's scope is 404; inside it, a role not among `roles` is 403."""
    if not in_scope(project, acting_user):
        raise NotFound()
    return require_role(acting_user, *roles)


def state_error(project: Project, action: str | Promise) -> ApplicationError:
    return ApplicationError(
        _("The project is “%(status)s”; “%(action)s” is not allowed now.")
        % {"status": project.get_status_display(), "action": action},
        code="project_state",
    )


def clean_reason(reason: str | None, *, field: str = "reason", required: bool = True) -> str:
    text = normalize(reason or "", multiline=True)
    if required and not text:
        raise invalid({field: [_("Write the reason; it stays on the project's record.")]})
    if len(text) > 2000:
        raise invalid({field: [_("Keep the reason under 2,000 characters.")]})
    return text


def clean_amount(value: Any, field: str, errors: dict[str, list], *, negative: bool = False) -> int | None:
    low = -MAX_AMOUNT if negative else 0
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_AMOUNT:
        errors[field] = [_("Enter a whole number of Rial, zero or more.") if not negative
                         else _("Enter a whole number of Rial (negative to reduce).")]
        return None
    return value


def is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def people(project: Project, *roles: Role, **bound: int | None) -> list[User]:
    return notification_recipients(organization_id=project.organization_id, roles=list(roles), **bound)


def officers(project: Project) -> list[User]:
    return people(project, Role.COMMERCE_OFFICER)


def managers(project: Project) -> list[User]:
    return people(project, Role.PROJECT_MANAGER, provider_id=project.provider_id)


def municipality_users(project: Project) -> list[User]:
    return people(project, Role.MUNICIPALITY_USER, municipality_id=project.municipality_id)


def tell(project: Project, recipients: Iterable[User], subject: str | Promise, body: str = "") -> None:
    notify(organization_id=project.organization_id, recipients=list(recipients), subject=subject, body=body,
           url=project_url(project))


def refreshed(project: Project, locked: Project) -> Project:
    project.refresh_from_db()
    return locked

