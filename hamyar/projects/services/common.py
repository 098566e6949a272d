"""What the projects services share: limits, the project's lock, checked input, who is told."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.accounts.services import notification_recipients, notify
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.lifecycle import lock_in_scope
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role
from hamyar.core.services import invalid_from
from hamyar.core.text import normalize

from ..choices import PROJECT_LIFECYCLE
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


def invalid(fields: dict[str, list[Any]]) -> InvalidInput:
    """A refusal naming each field and its messages (the core's shape of bad input)."""
    return invalid_from(ValidationError(fields))


def locked_for(project: Project, acting_user: User, roles: frozenset[Role]) -> tuple[Project, Membership]:
    """The project under its lock if the actor may see it (404, one query for both), for a role among
    `roles` (403): what a write on a project's part starts with."""
    locked = lock_in_scope(project, acting_user)
    return locked, require_role(acting_user, *roles)


def not_now(project: Project, label: str | Promise) -> ApplicationError:
    """A write on a project's part that its state does not allow (409), worded as the lifecycle's own."""
    return ApplicationError(
        PROJECT_LIFECYCLE.message % {"status": project.get_status_display(), "action": label},
        code=PROJECT_LIFECYCLE.code)


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


def people(project: Project, *roles: Role, municipality_id: int | None = None,
           provider_id: int | None = None) -> list[User]:
    return notification_recipients(organization_id=project.organization_id, roles=list(roles),
                                   municipality_id=municipality_id, provider_id=provider_id)


def officers(project: Project) -> list[User]:
    return people(project, Role.COMMERCE_OFFICER)


def managers(project: Project) -> list[User]:
    return people(project, Role.PROJECT_MANAGER, provider_id=project.provider_id)


def municipality_users(project: Project) -> list[User]:
    return people(project, Role.MUNICIPALITY_USER, municipality_id=project.municipality_id)


def tell(project: Project, recipients: Iterable[User], subject: str | Promise, body: str = "") -> None:
    notify(organization_id=project.organization_id, recipients=list(recipients), subject=subject, body=body,
           url=project_url(project))


def shown_on(project: Project, locked: Project) -> Project:
    """The caller's instance shows what was saved, without another query; the locked row is returned."""
    if project is not locked:
        for field in Project._meta.concrete_fields:
            setattr(project, field.attname, getattr(locked, field.attname))
    return locked

