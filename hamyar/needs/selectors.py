"""Every needs read a user can see, each starting from the scoped queryset.

A municipality user sees its municipality's needs; a provider's user the needs it was given or asked
to quote (through their assignments); the organization's roles every need of the organization.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from hamyar.core.models import AuditEvent
from hamyar.core.roles import PROVIDER_ROLES
from hamyar.core.scoping import membership_of, scope, scoped_get
from hamyar.core.text import normalize
from hamyar.directory.models import ServiceDomain

from .choices import IN_HAND_STATUSES, NeedKind, NeedStatus
from .models import Assignment, Need, NeedAttachment, NeedLine, ServiceLevel
from .sla import Clock, ServiceLevels, clocked, overdue_clocks


def need_base(*, user) -> QuerySet[Need]:
    return scope(Need.objects.all(), user).select_related(
        "municipality", "domain", "domain__parent", "site", "provider"
    )


def need_list(*, user, status: str | None = None, kind: str | None = None, domain_id: int | None = None,
              municipality_id: int | None = None, q: str | None = None) -> QuerySet[Need]:
    """The needs the user may see, newest first, filtered; `q` finds number, title or description."""
    qs = need_base(user=user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if domain_id:
        qs = qs.filter(domain_id=domain_id)
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    text = normalize(q or "")
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text))
    return qs.annotate(line_count=Count("lines", distinct=True)).order_by("-created_at", "-pk")


def need_get(*, user, pk: int) -> Need:
    return scoped_get(need_base(user=user), user, pk=pk)


def need_drafts_of(*, user, limit: int = 5) -> list[Need]:
    """The user's own drafts that may take catalog lines (goods or a service), newest first: where a
    catalog item's "add to a need" offers to put it. Kept on the user object for the request."""
    cached = getattr(user, "_hamyar_need_drafts", None)
    if cached is None:
        cached = list(scope(Need.objects.all(), user).filter(
            status=NeedStatus.DRAFT, created_by=user, kind__in=(NeedKind.GOODS, NeedKind.SERVICE),
        ).order_by("-created_at", "-pk")[:limit])
        user._hamyar_need_drafts = cached
    return cached


def need_lines(*, need: Need) -> QuerySet[NeedLine]:
    return need.lines.select_related("item", "item__provider").order_by("pk")


def need_attachments(*, need: Need) -> QuerySet[NeedAttachment]:
    return need.attachments.select_related("uploaded_by").order_by("pk")


def need_assignments(*, user, need: Need) -> QuerySet[Assignment]:
    """The need's assignments the user may see: a provider's user only its own provider's."""
    qs = need.assignments.select_related("provider", "assigned_by").order_by("kind", "rank", "pk")
    membership = membership_of(user)
    if membership is not None and membership.role in PROVIDER_ROLES:
        qs = qs.filter(provider_id=membership.provider_id)
    return qs


def need_timeline(*, need: Need) -> QuerySet[AuditEvent]:
    """The need's recorded steps, oldest first: who did what, when."""
    return AuditEvent.objects.filter(
        organization_id=need.organization_id, object_type=Need._meta.label_lower, object_id=str(need.pk)
    ).select_related("actor").order_by("sequence")


def need_triage_queue(*, user, now: dt.datetime | None = None) -> list[Need]:
    """Submitted needs waiting for an officer, the oldest first; `overdue_clock` set on each overdue one
    by the same test as the overdue page (sla.overdue_clocks)."""
    rows = list(need_base(user=user).filter(status=NeedStatus.SUBMITTED).annotate(
        line_count=Count("lines")).order_by("submitted_at", "pk"))
    late = overdue_clocks(rows, now=now)
    for need in rows:
        need.overdue_clock = late.get(need.pk)
    return rows


@dataclass
class Overdue:
    need: Need
    clock: Clock


def need_overdue(*, user, now: dt.datetime | None = None) -> list[Overdue]:
    """Open needs with a clock past its target, the longest overdue first."""
    needs = list(clocked(need_base(user=user)))
    late = overdue_clocks(needs, now=now)
    rows = [Overdue(need, late[need.pk]) for need in needs if need.pk in late]
    rows.sort(key=lambda row: (row.clock.remaining, row.need.pk))
    return rows


def need_work_queue(*, user) -> QuerySet[Need]:
    """A provider's needs in hand: assigned to it or asked to quote, each with how it was asked."""
    membership = membership_of(user)
    qs = need_base(user=user).filter(status__in=IN_HAND_STATUSES)
    if membership is None or membership.provider_id is None:
        return qs.none()
    mine = Assignment.objects.filter(need=OuterRef("pk"), provider_id=membership.provider_id)
    return qs.filter(assignments__provider_id=membership.provider_id).annotate(
        assignment_kind=Subquery(mine.values("kind")[:1]),
        assignment_rank=Subquery(mine.values("rank")[:1]),
        line_count=Count("lines", distinct=True),
    ).order_by("assigned_at", "pk")


def attachment_get(*, user, pk: int) -> NeedAttachment:
    """An attachment of a need the user may see; anything else is 404."""
    return scoped_get(NeedAttachment.objects.select_related("need"), user, pk=pk)


def need_detail_prefetch(qs: QuerySet[Need]) -> QuerySet[Need]:
    return qs.prefetch_related(Prefetch("lines", queryset=NeedLine.objects.select_related("item")))


def service_level_rows(*, user) -> list[dict]:
    """Every domain with the targets that apply to it: its own, a parent's, or the default."""
    membership = membership_of(user)
    if membership is None:
        return []
    levels = ServiceLevels(membership.organization_id)
    domains = scope(ServiceDomain.objects.select_related("parent"), user).order_by("code", "pk")
    own = {lv.domain_id: lv for lv in scope(ServiceLevel.objects.all(), user)}
    return [{"domain": d, "targets": levels.for_domain(d.pk), "own": own.get(d.pk)} for d in domains]
