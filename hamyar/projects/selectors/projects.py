"""The projects a user may read: the portfolio with its flags and totals, one project, its history.

A municipality user sees its municipality's projects; a provider-bound user (the project manager
of a staff unit or affiliated company) the projects its provider executes; the organization's
roles every project of the organization. Children (milestones, constraints, reports, photos,
change orders, payment requests) are scoped through their project (`scope_paths`).

The portfolio flags read straight from the database, so a list never reads row by row:
- late: still running (planning to suspended) and past its end date, or with a milestone not
  completed past its due date;
- blocked: a constraint of the project is blocking.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.models import AuditEvent
from hamyar.core.scoping import scope, scoped_get
from hamyar.directory.models import ServiceDomain
from hamyar.needs.choices import NeedKind
from hamyar.needs.matching import Candidate, rank_providers
from hamyar.needs.models import Need

from ..choices import EXECUTING_KINDS, RUNNING_STATUSES, ConstraintStatus, MilestoneStatus, ProjectStatus
from ..filters import ProjectFilter
from ..models import (
    ChangeOrder,
    Milestone,
    PaymentRequest,
    ProgressReport,
    Project,
    ProjectConstraint,
    ProjectDocument,
)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _flags(queryset: QuerySet[Project], today: dt.date) -> QuerySet[Project]:
    """Each project with `is_blocked`, `is_late`, its open constraints and late milestones counted."""
    blocking = ProjectConstraint.objects.filter(project=OuterRef("pk"), status=ConstraintStatus.BLOCKING)
    late_milestones = Milestone.objects.filter(
        project=OuterRef("pk"), due_date__lt=today
    ).exclude(status=MilestoneStatus.COMPLETED)
    late_count = (
        late_milestones.order_by().values("project").annotate(n=Count("pk")).values("n")
    )
    blocking_count = blocking.order_by().values("project").annotate(n=Count("pk")).values("n")
    return queryset.annotate(
        is_blocked=Exists(blocking),
        blocking_count=Coalesce(Subquery(blocking_count), Value(0)),
        late_milestone_count=Coalesce(Subquery(late_count), Value(0)),
        is_late=_late_condition(today),
    )


def project_base(*, user: User, today: dt.date | None = None) -> QuerySet[Project]:
    """The projects the user may read, with what a list row and a header show, and the flags."""
    qs = scope(Project.objects.all(), user).select_related(
        "municipality", "municipality__parent", "site", "domain", "domain__parent", "provider", "need",
        "created_by", "handed_over_by",
    )
    return _flags(qs, _today(today))


def _late_condition(today: dt.date) -> Q:
    late_milestone = Milestone.objects.filter(project=OuterRef("pk"), due_date__lt=today).exclude(
        status=MilestoneStatus.COMPLETED
    )
    return Q(status__in=RUNNING_STATUSES) & (Q(end_date__lt=today) | Q(Exists(late_milestone)))


def project_list(*, user: User, filters: Mapping[str, Any] | None = None, today: dt.date | None = None
                 ) -> QuerySet[Project]:
    """The projects the user may see, newest start first, narrowed by `filters` (the values of
    `ProjectFilter`: a municipality includes its districts, a domain its sub-domains)."""
    qs = ProjectFilter.filter_queryset(project_base(user=user, today=today), filters)
    return qs.order_by("-start_date", "-pk")


def project_get(*, user: User, pk: int, today: dt.date | None = None) -> Project:
    """One project the user may read, with its flags; NotFound outside the scope."""
    return scoped_get(project_base(user=user, today=today), user, pk=pk)



# ---------------------------------------------------------------- portfolio totals


@dataclass
class PortfolioSummary:
    """What a list of projects adds up to: counts, contract amounts in Rial, average progress."""

    count: int = 0
    contract_amount: int = 0
    current_amount: int = 0
    average_progress: Decimal | None = None
    late: int = 0
    blocked: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def change_amount(self) -> int:
        return self.current_amount - self.contract_amount

    def status_rows(self) -> list[tuple[ProjectStatus, int]]:
        return [(s, self.by_status.get(s.value, 0)) for s in ProjectStatus]


def portfolio_summary(projects: QuerySet[Project]) -> PortfolioSummary:
    """The totals of an already filtered list (from project_list): two aggregate queries."""
    plain = projects.order_by()
    totals = plain.aggregate(
        count=Count("pk"),
        contract_amount=Coalesce(Sum("contract_amount"), Value(0)),
        current_amount=Coalesce(Sum("current_amount"), Value(0)),
        average_progress=Avg("physical_progress"),
        late=Count("pk", filter=Q(is_late=True)),
        blocked=Count("pk", filter=Q(is_blocked=True)),
    )
    by_status = dict(plain.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    average = totals["average_progress"]
    return PortfolioSummary(
        count=totals["count"],
        contract_amount=int(totals["contract_amount"]),
        current_amount=int(totals["current_amount"]),
        average_progress=Decimal(str(average)).quantize(Decimal("0.01")) if average is not None else None,
        late=totals["late"],
        blocked=totals["blocked"],
        by_status=by_status,
    )



# ---------------------------------------------------------------- history


_CHILD_MODELS = (Milestone, ProjectConstraint, ProgressReport, ChangeOrder, PaymentRequest)


def project_history(*, project: Project) -> QuerySet[AuditEvent]:
    """The recorded steps of the project and of its parts, oldest first: who did what, when."""
    condition = Q(object_type=Project._meta.label_lower, object_id=str(project.pk))
    for model in _CHILD_MODELS:
        ids = [str(pk) for pk in model.objects.filter(project=project).values_list("pk", flat=True)]
        if ids:
            condition |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    # A removed milestone is gone, but its removal names the project in the event's "before".
    condition |= Q(object_type=Milestone._meta.label_lower, action="milestone.remove",
                   before__project_id=project.pk)
    # A document may be removed too: its events name the project in "after" (added) or "before" (removed).
    document = ProjectDocument._meta.label_lower
    condition |= Q(object_type=document, after__project_id=project.pk)
    condition |= Q(object_type=document, before__project_id=project.pk)
    return (
        AuditEvent.objects.filter(organization_id=project.organization_id)
        .filter(condition)
        .select_related("actor")
        .order_by("sequence")
    )



def executing_candidates(*, organization_id: int, domain: ServiceDomain) -> list[Candidate]:
    """The staff units and affiliated companies able to carry out a project in `domain`, best first.

    The same ranking as needs (`hamyar.needs.matching`), for a project not yet written down.
    """
    probe = Need(organization_id=organization_id, domain=domain, kind=NeedKind.PROJECT)
    ranking = rank_providers(probe)
    return [c for c in ranking.candidates if c.provider.kind in EXECUTING_KINDS]


__all__ = [
    "PortfolioSummary",
    "executing_candidates",
    "portfolio_summary",
    "project_base",
    "project_get",
    "project_history",
    "project_list",
]
