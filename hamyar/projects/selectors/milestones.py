"""A project's milestones and constraints (the project was read through a selector, or the row is
scoped through its project)."""

import datetime as dt

from django.db.models import Prefetch, Q

from hamyar.accounts.models import User
from hamyar.core.scoping import scoped_get

from ..choices import ConstraintStatus
from ..models import Milestone, Project, ProjectConstraint


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


def milestone_get(*, user: User, pk: int, project: Project | None = None) -> Milestone:
    qs = Milestone.objects.select_related("project")
    if project is not None:
        qs = qs.filter(project=project)
    return scoped_get(qs, user, pk=pk)


def constraint_list(*, project: Project) -> list[ProjectConstraint]:
    """Blocking first, then open and in progress, resolved last; the soonest due first."""
    order: dict[str, int] = {ConstraintStatus.BLOCKING: 0, ConstraintStatus.OPEN: 1,
                             ConstraintStatus.IN_PROGRESS: 2, ConstraintStatus.RESOLVED: 3}
    rows = list(project.constraints.select_related("milestone").order_by("due_date", "pk"))
    rows.sort(key=lambda c: (order.get(c.status, 9), c.due_date is None, c.due_date or dt.date.min, c.pk))
    return rows


def constraint_get(*, user: User, pk: int, project: Project | None = None) -> ProjectConstraint:
    qs = ProjectConstraint.objects.select_related("project", "milestone")
    if project is not None:
        qs = qs.filter(project=project)
    return scoped_get(qs, user, pk=pk)


def blocking_constraint(milestone: Milestone) -> ProjectConstraint | None:
    """The first blocking constraint holding up the milestone: its own, or one of the whole project."""
    return (
        ProjectConstraint.objects.filter(project_id=milestone.project_id, status=ConstraintStatus.BLOCKING)
        .filter(Q(milestone=milestone) | Q(milestone__isnull=True))
        .order_by("pk").first()
    )


__all__ = [
    "blocking_constraint",
    "constraint_get",
    "constraint_list",
    "milestone_get",
    "milestone_list",
]
