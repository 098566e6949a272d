"""Change orders: a change of scope, amount or end date, proposed and then decided within the
±25% limit (beyond it only by an executive)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
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
from hamyar.core.scoping import role_of
from hamyar.core.text import normalize

from .. import progress
from ..choices import CHANGE_LIMIT_PERCENT, CHANGE_ORDER_LIFECYCLE, CHANGEABLE, WORKERS, ChangeOrderAction
from ..models import ChangeOrder, Milestone, Project
from ..selectors import approved_change_total
from .common import (
    clean_amount,
    clean_reason,
    invalid,
    is_date,
    locked_for,
    managers,
    municipality_users,
    not_now,
    officers,
    people,
    project_lock,
    tell,
)

# ---------------------------------------------------------------- change orders


def within_limit(project: Project, total_change: int) -> bool:
    """|Σ approved amount changes| ≤ 25% of the contract amount, compared exactly in integers."""
    return abs(total_change) * 100 <= project.contract_amount * CHANGE_LIMIT_PERCENT


def change_order_propose(*, project: Project, acting_user: User, reason: str, description: str = "",
                         amount_change: int = 0, new_end_date: dt.date | None = None) -> ChangeOrder:
    """An officer or the executing provider proposes a change of scope, amount or end date, with its
    reason; officers are told, and executives too when it would take the total beyond ±25%."""
    with transaction.atomic():
        locked, _membership = locked_for(project, acting_user, WORKERS)
        errors: dict[str, list] = {}
        text = clean_reason(reason)
        scope_text = normalize(description or "", multiline=True)
        if len(scope_text) > 10_000:
            errors["description"] = [_("Keep the description under 10,000 characters.")]
        change = clean_amount(amount_change, "amount_change", errors, negative=True)
        if new_end_date is not None and not is_date(new_end_date):
            errors["new_end_date"] = [_("Enter a valid date.")]
        if not errors and not scope_text and not change and new_end_date is None:
            errors["description"] = [_("Describe the change: its scope, its amount or its new end date.")]
        if errors or change is None:  # change is None only with its error
            raise invalid(errors)
        if locked.status not in CHANGEABLE:
            raise not_now(locked, _("Propose a change order"))
        if new_end_date is not None and new_end_date < locked.start_date:
            raise invalid({"new_end_date": [_("The new end date cannot be before the project's start.")]})
        if change and locked.current_amount + change < 0:
            raise invalid({"amount_change": [_("The amount in force cannot go below zero.")]})
        number = (ChangeOrder.objects.filter(project=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        order = ChangeOrder.objects.create(
            organization_id=locked.organization_id, project=locked, number=number, description=scope_text,
            amount_change=change, new_end_date=new_end_date, reason=text, requested_by=acting_user)
        audit_record(actor=acting_user, action="change_order.propose", obj=order, after=snapshot(order))
        recipients = officers(locked)
        if not within_limit(locked, approved_change_total(project=locked) + change):
            recipients += people(locked, Role.EXECUTIVE)
        tell(locked, [u for u in recipients if u.pk != acting_user.pk],
              _("Change order %(number)s/%(n)s waits for a decision.")
              % {"number": locked.number, "n": number}, body=text)
    return order


def _decision_snapshot(order: ChangeOrder) -> dict[str, Any]:
    """The change order's fields; after an approval, also the project's amount in force and end date."""
    return {**snapshot(order), **getattr(order, "_project_after", {})}


@contextmanager
def _decide(order: ChangeOrder, action: ChangeOrderAction, acting_user: User
            ) -> Iterator[tuple[Project, Move]]:
    """A decision on a proposed change order while the project may still change.

    The project is locked first, so two decisions on the same project (and their ±25% total) take
    turns; the change order is then read in the actor's scope under its own lock (404, 403, 409).
    """
    with transaction.atomic():
        project = project_lock(order.project)
        with transition(CHANGE_ORDER_LIFECYCLE, order, action, acting_user=acting_user,
                        snapshot_of=_decision_snapshot) as move:
            if project.status not in CHANGEABLE:
                raise not_now(project, _("Decide a change order"))
            move.obj.decided_by = acting_user
            move.obj.decided_at = timezone.now()
            yield project, move


def change_order_approve(*, change_order: ChangeOrder, acting_user: User, decision_note: str = "",
                         beyond_limit: bool = False) -> ChangeOrder:
    """Approve a change order: the amount in force and the end date follow.

    The approved amount changes, this one included, must stay within ±25% of the contract amount;
    beyond it only an executive approves, saying so (`beyond_limit`) with the reason in the note.
    """
    with _decide(change_order, ChangeOrderAction.APPROVE, acting_user) as (locked, move):
        row = move.obj
        note = normalize(decision_note or "", multiline=True)
        if len(note) > 2000:
            raise invalid({"decision_note": [_("Keep the note under 2,000 characters.")]})
        total = approved_change_total(project=locked) + row.amount_change
        over = not within_limit(locked, total)
        if over:
            percent = (progress.two_places(Decimal(total) * 100 / locked.contract_amount)
                       if locked.contract_amount else "∞")
            if role_of(acting_user) != Role.EXECUTIVE:
                raise ApplicationError(
                    _("With this change the contract amount changes by %(percent)s%%, beyond the ±25%% "
                      "limit; only an executive can approve it.") % {"percent": percent},
                    code="change_limit")
            if not beyond_limit:
                raise ApplicationError(
                    _("This change takes the contract beyond the ±25%% limit (%(percent)s%%); confirm that "
                      "you approve it beyond the limit.") % {"percent": percent},
                    code="change_limit")
            if not note:
                raise invalid({"decision_note": [
                    _("Write why it is approved beyond the ±25%% limit; it stays on record.") % {}]})
        new_amount = locked.contract_amount + total
        if new_amount < 0:
            raise ApplicationError(_("The amount in force cannot go below zero."), code="change_amount")
        milestone_total = Milestone.objects.filter(project=locked).aggregate(s=Sum("amount"))["s"] or 0
        if new_amount < milestone_total:
            raise ApplicationError(_("The amount in force would fall below the milestones' amounts; "
                                     "change the milestones first."), code="change_amount")
        if row.new_end_date is not None:
            late = (Milestone.objects.filter(project=locked, due_date__gt=row.new_end_date)
                    .order_by("sequence").first())
            if late is not None:
                raise ApplicationError(_("Milestone “%(milestone)s” is due after the new end date.")
                                       % {"milestone": late.title}, code="change_date")
        row.decision_note = note
        row.beyond_limit = over
        locked.current_amount = new_amount
        if row.new_end_date is not None:
            locked.end_date = row.new_end_date
        locked.save(update_fields=["current_amount", "end_date", "updated_at"])
        row._project_after = {"project_current_amount": locked.current_amount,
                              "project_end_date": locked.end_date.isoformat()}
        tell(locked, [row.requested_by, *managers(locked), *municipality_users(locked)],
             _("Change order %(number)s/%(n)s was approved.") % {"number": locked.number, "n": row.number},
             body=note)
    return row


def change_order_reject(*, change_order: ChangeOrder, acting_user: User, decision_note: str) -> ChangeOrder:
    """Turn a change order down, with the reason the requester reads."""
    with _decide(change_order, ChangeOrderAction.REJECT, acting_user) as (locked, move):
        row = move.obj
        row.decision_note = clean_reason(decision_note, field="decision_note")
        tell(locked, [row.requested_by],
             _("Change order %(number)s/%(n)s was rejected.") % {"number": locked.number, "n": row.number},
             body=row.decision_note)
    return row


__all__ = [
    "change_order_approve",
    "change_order_propose",
    "change_order_reject",
    "within_limit",
]
