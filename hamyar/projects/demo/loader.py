"""Loading the demo's projects through the services, idempotently."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from hamyar.accounts.models import Membership
from hamyar.core import clock
from hamyar.core.roles import Role
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, Organization, Provider, ServiceDomain

from .. import services
from ..choices import ConstraintStatus, MilestoneStatus, ProjectStatus
from ..models import Milestone, PaymentRequest, Project
from .drawings import contract_pdf, photo
from .story import PROJECTS, DemoProject


def _at(day: dt.date) -> dt.datetime:
    """Ten in the morning of a day, Tehran time (never later than now: today's step has happened)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))), timezone.now())


class _Loader:
    def __init__(self, organization: Organization, acting_user) -> None:
        self.org = organization
        self.admin = acting_user
        self.today = timezone.localdate()
        self.created: Counter[str] = Counter()

    def _user(self, role: Role, **bound):
        membership = (Membership.objects.select_related("user")
                      .filter(organization=self.org, role=role, user__is_active=True, **bound)
                      .order_by("pk").first())
        return membership.user if membership else None

    def load(self) -> Counter[str]:
        for spec in PROJECTS:
            if Project.objects.filter(organization=self.org, title=normalize(spec.title)).exists():
                continue
            with transaction.atomic():
                self._project(spec)
        return self.created

    def _project(self, spec: DemoProject) -> None:
        org = self.org
        municipality = Municipality.objects.get(organization=org, name_en=spec.municipality)
        site = (MunicipalAsset.objects.get(municipality=municipality, name=normalize(spec.site))
                if spec.site else None)
        provider = Provider.objects.get(organization=org, name=normalize(spec.provider))
        domain = ServiceDomain.objects.get(organization=org, code=spec.domain)
        start = self.today + dt.timedelta(days=spec.start)

        def day(offset: int) -> dt.date:
            return start + dt.timedelta(days=offset)

        officer = self._user(Role.COMMERCE_OFFICER) or self.admin
        worker = self._user(Role.PROJECT_MANAGER, provider=provider) or officer
        # Every step is audited on the story's day (clock.at); _set_clocks stamps the rows the same.
        with clock.at(_at(day(-7))):
            project, milestones, constraints = self._plan(spec, project_args={
                "title": spec.title, "municipality": municipality, "site": site, "domain": domain,
                "provider": provider, "start": start}, officer=officer, day=day)
        if spec.status == ProjectStatus.PLANNING:
            return
        with clock.at(_at(day(-7))):
            self._contract(spec, project, officer)
        with clock.at(_at(day(0))):
            self._start(spec, project, constraints, officer, worker)
        self._work(spec, project, milestones, worker, day)
        # A blocking constraint is recorded last: it stops the milestones it holds up.
        last = max([0, *(m.started or 0 for m in spec.milestones),
                    *(m.completed or 0 for m in spec.milestones), *(r.day for r in spec.reports)])
        with clock.at(_at(day(last))):
            for c, row in constraints:
                if c.status == ConstraintStatus.BLOCKING and row.status != ConstraintStatus.BLOCKING:
                    services.constraint_update(constraint=row, acting_user=officer,
                                               status=ConstraintStatus.BLOCKING)
        if spec.completed is not None:
            with clock.at(_at(day(spec.completed))):
                services.project_complete(project=project, acting_user=officer)
        if spec.handed_over is not None:
            signer = self._user(Role.MUNICIPALITY_USER, municipality=municipality)
            if signer is not None:
                with clock.at(_at(day(spec.handed_over))):
                    services.project_hand_over(project=project, acting_user=signer)
        self._set_clocks(spec, project, milestones, day)

    def _plan(self, spec: DemoProject, *, project_args: dict, officer, day) -> tuple[Project, list, list]:
        """The project, its milestones and its constraints, as planned."""
        start = project_args.pop("start")
        project = services.project_create(
            acting_user=officer, **project_args, contract_amount=spec.amount, start_date=start,
            end_date=day(spec.days), description=spec.description,
        )
        self.created["projects"] += 1
        milestones = [
            services.milestone_add(project=project, acting_user=officer, title=m.title,
                                   weight=Decimal(m.weight), amount=m.amount, planned_start=day(m.begin),
                                   due_date=day(m.due))
            for m in spec.milestones
        ]
        self.created["milestones"] += len(milestones)
        constraints = []
        for c in spec.constraints:
            # A blocking one is recorded open first and blocks once the story's work is done (below).
            later = c.resolved or c.status == ConstraintStatus.BLOCKING
            status = ConstraintStatus.OPEN if later else c.status
            constraints.append((c, services.constraint_add(
                project=project, acting_user=officer, kind=c.kind, title=c.title, owner=c.owner,
                status=status,
                milestone=milestones[c.milestone] if c.milestone is not None else None,
                due_date=day(c.due) if c.due is not None else None, notes=c.notes,
            )))
        self.created["constraints"] += len(constraints)
        return project, milestones, constraints

    def _contract(self, spec: DemoProject, project: Project, officer) -> None:
        services.project_contract(project=project, acting_user=officer)
        for document in spec.documents:
            services.project_document_add(
                project=project, acting_user=officer, kind=document.kind, title=document.title,
                file=SimpleUploadedFile(document.file_name, contract_pdf(project, officer),
                                        content_type="application/pdf"))
            self.created["documents"] += 1

    def _start(self, spec: DemoProject, project: Project, constraints: list, officer, worker) -> None:
        services.project_start(project=project, acting_user=officer)
        for c, row in constraints:
            if c.resolved:
                services.constraint_update(constraint=row, acting_user=officer,
                                           status=ConstraintStatus.RESOLVED)
        for change in spec.changes:
            order = services.change_order_propose(
                project=project, acting_user=worker, reason=change.reason, description=change.description,
                amount_change=change.amount_change,
                new_end_date=(project.end_date + dt.timedelta(days=change.extra_days)
                              if change.extra_days else None),
            )
            services.change_order_approve(change_order=order, acting_user=officer, decision_note=change.note)
            self.created["change orders"] += 1

    def _work(self, spec: DemoProject, project: Project, milestones: list[Milestone], worker, day) -> None:
        """Start the milestones, file the reports and complete the milestones, in the story's order."""
        events: list[tuple[int, int, str, object]] = []
        for index, m in enumerate(spec.milestones):
            if m.started is not None:
                events.append((m.started, 0, "start", index))
            if m.completed is not None:
                events.append((m.completed, 2, "complete", index))
        for report in spec.reports:
            events.append((report.day, 1, "report", report))
        for when, _order, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
            with clock.at(_at(day(when))):
                self._step(project, milestones, worker, day, when, kind, item)

    def _step(self, project: Project, milestones: list[Milestone], worker, day, when: int, kind: str,
              item) -> None:
        if kind == "start":
            services.milestone_start(milestone=milestones[item], acting_user=worker)
        elif kind == "complete":
            services.milestone_complete(milestone=milestones[item], acting_user=worker)
            self.created["payment requests"] += 1
        else:
            photos = [{"file": photo(item.photo), "caption": item.caption}] if item.photo else []
            percents = {milestones[i].pk: Decimal(p) for i, p in item.percents.items()
                        if milestones[i].status != MilestoneStatus.COMPLETED}
            for m in milestones:
                m.refresh_from_db()
            services.progress_report_create(project=project, acting_user=worker, reported_on=day(when),
                                            percents=percents, notes=item.notes, photos=photos)
            self.created["progress reports"] += 1
            self.created["photos"] += len(photos)

    def _set_clocks(self, spec: DemoProject, project: Project, milestones: list[Milestone], day) -> None:
        """The clocks of the story's days (see the module's docstring)."""
        for m, row in zip(spec.milestones, milestones, strict=True):
            stamps = {}
            if m.started is not None:
                stamps["started_at"] = _at(day(m.started))
            if m.completed is not None:
                stamps["completed_at"] = _at(day(m.completed))
                PaymentRequest.objects.filter(milestone=row).update(created_at=_at(day(m.completed)))
            if stamps:
                Milestone.objects.filter(pk=row.pk).update(**stamps)
        clocks = {"contracted_at": _at(day(-7)), "started_at": _at(day(0))}
        if spec.completed is not None:
            clocks["completed_at"] = _at(day(spec.completed))
        if spec.handed_over is not None and project.handed_over_by_id:
            clocks["handed_over_at"] = _at(day(spec.handed_over))
        Project.objects.filter(pk=project.pk).update(**clocks)


def load_projects_demo(*, organization: Organization, acting_user) -> Counter[str]:
    """Create the demo projects that are missing (see the module's docstring); count what was created."""
    return _Loader(organization, acting_user).load()
