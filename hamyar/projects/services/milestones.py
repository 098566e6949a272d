"""A project's milestones: planned before the work starts, then started and completed (asking
to be paid) while no constraint blocks them."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import Move, transition
from hamyar.core.roles import Role
from hamyar.core.text import normalize

from .. import progress
from ..choices import (
    MILESTONE_LIFECYCLE,
    OFFICERS,
    PLANNABLE,
    MilestoneAction,
    MilestoneStatus,
    PaymentRequestStatus,
    ProjectStatus,
)
from ..models import Milestone, PaymentRequest, Project
from ..selectors import blocking_constraint
from .common import (
    HUNDRED,
    MAX_MILESTONES,
    clean_amount,
    invalid,
    is_date,
    locked_for,
    not_now,
    people,
    project_lock,
    tell,
)

# ---------------------------------------------------------------- milestones


def _weight(value: Any, errors: dict[str, list]) -> Decimal | None:
    try:
        weight = Decimal(str(value)) if not isinstance(value, bool) and value is not None else None
    except (InvalidOperation, ValueError):
        weight = None
    if (weight is None or not weight.is_finite() or weight <= 0 or weight > HUNDRED
            or weight != weight.quantize(Decimal("0.01"))):
        errors["weight"] = [_("The weight is a percent above 0 and at most 100, with up to two decimals.")]
        return None
    return weight


def _clean_milestone(project: Project, values: dict[str, Any], existing: Milestone | None) -> dict[str, Any]:
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}

    def value(name: str) -> Any:
        return values[name] if name in values else (getattr(existing, name) if existing else None)

    title = normalize(value("title") or "")
    if not title:
        errors["title"] = [_("Give the milestone a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    cleaned["title"] = title
    cleaned["weight"] = _weight(value("weight"), errors)
    cleaned["amount"] = clean_amount(value("amount"), "amount", errors)
    start, due = value("planned_start"), value("due_date")
    if not is_date(start) or not project.start_date <= start <= project.end_date:
        errors["planned_start"] = [_("The planned start must fall within the project's dates.")]
    if not is_date(due) or not project.start_date <= due <= project.end_date:
        errors["due_date"] = [_("The due date must fall within the project's dates.")]
    elif is_date(start) and due < start:
        errors["due_date"] = [_("The due date cannot be before the planned start.")]
    cleaned["planned_start"], cleaned["due_date"] = start, due
    others = Milestone.objects.filter(project=project)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    totals = others.aggregate(weight=Sum("weight"), amount=Sum("amount"))
    if cleaned["weight"] is not None and (totals["weight"] or 0) + cleaned["weight"] > HUNDRED:
        errors["weight"] = [_("The milestones' weights would add up to more than 100%.")]
    if cleaned["amount"] is not None and (totals["amount"] or 0) + cleaned["amount"] > project.current_amount:
        errors["amount"] = [_("The milestones' amounts would add up to more than the project's amount.")]
    sequence = values.get("sequence")
    if sequence is not None:
        if isinstance(sequence, bool) or not isinstance(sequence, int) or not 1 <= sequence <= 32767:
            errors["sequence"] = [_("The order is a whole number from 1.")]
        elif others.filter(sequence=sequence).exists():
            errors["sequence"] = [_("Another milestone has this place in the order.")]
        else:
            cleaned["sequence"] = sequence
    if errors:
        raise invalid(errors)
    return cleaned


def _plannable(project: Project, acting_user: User) -> Project:
    locked, _membership = locked_for(project, acting_user, OFFICERS)
    if locked.status not in PLANNABLE:
        raise ApplicationError(_("Milestones can be planned only before the work starts."),
                               code="project_state")
    return locked


def milestone_add(*, project: Project, acting_user: User, title: str, weight: Decimal | str | float | None,
                  amount: int, planned_start: dt.date, due_date: dt.date, sequence: int | None = None
                  ) -> Milestone:
    """An officer adds a milestone (weight in percent of the physical progress, amount, planned dates)."""
    with transaction.atomic():
        locked = _plannable(project, acting_user)
        if Milestone.objects.filter(project=locked).count() >= MAX_MILESTONES:
            raise invalid({"title": [_("A project has at most 50 milestones.")]})
        cleaned = _clean_milestone(locked, {"title": title, "weight": weight, "amount": amount,
                                            "planned_start": planned_start, "due_date": due_date,
                                            "sequence": sequence}, None)
        if "sequence" not in cleaned:
            last = Milestone.objects.filter(project=locked).aggregate(n=Max("sequence"))["n"] or 0
            cleaned["sequence"] = last + 1
        milestone = Milestone.objects.create(organization_id=locked.organization_id, project=locked,
                                             **cleaned)
        audit_record(actor=acting_user, action="milestone.add", obj=milestone, after=snapshot(milestone))
    return milestone


def milestone_update(*, milestone: Milestone, acting_user: User, **changes: Any) -> Milestone:
    """An officer changes a milestone's title, weight, amount, dates or place before the work starts."""
    unknown = set(changes) - {"title", "weight", "amount", "planned_start", "due_date", "sequence"}
    if unknown:
        raise TypeError(f"milestone_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _plannable(milestone.project, acting_user)
        row = Milestone.objects.select_for_update().get(pk=milestone.pk)
        before = snapshot(row)
        cleaned = _clean_milestone(locked, changes, row)
        for key, value in cleaned.items():
            setattr(row, key, value)
        row.save()
        audit_record(actor=acting_user, action="milestone.update", obj=row, before=before,
                     after=snapshot(row))
    milestone.refresh_from_db()
    return row


def milestone_remove(*, milestone: Milestone, acting_user: User) -> None:
    """An officer removes a milestone before the work starts (its constraints go with it)."""
    with transaction.atomic():
        _plannable(milestone.project, acting_user)
        row = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if row.status != MilestoneStatus.PENDING or row.entries.exists():
            raise ApplicationError(_("A milestone with reported work cannot be removed."),
                                   code="milestone_state")
        audit_record(actor=acting_user, action="milestone.remove", obj=row, before=snapshot(row))
        row.delete()


# ---------------------------------------------------------------- milestone work and payment requests


def _work_snapshot(milestone: Milestone) -> dict[str, Any]:
    """The milestone's fields; after completing, also its payment request and the project's progress."""
    return {**snapshot(milestone), **getattr(milestone, "_completion", {})}


@contextmanager
def _work(milestone: Milestone, action: MilestoneAction, acting_user: User) -> Iterator[tuple[Project, Move]]:
    """A step of the milestone's lifecycle, taken while the project is in progress and nothing blocks it.

    The project is locked first, as every write on a project's part does, so two writers meet in the
    same order; the milestone is then read in the actor's scope under its own lock (404, 403, 409).
    """
    with transaction.atomic():
        project = project_lock(milestone.project)
        with transition(MILESTONE_LIFECYCLE, milestone, action, acting_user=acting_user,
                        snapshot_of=_work_snapshot) as move:
            label = MilestoneAction(action).label
            if project.status != ProjectStatus.IN_PROGRESS:
                raise not_now(project, label)
            blocker = blocking_constraint(move.obj)
            if blocker is not None:
                raise ApplicationError(
                    _("Constraint “%(title)s” (%(kind)s) is blocking; resolve it before “%(action)s”.")
                    % {"title": blocker.title, "kind": blocker.get_kind_display(), "action": label},
                    code="blocked", extra={"constraint": blocker.pk})
            yield project, move


def recompute(project: Project, percents: dict[int, Decimal] | None = None) -> Decimal:
    """The project's physical progress as the weighted sum of its milestones' percents (`percents`: those
    not saved yet)."""
    changed = percents or {}
    rows = [(weight, changed.get(pk, percent)) for pk, weight, percent
            in Milestone.objects.filter(project=project).values_list("pk", "weight", "percent")]
    project.physical_progress = progress.weighted_progress(rows)
    return project.physical_progress


def milestone_start(*, milestone: Milestone, acting_user: User) -> Milestone:
    """The executing provider (or an officer) starts a milestone; refused while a constraint blocks it."""
    with _work(milestone, MilestoneAction.START, acting_user) as (_project, move):
        move.obj.started_at = timezone.now()
    return move.obj


def milestone_complete(*, milestone: Milestone, acting_user: User) -> Milestone:
    """The milestone's work is done (100%): it asks to be paid its amount, once; finance is told.

    Refused while a constraint blocks it. The payment request is part of the same event.
    """
    with _work(milestone, MilestoneAction.COMPLETE, acting_user) as (project, move):
        row = move.obj
        if PaymentRequest.objects.filter(milestone=row).exists():
            raise ApplicationError(_("This milestone already asked to be paid."), code="payment_exists")
        row.percent = HUNDRED
        row.completed_at = timezone.now()
        request = PaymentRequest.objects.create(organization_id=row.organization_id, project=project,
                                                milestone=row, amount=row.amount,
                                                status=PaymentRequestStatus.REQUESTED)
        recompute(project, percents={row.pk: row.percent})
        project.save(update_fields=["physical_progress", "updated_at"])
        row._completion = {"payment_request": {"id": request.pk, "amount": request.amount},
                           "project_physical_progress": str(project.physical_progress)}
        tell(project, people(project, Role.FINANCE_OFFICER),
             _("Milestone “%(milestone)s” of project %(number)s is completed; invoice its payment request.")
             % {"milestone": row.title, "number": project.number})
    return row


__all__ = [
    "milestone_add",
    "milestone_complete",
    "milestone_remove",
    "milestone_start",
    "milestone_update",
]
