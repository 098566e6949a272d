"""Service levels: the targets of a need's domain and the need's clocks, computed here and nowhere else.

Every clock runs from the moment the municipality submitted the need, as the municipality lives
it: time to triage (stopped by triage), to the first quotation (stopped by the first quotation)
and to delivery (stopped when the need is fulfilled). A need rejected or cancelled stops every
running clock; a stopped clock is never overdue.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.directory.models import ServiceDomain

from .choices import NeedStatus
from .models import Need, ServiceLevel

# Used for a domain with no service level of its own or of a parent; settings may override it.
DEFAULT_TARGETS = {"triage_hours": 24, "first_quotation_hours": 72, "delivery_days": 30}

CLOCKS = (
    ("triage", _("Time to triage"), "triaged_at"),
    ("first_quotation", _("Time to first quotation"), "first_quoted_at"),
    ("delivery", _("Time to delivery"), None),  # stopped by closed_at when fulfilled
)


def default_targets() -> dict[str, int]:
    return {**DEFAULT_TARGETS, **getattr(settings, "HAMYAR_SERVICE_LEVEL_DEFAULT", {})}


@dataclass(frozen=True)
class Targets:
    """The targets that apply to one domain, and where they come from."""

    triage_hours: int
    first_quotation_hours: int
    delivery_days: int
    source: ServiceLevel | None = None  # None: the default from settings
    inherited: bool = False  # set on a parent domain, not on this one

    def target(self, clock: str) -> dt.timedelta:
        if clock == "triage":
            return dt.timedelta(hours=self.triage_hours)
        if clock == "first_quotation":
            return dt.timedelta(hours=self.first_quotation_hours)
        return dt.timedelta(days=self.delivery_days)


class ServiceLevels:
    """The organization's service levels, resolved per domain (the nearest level up the tree wins)."""

    def __init__(self, organization_id: int) -> None:
        self.organization_id = organization_id
        self.levels = {
            level.domain_id: level
            for level in ServiceLevel.objects.filter(organization_id=organization_id).select_related("domain")
        }
        self.parents = dict(
            ServiceDomain.objects.filter(organization_id=organization_id).values_list("pk", "parent_id")
        )

    def for_domain(self, domain_id: int) -> Targets:
        current: int | None = domain_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            level = self.levels.get(current)
            if level is not None:
                return Targets(level.triage_hours, level.first_quotation_hours, level.delivery_days,
                               source=level, inherited=current != domain_id)
            seen.add(current)
            current = self.parents.get(current)
        return Targets(**default_targets())


@dataclass(frozen=True)
class Clock:
    """One clock of a need: its target, how long it has run and whether it is overdue."""

    name: str
    label: str
    target: dt.timedelta
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    elapsed: dt.timedelta | None
    remaining: dt.timedelta | None  # negative when late
    overdue: bool  # running and past its target
    # For a clock its own step stopped: within the target. None while running, not started, or
    # stopped because the need was rejected or cancelled first.
    met: bool | None

    @property
    def due_at(self) -> dt.datetime | None:
        return self.started_at + self.target if self.started_at else None

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.stopped_at is None

    @property
    def state(self) -> str:
        if self.started_at is None:
            return "not_started"
        if self.running:
            return "overdue" if self.overdue else "running"
        if self.met is None:
            return "stopped"  # the need closed before this clock's step was reached
        return "met" if self.met else "missed"


def need_clocks(need: Need, *, levels: ServiceLevels | None = None,
                now: dt.datetime | None = None) -> list[Clock]:
    """The need's three clocks against the targets of its domain."""
    levels = levels or ServiceLevels(need.organization_id)
    targets = levels.for_domain(need.domain_id)
    now = now or timezone.now()
    started = need.submitted_at
    ended = need.closed_at if need.status in (NeedStatus.REJECTED, NeedStatus.CANCELLED) else None
    clocks = []
    for name, label, stop_field in CLOCKS:
        target = targets.target(name)
        if stop_field:
            stopped = getattr(need, stop_field)
        else:
            stopped = need.closed_at if need.status == NeedStatus.FULFILLED else None
        closed_early = stopped is None and ended is not None
        stopped = stopped or ended
        if started is None:
            clocks.append(Clock(name, str(label), target, None, None, None, None, False, None))
            continue
        elapsed = (stopped or now) - started
        remaining = target - elapsed
        running = stopped is None
        clocks.append(Clock(
            name, str(label), target, started, stopped, elapsed, remaining,
            overdue=running and remaining < dt.timedelta(0),
            met=None if running or closed_early else remaining >= dt.timedelta(0),
        ))
    return clocks


def overdue_clock(clocks: list[Clock]) -> Clock | None:
    """The first running clock past its target, if any."""
    return next((c for c in clocks if c.overdue), None)


# The statuses in which a need's clocks can still run: from its submission until it is fulfilled.
CLOCKED_STATUSES = (NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.QUOTED,
                    NeedStatus.APPROVED)


def clocked(needs: QuerySet[Need]) -> QuerySet[Need]:
    """The needs whose clocks may be running: the only ones that can be overdue."""
    return needs.filter(status__in=CLOCKED_STATUSES, submitted_at__isnull=False)


def overdue_clocks(needs: Iterable[Need], *, now: dt.datetime | None = None) -> dict[int, Clock]:
    """The late clock of every overdue need among `needs`, by the need's pk: the one test of "overdue".

    The overdue page, the triage queue's flag and the daily reminders all ask this, so a need is overdue
    on one of them exactly when it is on the others.
    """
    now = now or timezone.now()
    levels: dict[int, ServiceLevels] = {}
    late: dict[int, Clock] = {}
    for need in needs:
        if need.status not in CLOCKED_STATUSES or need.submitted_at is None:
            continue
        if need.organization_id not in levels:
            levels[need.organization_id] = ServiceLevels(need.organization_id)
        clock = overdue_clock(need_clocks(need, levels=levels[need.organization_id], now=now))
        if clock is not None:
            late[need.pk] = clock
    return late
