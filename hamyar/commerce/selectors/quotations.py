"""Every read of quotations a user can see, the approval chain as steps, and the side-by-side comparison.

A municipality sees a quotation only once it has reached it (`sent_at` is stamped then): drafts,
quotations waiting for the commerce deputy and competing ones not chosen stay inside the organization.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.errors import PermissionDenied
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES, MunicipalPost, Role
from hamyar.core.scoping import membership_of, scope, scoped_get
from hamyar.needs.choices import AssignmentKind
from hamyar.needs.models import Assignment, Need

from ..choices import OFFICER_ROLES, QUOTATION_LIFECYCLE, QuotationAction, QuotationStatus
from ..filters import QuotationFilter
from ..models import CommercePolicy, Quotation, QuotationLine, unit_label

__all__ = [
    "ApprovalStep",
    "Comparison",
    "quotation_actions",
    "quotation_approval_steps",
    "quotation_comparison",
    "quotation_get",
    "quotation_lines",
    "quotation_list",
    "quotation_need_get",
    "quotation_queryset",
    "quotation_sees_competition",
]

S = QuotationStatus


def quotation_queryset(*, user: User) -> QuerySet[Quotation]:
    """Scoped quotations with what a list shows; a municipality only those sent to it."""
    qs = scope(Quotation.objects.all(), user).select_related(
        "need", "need__municipality", "provider", "agreement", "prepared_by")
    membership = membership_of(user)
    if membership is not None and membership.role in MUNICIPALITY_ROLES:
        qs = qs.filter(sent_at__isnull=False)
    return qs


def quotation_list(*, user: User, filters: Mapping[str, Any] | None = None,
                   waiting: bool = False) -> QuerySet[Quotation]:
    """Newest first, narrowed by `QuotationFilter`'s values. `waiting`: what waits for this user — for a
    municipality user its approval (the mayor: the second step), for an executive the deputy's approval,
    for an officer the comparison."""
    qs = QuotationFilter.filter_queryset(quotation_queryset(user=user), filters)
    if waiting:
        membership = membership_of(user)
        role = membership.role if membership else None
        if role in MUNICIPALITY_ROLES:
            qs = qs.filter(status=S.AWAITING_MAYOR if membership.post == MunicipalPost.MAYOR else S.SENT)
        elif role == Role.EXECUTIVE:
            qs = qs.filter(status=S.AWAITING_DEPUTY)
        elif role in PROVIDER_ROLES:
            qs = qs.filter(status=S.DRAFT)
        else:
            qs = qs.filter(status=S.OFFERED)
    return qs.order_by("-created_at", "-pk")


def quotation_get(*, user: User, pk: int) -> Quotation:
    return scoped_get(quotation_queryset(user=user), user, pk=pk)


def quotation_lines(*, quotation: Quotation) -> list[QuotationLine]:
    return list(quotation.lines.select_related("item").order_by("pk"))


def quotation_need_get(*, user: User, pk: int) -> Need:
    """A need the user may price (or compare quotations of)."""
    qs = scope(Need.objects.all(), user).select_related("municipality", "provider", "domain", "site")
    return scoped_get(qs.distinct(), user, pk=pk)


def quotation_sees_competition(*, user: User) -> bool:
    """Whether the user sees that a quotation competed and why one was chosen: the organization's own
    business, not the municipality's or the providers'."""
    membership = membership_of(user)
    return membership is not None and membership.role in ORGANIZATION_WIDE_ROLES


# ---------------------------------------------------------------- the approval chain


@dataclass
class ApprovalStep:
    """One step of a quotation's chain as the page shows it."""

    key: str
    label: str
    state: str  # "done", "current", "pending", "skipped", "stopped"
    by: object = None
    at: datetime | None = None


def quotation_approval_steps(*, quotation: Quotation, policy: CommercePolicy) -> list[ApprovalStep]:
    """Prepared → (deputy) → sent → clerk → (mayor) → approved, with who and when; optional steps only
    when the amount calls for them (or they were taken)."""
    q = quotation
    status = q.status
    stopped = status in {S.REJECTED, S.EXPIRED, S.SUPERSEDED, S.NOT_CHOSEN}
    steps = [ApprovalStep("prepared", str(_("Prepared")), "done", q.prepared_by, q.created_at)]
    needs_deputy = q.total > policy.deputy_approval_above or q.deputy_approved_by_id is not None
    if needs_deputy:
        if q.deputy_approved_by_id:
            steps.append(ApprovalStep("deputy", str(_("Commerce deputy's approval")), "done",
                                      q.deputy_approved_by, q.deputy_approved_at))
        else:
            state = "current" if status == S.AWAITING_DEPUTY else ("stopped" if stopped else "pending")
            steps.append(ApprovalStep("deputy", str(_("Commerce deputy's approval")), state))
    if q.sent_at:
        steps.append(ApprovalStep("sent", str(_("Sent to the municipality")), "done", None, q.sent_at))
    else:
        steps.append(ApprovalStep("sent", str(_("Sent to the municipality")),
                                  "stopped" if stopped else "pending"))
    if q.clerk_approved_by_id:
        steps.append(ApprovalStep("clerk", str(_("Procurement clerk's approval")), "done",
                                  q.clerk_approved_by, q.clerk_approved_at))
    else:
        state = "current" if status == S.SENT else ("stopped" if stopped else "pending")
        steps.append(ApprovalStep("clerk", str(_("Procurement clerk's approval")), state))
    needs_mayor = q.total > policy.mayor_approval_above or q.mayor_approved_by_id is not None
    if needs_mayor:
        if q.mayor_approved_by_id:
            steps.append(ApprovalStep("mayor", str(_("Mayor's approval")), "done",
                                      q.mayor_approved_by, q.mayor_approved_at))
        else:
            state = "current" if status == S.AWAITING_MAYOR else ("stopped" if stopped else "pending")
            steps.append(ApprovalStep("mayor", str(_("Mayor's approval")), state))
    if status == S.APPROVED:
        steps.append(ApprovalStep("approved", str(_("Approved: order placed")), "done", None, q.decided_at))
    elif stopped:
        steps.append(ApprovalStep("end", q.get_status_display(), "stopped", None, q.decided_at))
    return steps


