"""The legal and urban constraints of a project or one of its milestones."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError
from hamyar.core.text import normalize

from ..choices import OPEN_PROJECT, WORKERS, ConstraintKind, ConstraintStatus
from ..models import Milestone, Project, ProjectConstraint
from .common import invalid, is_date, locked_for, managers, officers, tell

# ---------------------------------------------------------------- constraints


def _clean_constraint(project: Project, values: dict[str, Any], existing: ProjectConstraint | None
                      ) -> dict[str, Any]:
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}

    def value(name: str) -> Any:
        return values[name] if name in values else (getattr(existing, name) if existing else None)

    kind = value("kind")
    if kind not in ConstraintKind.values:
        errors["kind"] = [_("Choose the kind of constraint.")]
    cleaned["kind"] = kind
    title = normalize(value("title") or "")
    if not title:
        errors["title"] = [_("Give the constraint a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    cleaned["title"] = title
    status = value("status") or ConstraintStatus.OPEN
    if status not in ConstraintStatus.values:
        errors["status"] = [_("Choose the constraint's status.")]
    cleaned["status"] = status
    owner = normalize(value("owner") or "")
    if not owner:
        errors["owner"] = [_("Say who is resolving it.")]
    elif len(owner) > 150:
        errors["owner"] = [_("Keep the owner under 150 characters.")]
    cleaned["owner"] = owner
    due = value("due_date")
    if due is not None and not is_date(due):
        errors["due_date"] = [_("Enter a valid date.")]
    cleaned["due_date"] = due
    notes = normalize(value("notes") or "", multiline=True)
    if len(notes) > 10_000:
        errors["notes"] = [_("Keep the notes under 10,000 characters.")]
    cleaned["notes"] = notes
    milestone = value("milestone")
    if milestone is not None and (not isinstance(milestone, Milestone) or milestone.project_id != project.pk):
        errors["milestone"] = [_("Choose a milestone of this project, or none for the whole project.")]
    cleaned["milestone"] = milestone
    if errors:
        raise invalid(errors)
    return cleaned


def _constraint_project(project: Project, acting_user: User) -> Project:
    locked, _membership = locked_for(project, acting_user, WORKERS)
    if locked.status not in OPEN_PROJECT:
        raise ApplicationError(_("The project is closed; its constraints no longer change."),
                               code="project_state")
    return locked


def _tell_blocking(project: Project, constraint: ProjectConstraint) -> None:
    tell(project, [*officers(project), *managers(project)],
          _("Constraint “%(title)s” is blocking project %(number)s.")
          % {"title": constraint.title, "number": project.number}, body=constraint.notes)


def constraint_add(*, project: Project, acting_user: User, kind: str, title: str, owner: str,
                   status: str = ConstraintStatus.OPEN, milestone: Milestone | None = None,
                   due_date: dt.date | None = None, notes: str = "") -> ProjectConstraint:
    """Record a legal or urban constraint of the project (or of one milestone)."""
    with transaction.atomic():
        locked = _constraint_project(project, acting_user)
        values = {"kind": kind, "title": title, "owner": owner, "status": status, "milestone": milestone,
                  "due_date": due_date, "notes": notes}
        cleaned = _clean_constraint(locked, values, None)
        row = ProjectConstraint(organization_id=locked.organization_id, project=locked, **cleaned)
        if row.status == ConstraintStatus.RESOLVED:
            row.resolved_at = timezone.now()
        row.save()
        audit_record(actor=acting_user, action="constraint.add", obj=row, after=snapshot(row))
        if row.status == ConstraintStatus.BLOCKING:
            _tell_blocking(locked, row)
    return row


def constraint_update(*, constraint: ProjectConstraint, acting_user: User, **changes: Any
                      ) -> ProjectConstraint:
    """Change a constraint: its status (resolved stamps the time), owner, due date, notes, milestone."""
    unknown = set(changes) - {"kind", "title", "owner", "status", "milestone", "due_date", "notes"}
    if unknown:
        raise TypeError(f"constraint_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _constraint_project(constraint.project, acting_user)
        row = ProjectConstraint.objects.select_for_update().get(pk=constraint.pk)
        before = snapshot(row)
        cleaned = _clean_constraint(locked, changes, row)
        was = row.status
        for key, value in cleaned.items():
            setattr(row, key, value)
        if row.status == ConstraintStatus.RESOLVED and was != ConstraintStatus.RESOLVED:
            row.resolved_at = timezone.now()
        elif row.status != ConstraintStatus.RESOLVED:
            row.resolved_at = None
        row.save()
        after = snapshot(row)
        audit_record(actor=acting_user, action="constraint.update", obj=row, before=before, after=after)
        if row.status == ConstraintStatus.BLOCKING and was != ConstraintStatus.BLOCKING:
            _tell_blocking(locked, row)
    constraint.refresh_from_db()
    return row


__all__ = [
    "constraint_add",
    "constraint_update",
]
