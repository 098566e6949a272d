"""Every needs read a user can see, each starting from the scoped queryset.

A municipality user sees its municipality's needs; a provider's user the needs it was given or asked
to quote (through their assignments); the organization's roles every need of the organization.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.catalog.models import CatalogItem
from hamyar.catalog.selectors import item_base_queryset
from hamyar.core.errors import ApplicationError
from hamyar.core.models import AuditEvent
from hamyar.core.roles import PROVIDER_ROLES
from hamyar.core.scoping import membership_of, require_role, scope, scoped_get
from hamyar.directory.models import ServiceDomain

from .choices import IN_HAND_STATUSES, OFFICERS, NeedKind, NeedStatus
from .filters import NeedFilter
from .matching import Ranking, rank_providers
from .models import Assignment, Need, NeedAttachment, NeedLine, ServiceLevel
from .sla import Clock, ServiceLevels, clocked, overdue_clocks


def offered_items(*, user: User) -> QuerySet[CatalogItem]:
    """The catalog items a need may name: what the municipality is offered today (active, and
    for a represented supplier only while its agency agreement is in force)."""
    return item_base_queryset(user=user).filter(is_offered=True, is_active=True)


def need_base(*, user: User) -> QuerySet[Need]:
    return scope(Need.objects.all(), user).select_related(
        "municipality", "domain", "domain__parent", "site", "provider"
    )


def need_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Need]:
    """The needs the user may see, newest first, narrowed by `filters` (the values of `NeedFilter`)."""
    qs = NeedFilter.filter_queryset(need_base(user=user), filters)
    return qs.annotate(line_count=Count("lines", distinct=True)).order_by("-created_at", "-pk")


def need_get(*, user: User, pk: int) -> Need:
    return scoped_get(need_base(user=user), user, pk=pk)


# A draft is the only need that can change; the form's page and need_update refuse the rest alike.
NOT_A_DRAFT = _("Only a draft can be changed; this need was already submitted.")


def need_draft_get(*, user: User, pk: int) -> Need:
    """A draft the user may see, for its form; a need already submitted is refused (409)."""
    need = need_get(user=user, pk=pk)
    if need.status != NeedStatus.DRAFT:
        raise ApplicationError(NOT_A_DRAFT, code="need_state")
    return need


def need_ranking(*, user: User, pk: int) -> tuple[Need, Ranking]:
    """The need and its providers ranked, with the score per factor: for the officers who assign it."""
    need = need_get(user=user, pk=pk)
    require_role(user, *OFFICERS)
    return need, rank_providers(need)


_DRAFTS_MEMO = "_hamyar_need_drafts"


def need_drafts_of(*, user: User, limit: int = 5) -> list[Need]:
    """The user's own drafts that may take catalog lines (goods or a service), newest first: where a
    catalog item's "add to a need" offers to put it. Kept on the user object for the request."""
    cached: list[Need] | None = getattr(user, _DRAFTS_MEMO, None)
    if cached is None:
        cached = list(scope(Need.objects.all(), user).filter(
            status=NeedStatus.DRAFT, created_by=user, kind__in=(NeedKind.GOODS, NeedKind.SERVICE),
        ).order_by("-created_at", "-pk")[:limit])
        # Not declared on User: accounts sits below needs and cannot name Need (like membership_of's memo).
        setattr(user, _DRAFTS_MEMO, cached)
    return cached


def need_lines(*, need: Need) -> QuerySet[NeedLine]:
    return need.lines.select_related("item", "item__provider").order_by("pk")


def need_attachments(*, need: Need) -> QuerySet[NeedAttachment]:
    return need.attachments.select_related("uploaded_by").order_by("pk")


def need_assignments(*, user: User, need: Need) -> QuerySet[Assignment]:
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


def need_triage_queue(*, user: User, now: dt.datetime | None = None) -> list[Need]:
    """Submitted needs waiting for an officer, the oldest first; `overdue_clock` set on each overdue one
    by the same test as the overdue page (sla.overdue_clocks)."""
    rows: list[Need] = list(need_base(user=user).filter(status=NeedStatus.SUBMITTED).annotate(
        line_count=Count("lines")).order_by("submitted_at", "pk"))
    late = overdue_clocks(rows, now=now)
    for need in rows:
        need.overdue_clock = late.get(need.pk)
    return rows


@dataclass
class Overdue:
    need: Need
    clock: Clock


def need_overdue(*, user: User, now: dt.datetime | None = None) -> list[Overdue]:
    """Open needs with a clock past its target, the longest overdue first."""
    needs = list(clocked(need_base(user=user)))
    late = overdue_clocks(needs, now=now)
    rows = [Overdue(need, late[need.pk]) for need in needs if need.pk in late]
    rows.sort(key=lambda row: (row.clock.remaining, row.need.pk))
    return rows


def need_work_queue(*, user: User) -> QuerySet[Need]:
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


def attachment_get(*, user: User, pk: int) -> NeedAttachment:
    """An attachment of a need the user may see; anything else is 404."""
    return scoped_get(NeedAttachment.objects.select_related("need"), user, pk=pk)


def service_level_of(*, domain: ServiceDomain) -> ServiceLevel | None:
    """The domain's own targets, if it has any (a domain read through the user's scope)."""
    return ServiceLevel.objects.filter(organization_id=domain.organization_id, domain=domain).first()


def service_level_rows(*, user: User) -> list[dict]:
    """Every domain with the targets that apply to it: its own, a parent's, or the default."""
    membership = membership_of(user)
    if membership is None:
        return []
    levels = ServiceLevels(membership.organization_id)
    domains = scope(ServiceDomain.objects.select_related("parent"), user).order_by("code", "pk")
    own = {lv.domain_id: lv for lv in scope(ServiceLevel.objects.all(), user)}
    return [{"domain": d, "targets": levels.for_domain(d.pk), "own": own.get(d.pk)} for d in domains]
