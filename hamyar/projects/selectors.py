"""Every projects read a user can see, each starting from the scoped queryset.

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
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from hamyar.core.models import AuditEvent
from hamyar.core.scoping import membership_of, scope, scoped_get
from hamyar.core.text import normalize

from .choices import (
    ChangeOrderStatus,
    ConstraintStatus,
    MilestoneStatus,
    PaymentRequestStatus,
    ProjectStatus,
)
from .models import (
    ChangeOrder,
    Milestone,
    PaymentRequest,
    ProgressEntry,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectConstraint,
    ProjectDocument,
)

# Projects still being carried out: they can be late.
RUNNING_STATUSES = (
    ProjectStatus.PLANNING,
    ProjectStatus.CONTRACTED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.SUSPENDED,
)
# Constraints not yet out of the way.
UNRESOLVED_CONSTRAINT_STATUSES = (
    ConstraintStatus.OPEN, ConstraintStatus.IN_PROGRESS, ConstraintStatus.BLOCKING,
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


def project_base(*, user, today: dt.date | None = None) -> QuerySet[Project]:
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


def project_list(
    *,
    user,
    municipality_id: int | None = None,
    domain_id: int | None = None,
    provider_id: int | None = None,
    status: str | None = None,
    statuses=None,
    late: bool | None = None,
    blocked: bool | None = None,
    q: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Project]:
    """The projects the user may see, filtered, newest start first.

    `domain_id` includes the domain's sub-domains; `late` / `blocked` True keeps only those,
    False only the others; `q` finds the number, title or site name.
    """
    day = _today(today)
    qs = project_base(user=user, today=day)
    if municipality_id:
        # A metropolis includes its districts.
        qs = qs.filter(Q(municipality_id=municipality_id) | Q(municipality__parent_id=municipality_id))
    if domain_id:
        qs = qs.filter(Q(domain_id=domain_id) | Q(domain__parent_id=domain_id))
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    if status:
        qs = qs.filter(status=status)
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if late is not None:
        condition = _late_condition(day)
        qs = qs.filter(condition) if late else qs.exclude(condition)
    if blocked is not None:
        blocking = ProjectConstraint.objects.filter(project=OuterRef("pk"), status=ConstraintStatus.BLOCKING)
        qs = qs.filter(Exists(blocking)) if blocked else qs.exclude(Exists(blocking))
    text = normalize(q or "")
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(title__icontains=text) | Q(site__name__icontains=text))
    return qs.order_by("-start_date", "-pk")


def project_get(*, user, pk: int, today: dt.date | None = None) -> Project:
    """One project the user may read, with its flags; NotFound outside the scope."""
    return scoped_get(project_base(user=user, today=today), user, pk=pk)


def my_provider_id(user) -> int | None:
    membership = membership_of(user)
    return membership.provider_id if membership is not None else None


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


# ---------------------------------------------------------------- a project's parts


def milestone_list(*, project: Project) -> list[Milestone]:
    """The project's milestones in order, each with its constraints and its payment request.

    The project was read through a selector, so the user may see them.
    """
    return list(
        Milestone.objects.filter(project=project)
        .select_related("payment_request")
        .prefetch_related(Prefetch("constraints", queryset=ProjectConstraint.objects.order_by("pk")))
        .order_by("sequence", "pk")
    )


def milestone_get(*, user, pk: int, project: Project | None = None) -> Milestone:
    qs = Milestone.objects.select_related("project")
    if project is not None:
        qs = qs.filter(project=project)
    return scoped_get(qs, user, pk=pk)


def constraint_list(*, project: Project) -> list[ProjectConstraint]:
    """Blocking first, then open and in progress, resolved last; the soonest due first."""
    order = {ConstraintStatus.BLOCKING: 0, ConstraintStatus.OPEN: 1, ConstraintStatus.IN_PROGRESS: 2,
             ConstraintStatus.RESOLVED: 3}
    rows = list(project.constraints.select_related("milestone").order_by("due_date", "pk"))
    rows.sort(key=lambda c: (order.get(c.status, 9), c.due_date is None, c.due_date or dt.date.min, c.pk))
    return rows


def constraint_get(*, user, pk: int, project: Project | None = None) -> ProjectConstraint:
    qs = ProjectConstraint.objects.select_related("project", "milestone")
    if project is not None:
        qs = qs.filter(project=project)
    return scoped_get(qs, user, pk=pk)


def report_list(*, project: Project) -> list[ProgressReport]:
    """The project's progress reports, newest first, each with its entries and photos."""
    return list(
        project.reports.select_related("reported_by")
        .prefetch_related(
            Prefetch("entries", queryset=ProgressEntry.objects.select_related("milestone")
                     .order_by("milestone__sequence", "pk")),
            Prefetch("photos", queryset=ProgressPhoto.objects.order_by("pk")),
        )
        .order_by("-reported_on", "-pk")
    )


