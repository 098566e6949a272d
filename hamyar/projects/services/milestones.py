"""A project's milestones: planned before the work starts, then started and completed (asking
to be paid) while no constraint blocks them."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError
from hamyar.core.roles import Role
from hamyar.core.text import normalize

from .. import progress
from ..choices import OFFICERS, PLANNABLE, WORKERS, MilestoneStatus, PaymentRequestStatus, ProjectStatus
from ..models import Milestone, PaymentRequest, Project
from ..selectors import blocking_constraint
from .common import (
    HUNDRED,
    MAX_MILESTONES,
    authorize,
    clean_amount,
    invalid,
    is_date,
    people,
    project_lock,
    state_error,
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
    others = Milestone.objects.filter(project=project).exclude(pk=existing.pk if existing else None)
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
    authorize(project, acting_user, OFFICERS)
    locked = project_lock(project)
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


def _milestone_work(milestone: Milestone, acting_user: User, action: str | Promise
                    ) -> tuple[Project, Milestone]:
    authorize(milestone.project, acting_user, WORKERS)
    locked = project_lock(milestone.project)
    if locked.status != ProjectStatus.IN_PROGRESS:
        raise state_error(locked, action)
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    blocker = blocking_constraint(row)
    if blocker is not None:
        raise ApplicationError(
            _("Constraint “%(title)s” (%(kind)s) is blocking; resolve it before “%(action)s”.")
            % {"title": blocker.title, "kind": blocker.get_kind_display(), "action": action},
            code="blocked", extra={"constraint": blocker.pk})
    return locked, row


def recompute(project: Project) -> Decimal:
    """The project's physical progress as the weighted sum of its milestones' percents."""
    rows = list(Milestone.objects.filter(project=project).values_list("weight", "percent"))
    project.physical_progress = progress.weighted_progress(rows)
    return project.physical_progress


def milestone_start(*, milestone: Milestone, acting_user: User) -> Milestone:
    """The executing provider (or an officer) starts a milestone; refused while a constraint blocks it."""
    with transaction.atomic():
        _locked, row = _milestone_work(milestone, acting_user, _("Start the milestone"))
        if row.status != MilestoneStatus.PENDING:
            raise ApplicationError(_("The milestone is “%(status)s”; it cannot be started.")
                                   % {"status": row.get_status_display()}, code="milestone_state")
        before = snapshot(row)
        row.status = MilestoneStatus.IN_PROGRESS
        row.started_at = timezone.now()
        row.save()
        audit_record(actor=acting_user, action="milestone.start", obj=row, before=before, after=snapshot(row))
    milestone.refresh_from_db()
    return row


def milestone_complete(*, milestone: Milestone, acting_user: User) -> Milestone:
    """The milestone's work is done (100%): it asks to be paid its amount, once; finance is told.

    Refused while a constraint blocks it. The payment request is part of the same event.
    """
    with transaction.atomic():
        locked, row = _milestone_work(milestone, acting_user, _("Complete the milestone"))
        if row.status != MilestoneStatus.IN_PROGRESS:
            raise ApplicationError(_("The milestone is “%(status)s”; it cannot be completed.")
                                   % {"status": row.get_status_display()}, code="milestone_state")
        if PaymentRequest.objects.filter(milestone=row).exists():
            raise ApplicationError(_("This milestone already asked to be paid."), code="payment_exists")
        before = snapshot(row)
        row.status = MilestoneStatus.COMPLETED
        row.percent = HUNDRED
        row.completed_at = timezone.now()
        row.save()
        request = PaymentRequest.objects.create(organization_id=row.organization_id, project=locked,
                                                milestone=row, amount=row.amount,
                                                status=PaymentRequestStatus.REQUESTED)
        recompute(locked)
        locked.save(update_fields=["physical_progress", "updated_at"])
        after = snapshot(row)
        after["payment_request"] = {"id": request.pk, "amount": request.amount}
        after["project_physical_progress"] = str(locked.physical_progress)
        audit_record(actor=acting_user, action="milestone.complete", obj=row, before=before, after=after)
        tell(locked, people(locked, Role.FINANCE_OFFICER),
              _("Milestone “%(milestone)s” of project %(number)s is completed; invoice its payment request.")
              % {"milestone": row.title, "number": locked.number})
    milestone.refresh_from_db()
    return row


__all__ = [
    "milestone_add",
    "milestone_complete",
    "milestone_remove",
    "milestone_start",
    "milestone_update",
]
