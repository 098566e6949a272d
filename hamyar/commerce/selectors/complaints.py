"""Scoped reads of complaints.

A municipality reads the complaints it filed; a supplier those it filed and, once an answer is on record,
those about it (Complaint.shown_to_provider); officers, the executive and the org admin all of their
organization. Anything else is NotFound.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core import clock
from hamyar.core.models import AuditEvent
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, Role
from hamyar.core.scoping import membership_of, scope, scoped_get

from ..choices import (
    COMPLAINANT_ROLES,
    COMPLAINT_LIFECYCLE,
    COMPLAINT_OPEN_STATUSES,
    COMPLAINT_OWNER_ROLES,
    ComplaintStatus,
)
from ..filters import ComplaintFilter
from ..models import Complaint, ComplaintAttachment

__all__ = [
    "COMPLAINT_READERS",
    "ComplaintCounts",
    "complaint_actions",
    "complaint_attachment_get",
    "complaint_attachments",
    "complaint_get",
    "complaint_list",
    "complaint_owner_choices",
    "complaint_timeline",
    "complaints_by_provider",
    "is_overdue",
]

# Who opens the complaints pages: the complainants, the organization-wide roles (the executive reads).
COMPLAINT_READERS = ORGANIZATION_WIDE_ROLES | COMPLAINANT_ROLES


def is_overdue(complaint: Complaint) -> bool:
    """Still owed an answer, past its due time."""
    return complaint.status in COMPLAINT_OPEN_STATUSES and complaint.due_at < clock.now()


def _rows() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("need", "order", "quotation", "municipality",
                                            "complainant_provider", "provider", "owner")


def complaint_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Complaint]:
    """The complaints the user may read, narrowed by `ComplaintFilter`'s values, newest first."""
    late = Q(status__in=sorted(COMPLAINT_OPEN_STATUSES), due_at__lt=clock.now())
    return (ComplaintFilter.filter_queryset(scope(_rows(), user), filters)
            .annotate(late=Case(When(late, then=Value(True)), default=Value(False),
                                output_field=BooleanField()))
            .order_by("-filed_at", "-pk"))


def complaint_get(*, user: User, pk: Any) -> Complaint:
    return scoped_get(_rows().select_related("filed_by", "answered_by"), user, pk=pk)


def complaint_attachments(*, complaint: Complaint) -> list[ComplaintAttachment]:
    """The complaint's files (the complaint was read through a selector, so the user may see them)."""
    return list(complaint.attachments.order_by("pk"))


def complaint_attachment_get(*, user: User, pk: Any) -> ComplaintAttachment:
    return scoped_get(ComplaintAttachment.objects.select_related("complaint"), user, pk=pk)


@dataclass(frozen=True)
class Entry:
    """One step of a complaint's timeline, from its audit events."""

    action: str
    label: str
    actor: str
    at: Any
    text: str


_LABELS = {"file": _("Filed"), "assign": _("Assigned"), "answer": _("Answered"), "close": _("Closed"),
           "reopen": _("Reopened"), "withdraw": _("Withdrawn")}
_TEXT_OF = {"complaint.file": "description", "complaint.answer": "answer",
            "complaint.reopen": "reopen_reason", "complaint.withdraw": "withdraw_reason"}


def complaint_timeline(*, complaint: Complaint) -> list[Entry]:
    """What happened to the complaint, oldest first: filed, assigned, answered (each answer kept as it was
    given), reopened, closed or withdrawn — read from the hash-chained audit log."""
    events = (AuditEvent.objects.filter(organization_id=complaint.organization_id,
                                        object_type=Complaint._meta.label_lower,
                                        object_id=str(complaint.pk))
              .select_related("actor").order_by("sequence"))
    entries = []
    for event in events:
        action = event.action.removeprefix("complaint.")
        label = str(_LABELS.get(action, ""))
        text_field = _TEXT_OF.get(event.action)
        text = str((event.after or {}).get(text_field, "")) if text_field else ""
        user = event.actor
        actor = (user.get_full_name() or user.get_username()) if user else event.actor_label
        entries.append(Entry(action=action, label=label or event.action, actor=actor,
                             at=event.created_at, text=text))
    return entries


def complaint_actions(*, complaint: Complaint, user: User) -> list[str]:
    """The steps this user may take on the complaint now: the buttons its page shows."""
    membership = membership_of(user)
    if membership is None:
        return []
    allowed = COMPLAINT_LIFECYCLE.allowed_actions(complaint.status, membership.role)
    if membership.role in COMPLAINANT_ROLES:
        if membership.role == Role.MUNICIPALITY_USER:
            mine = complaint.municipality_id == membership.municipality_id
        else:
            mine = complaint.complainant_provider_id == membership.provider_id
        if not mine:
            return []
        if complaint.reopened_at is not None:
            allowed = [action for action in allowed if action != "reopen"]
    if "answer" in allowed and complaint.owner_id != user.pk and membership.role not in (
            Role.ORG_ADMIN, Role.COMMERCE_OFFICER):
        allowed.remove("answer")
    return allowed


def complaint_owner_choices(*, user: User) -> list[tuple[int, str]]:
    """The officers of the user's organization who may own a complaint: (user id, name)."""
    membership = membership_of(user)
    if membership is None or membership.role not in ORGANIZATION_WIDE_ROLES:
        return []
    rows = (Membership.objects.filter(organization_id=membership.organization_id, user__is_active=True,
                                      role__in=sorted(COMPLAINT_OWNER_ROLES))
            .select_related("user").order_by("role", "user__username"))
    return [(m.user_id, f"{m.user.get_full_name() or m.user.get_username()} ({m.get_role_display()})")
            for m in rows]


@dataclass(frozen=True)
class ComplaintCounts:
    """A provider's complaints, for its scorecard: withdrawn complaints are not counted."""

    total: int = 0
    open: int = 0
    overdue: int = 0
    answered: int = 0
    reopened: int = 0


def complaints_by_provider(user: User, provider_ids: Iterable[int]) -> dict[int, ComplaintCounts]:
    """Complaints about each provider that the user may read (officers: all; a provider: those about it
    once answered), one query: provider id → counts. Providers without complaints are left out."""
    ids = sorted({int(pk) for pk in provider_ids})
    if not ids:
        return {}
    now = clock.now()
    open_statuses = sorted(COMPLAINT_OPEN_STATUSES)
    rows = (scope(Complaint.objects.all(), user).filter(provider_id__in=ids)
            .exclude(status=ComplaintStatus.WITHDRAWN).order_by().values("provider_id")
            .annotate(total=Count("pk"), open=Count("pk", filter=Q(status__in=open_statuses)),
                      overdue=Count("pk", filter=Q(status__in=open_statuses, due_at__lt=now)),
                      answered=Count("pk", filter=Q(status__in=[ComplaintStatus.ANSWERED,
                                                                ComplaintStatus.CLOSED])),
                      reopened=Count("pk", filter=Q(reopened_at__isnull=False))))
    return {row["provider_id"]: ComplaintCounts(total=row["total"], open=row["open"], overdue=row["overdue"],
                                                answered=row["answered"], reopened=row["reopened"])
            for row in rows}