def report_get(*, user, pk: int) -> ProgressReport:
    return scoped_get(ProgressReport.objects.select_related("project", "reported_by"), user, pk=pk)


def photo_get(*, user, pk: int) -> ProgressPhoto:
    """A photo of a report the user may see; anything else (another municipality, tenant) is NotFound."""
    return scoped_get(ProgressPhoto.objects.select_related("report", "report__project"), user, pk=pk)


def document_list(*, project: Project) -> list[ProjectDocument]:
    """The project's documents, newest first, with who uploaded them.

    The project was read through a selector, so the user may see them.
    """
    return list(project.documents.select_related("uploaded_by").order_by("-created_at", "-pk"))


def document_get(*, user, pk: int) -> ProjectDocument:
    """A document of a project the user may see; anything else (another municipality, tenant) is NotFound."""
    return scoped_get(ProjectDocument.objects.select_related("project"), user, pk=pk)


def change_order_list(*, project: Project) -> list[ChangeOrder]:
    return list(
        project.change_orders.select_related("requested_by", "decided_by").order_by("number")
    )


def change_order_get(*, user, pk: int, project: Project | None = None) -> ChangeOrder:
    qs = ChangeOrder.objects.select_related("project", "requested_by", "decided_by")
    if project is not None:
        qs = qs.filter(project=project)
    return scoped_get(qs, user, pk=pk)


def approved_change_total(*, project: Project) -> int:
    """The sum of the approved change orders' amount changes (Rial)."""
    total = project.change_orders.filter(status=ChangeOrderStatus.APPROVED).aggregate(
        s=Coalesce(Sum("amount_change"), Value(0)))["s"]
    return int(total)


def payment_request_list(*, user, project: Project | None = None, status: str | None = None
                         ) -> QuerySet[PaymentRequest]:
    qs = scope(PaymentRequest.objects.all(), user).select_related(
        "project", "project__municipality", "milestone"
    )
    if project is not None:
        qs = qs.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def payment_request_get(*, user, pk: int) -> PaymentRequest:
    return scoped_get(PaymentRequest.objects.select_related("project", "milestone"), user, pk=pk)


def open_payment_total(*, project: Project) -> int:
    total = project.payment_requests.filter(status=PaymentRequestStatus.REQUESTED).aggregate(
        s=Coalesce(Sum("amount"), Value(0)))["s"]
    return int(total)


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


def project_has_blocking(*, project: Project) -> bool:
    return project.constraints.filter(status=ConstraintStatus.BLOCKING).exists()


__all__ = [
    "RUNNING_STATUSES",
    "UNRESOLVED_CONSTRAINT_STATUSES",
    "PortfolioSummary",
    "approved_change_total",
    "change_order_get",
    "change_order_list",
    "constraint_get",
    "constraint_list",
    "document_get",
    "document_list",
    "milestone_get",
    "milestone_list",
    "my_provider_id",
    "open_payment_total",
    "payment_request_get",
    "payment_request_list",
    "photo_get",
    "portfolio_summary",
    "project_base",
    "project_get",
    "project_has_blocking",
    "project_history",
    "project_list",
    "report_get",
    "report_list",
]