def quotation_actions(*, quotation: Quotation, user: User) -> set[str]:
    """The buttons this user sees on the quotation now: the lifecycle's steps its role may take from the
    quotation's state (`edit` for the update), narrowed to the one a competing quotation takes (offer, not
    send) and, for the municipality, to the post whose turn it is (the services check all again)."""
    membership = membership_of(user)
    if membership is None:
        return set()
    allowed = set(QUOTATION_LIFECYCLE.allowed_actions(quotation.status, membership.role))
    allowed.discard(QuotationAction.SEND if quotation.is_competing else QuotationAction.OFFER)
    if membership.role in MUNICIPALITY_ROLES:
        clerk = membership.post in (MunicipalPost.PROCUREMENT, "")
        mayor = membership.post == MunicipalPost.MAYOR
        if not ((quotation.status == S.SENT and clerk) or (quotation.status == S.AWAITING_MAYOR and mayor)):
            allowed -= {QuotationAction.APPROVE, QuotationAction.REJECT}
    return {"edit" if action == QuotationAction.UPDATE else str(action) for action in allowed}


# ---------------------------------------------------------------- competing quotations side by side


@dataclass
class Comparison:
    """Competing quotations of one need: rows are the need's lines, columns the quotations."""

    need: Need
    quotations: list[Quotation]
    # (label, quantity, unit, [QuotationLine | None per quotation])
    rows: list[tuple[str, int | None, str, list]] = field(default_factory=list)
    cheapest_id: int | None = None
    fastest_id: int | None = None
    asked: list[Assignment] = field(default_factory=list)


def quotation_comparison(*, user: User, need: Need) -> Comparison:
    """Officers only: every competing quotation of the need, line by line, with totals, lead times,
    the provider's rating and on-time rate, and the agency agreement behind a supplier."""
    membership = membership_of(user)
    if membership is None or membership.role not in (*OFFICER_ROLES, Role.EXECUTIVE):
        raise PermissionDenied()
    lines = Prefetch("lines", queryset=QuotationLine.objects.select_related("item").order_by("pk"))
    quotations = list(
        scope(Quotation.objects.all(), user)
        .filter(need=need, is_competing=True)
        .exclude(status__in=[S.DRAFT, S.SUPERSEDED])
        .select_related("provider", "agreement", "prepared_by")
        .prefetch_related(lines)
        .order_by("total", "pk")
    )
    comparison = Comparison(need=need, quotations=quotations)
    comparison.asked = list(
        Assignment.objects.filter(need=need, is_active=True)
        .filter(Q(kind=AssignmentKind.COMPETING) | Q(kind=AssignmentKind.PRIMARY))
        .select_related("provider").order_by("rank", "pk")
    )
    by_need_line: dict[int, dict[int, QuotationLine]] = {}
    extra: dict[str, dict[int, QuotationLine]] = {}
    for q in quotations:
        for line in q.lines.all():
            if line.need_line_id:
                by_need_line.setdefault(line.need_line_id, {})[q.pk] = line
            else:
                extra.setdefault(line.description, {})[q.pk] = line
    for need_line in need.lines.select_related("item").order_by("pk"):
        cells = by_need_line.get(need_line.pk, {})
        label = need_line.description or (need_line.item.name if need_line.item else "")
        comparison.rows.append((label, need_line.quantity, unit_label(need_line.unit),
                                [cells.get(q.pk) for q in quotations]))
    for label, cells in extra.items():
        first = next(iter(cells.values()))
        comparison.rows.append((label, first.quantity, unit_label(first.unit),
                                [cells.get(q.pk) for q in quotations]))
    open_ones = [q for q in quotations if q.status == S.OFFERED]
    if open_ones:
        comparison.cheapest_id = min(open_ones, key=lambda q: (q.total, q.pk)).pk
        timed = [q for q in open_ones if q.lead_time_days is not None]
        if timed:
            comparison.fastest_id = min(timed, key=lambda q: (q.lead_time_days, q.pk)).pk
    return comparison
