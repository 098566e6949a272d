"""Every write to projects: the contract, its milestones and constraints, progress, change orders.

Each transition checks that the actor may see the project (404 otherwise) and that its role may
take the step (403), locks the project row, checks the current state against `choices.TRANSITIONS`
(409), writes the new state and exactly one AuditEvent in one transaction, and notifies whoever
the project now waits for. A refusal writes nothing (and leaves no stored file behind).
"""

import datetime as dt
import os
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership
from hamyar.accounts.services import notification_recipients, notify
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound
from hamyar.core.files import FileRejected, read_checked
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.text import normalize
from hamyar.directory.choices import ProviderKind
from hamyar.directory.models import MunicipalAsset, Municipality, Provider, ServiceDomain
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.needs.matching import rank_providers
from hamyar.needs.models import Need

from . import images, progress
from .choices import (
    TRANSITIONS,
    ChangeOrderStatus,
    ConstraintKind,
    ConstraintStatus,
    DocumentKind,
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

# Who does what. Officers run the contract; the executing provider's project manager reports the
# work; the municipality signs off the handover; executives decide change orders beyond the limit.
OFFICERS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER)
WORKERS = (*OFFICERS, Role.PROJECT_MANAGER)
DECIDERS = (*OFFICERS, Role.EXECUTIVE)
SIGNERS = (Role.MUNICIPALITY_USER,)

EXECUTING_KINDS = (ProviderKind.STAFF_UNIT, ProviderKind.AFFILIATE)
# The total of approved amount changes stays within ±25% of the contract amount.
CHANGE_LIMIT_PERCENT = 25
MAX_AMOUNT = 10**15
MAX_PHOTOS = 10
MAX_MILESTONES = 50
MAX_YEARS = 15
# Where milestones may still be planned (weights, amounts, dates).
PLANNABLE = frozenset({ProjectStatus.PLANNING, ProjectStatus.CONTRACTED})
# Where a change order may be proposed or decided.
CHANGEABLE = frozenset({ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED})
# Where constraints may still be recorded and changed.
OPEN_PROJECT = frozenset({ProjectStatus.PLANNING, ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS,
                          ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED})
# Where documents may be added or removed: from planning to completed. A handed-over or terminated
# project's record is closed, so its documents stay as they were.
DOCUMENT_STATUSES = OPEN_PROJECT
HUNDRED = Decimal(100)


# ---------------------------------------------------------------- helpers


def project_lock(project: Project) -> Project:
    """The project re-read under a row lock (PostgreSQL); SQLite serializes writers already."""
    return Project.objects.select_for_update().select_related("municipality", "provider").get(pk=project.pk)


def _url(project: Project) -> str:
    try:
        return reverse("projects:project_detail", args=[project.pk])
    except NoReverseMatch:  # the pages are mounted separately
        return f"/projects/{project.pk}/"


def _invalid(fields: dict[str, list]) -> InvalidInput:
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, extra={"fields": {k: [str(m) for m in v] for k, v in fields.items()}})


def _authorize(project: Project, acting_user, roles) -> Membership:
    """Outside the actor's scope is 404; inside it, a role not among `roles` is 403."""
    if not in_scope(project, acting_user):
        raise NotFound()
    return require_role(acting_user, *roles)


def _state_error(project: Project, action) -> ApplicationError:
    return ApplicationError(
        _("The project is “%(status)s”; “%(action)s” is not allowed now.")
        % {"status": project.get_status_display(), "action": action},
        code="project_state",
    )


def _reason(reason: str | None, *, field: str = "reason", required: bool = True) -> str:
    text = normalize(reason or "", multiline=True)
    if required and not text:
        raise _invalid({field: [_("Write the reason; it stays on the project's record.")]})
    if len(text) > 2000:
        raise _invalid({field: [_("Keep the reason under 2,000 characters.")]})
    return text


def _amount(value, field: str, errors: dict, *, negative: bool = False) -> int | None:
    low = -MAX_AMOUNT if negative else 0
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_AMOUNT:
        errors[field] = [_("Enter a whole number of Rial, zero or more.") if not negative
                         else _("Enter a whole number of Rial (negative to reduce).")]
        return None
    return value


def _is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _project_snapshot(project: Project) -> dict:
    return snapshot(project)


def _people(project: Project, *roles: Role, **bound) -> list:
    return notification_recipients(organization_id=project.organization_id, roles=list(roles), **bound)


def _officers(project: Project) -> list:
    return _people(project, Role.COMMERCE_OFFICER)


def _managers(project: Project) -> list:
    return _people(project, Role.PROJECT_MANAGER, provider_id=project.provider_id)


def _municipality(project: Project) -> list:
    return _people(project, Role.MUNICIPALITY_USER, municipality_id=project.municipality_id)


def _tell(project: Project, recipients: Iterable, subject, body: str = "") -> None:
    notify(organization_id=project.organization_id, recipients=list(recipients), subject=subject, body=body,
           url=_url(project))


def _refresh(project: Project, locked: Project) -> Project:
    project.refresh_from_db()
    return locked


# ---------------------------------------------------------------- the executing provider


def executing_candidates(*, organization_id: int, domain: ServiceDomain):
    """The staff units and affiliated companies able to carry out a project in `domain`, best first.

    The same ranking as needs (`hamyar.needs.matching`), for a project not yet written down.
    """
    probe = Need(organization_id=organization_id, domain=domain, kind=NeedKind.PROJECT)
    ranking = rank_providers(probe)
    return [c for c in ranking.candidates if c.provider.kind in EXECUTING_KINDS]


def _check_provider(provider, organization_id: int, errors: dict) -> Provider | None:
    if (not isinstance(provider, Provider) or provider.organization_id != organization_id
            or provider.kind not in EXECUTING_KINDS):
        errors["provider"] = [_("The executing provider must be one of the organization's staff units or "
                                "affiliated companies.")]
        return None
    if not provider.is_active:
        errors["provider"] = [_("The provider is not active.")]
        return None
    return provider


# ---------------------------------------------------------------- creating and planning


_PROJECT_FIELDS = {"title", "description", "municipality", "site", "domain", "provider", "contract_amount",
                   "start_date", "end_date"}


def _clean_project(membership: Membership, values: dict[str, Any], existing: Project | None = None
                   ) -> dict[str, Any]:
    """The project's fields, checked; InvalidInput with a message per field otherwise."""
    org = membership.organization_id
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}

    def value(name):
        return values[name] if name in values else (getattr(existing, name) if existing else None)

    title = normalize(value("title") or "")
    if not title:
        errors["title"] = [_("Give the project a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    cleaned["title"] = title
    description = normalize(value("description") or "", multiline=True)
    if len(description) > 10_000:
        errors["description"] = [_("Keep the description under 10,000 characters.")]
    cleaned["description"] = description

    municipality = value("municipality")
    if not isinstance(municipality, Municipality) or municipality.organization_id != org:
        errors["municipality"] = [_("Choose the municipality the project is for.")]
        municipality = None
    cleaned["municipality"] = municipality
    site = value("site")
    if site is not None and (not isinstance(site, MunicipalAsset) or municipality is None
                             or site.municipality_id != municipality.pk):
        errors["site"] = [_("The site must be one of the municipality's own assets.")]
    cleaned["site"] = site
    domain = value("domain")
    if not isinstance(domain, ServiceDomain) or domain.organization_id != org:
        errors["domain"] = [_("Choose the service domain of the project.")]
        domain = None
    cleaned["domain"] = domain

    provider = value("provider")
    if provider is None and domain is not None:
        candidates = executing_candidates(organization_id=org, domain=domain)
        if not candidates:
            errors["provider"] = [_("No staff unit or affiliated company can carry out this domain; "
                                    "choose the executing provider.")]
        else:
            provider = candidates[0].provider
    if provider is not None:
        provider = _check_provider(provider, org, errors)
    elif "provider" not in errors and domain is None:
        errors["provider"] = [_("Choose the executing provider.")]
    cleaned["provider"] = provider

    amount = _amount(value("contract_amount"), "contract_amount", errors)
    cleaned["contract_amount"] = amount

    start, end = value("start_date"), value("end_date")
    if not _is_date(start):
        errors["start_date"] = [_("Give the start date.")]
    if not _is_date(end):
        errors["end_date"] = [_("Give the end date.")]
    elif _is_date(start):
        if end < start:
            errors["end_date"] = [_("The end date cannot be before the start date.")]
        elif (end - start).days > 366 * MAX_YEARS:
            errors["end_date"] = [_("A project lasts at most 15 years.")]
    cleaned["start_date"], cleaned["end_date"] = start, end
    if errors:
        raise _invalid(errors)
    return cleaned


def _check_milestones_fit(project: Project, errors: dict) -> None:
    """The milestones stay within the project's dates and amount (after the project changed)."""
    rows = list(Milestone.objects.filter(project=project))
    if any(m.planned_start < project.start_date or m.due_date > project.end_date for m in rows):
        errors.setdefault("end_date", [
            _("A milestone falls outside these dates; change the milestone first.")])
    if sum(m.amount for m in rows) > project.current_amount:
        errors.setdefault("contract_amount", [
            _("The milestones' amounts add up to more than the project's amount.")])


def project_create(*, acting_user, title: str, municipality: Municipality, domain: ServiceDomain,
                   contract_amount: int, start_date: dt.date, end_date: dt.date,
                   site: MunicipalAsset | None = None, provider: Provider | None = None,
                   description: str = "") -> Project:
    """An officer writes down a project in planning; without a provider the best match is taken."""
    return _create(acting_user=acting_user, title=title, municipality=municipality, domain=domain,
                   contract_amount=contract_amount, start_date=start_date, end_date=end_date, site=site,
                   provider=provider, description=description, need=None)


def _create(*, acting_user, need: Need | None, **values: Any) -> Project:
    membership = require_role(acting_user, *OFFICERS)
    cleaned = _clean_project(membership, values)
    with transaction.atomic():
        project = Project(organization_id=membership.organization_id, created_by=acting_user,
                          number=next_number(membership.organization_id, "P"), status=ProjectStatus.PLANNING,
                          current_amount=cleaned["contract_amount"], need=need, **cleaned)
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            raise ApplicationError(_("A project was already made from this need."),
                                   code="project_exists") from None
        audit_record(actor=acting_user, action="project.create", obj=project,
                     after=_project_snapshot(project))
        _tell(project, _managers(project),
              _("Project %(number)s at %(municipality)s was given to you to carry out.")
              % {"number": project.number, "municipality": project.municipality.name})
    return project


def project_from_need(*, need: Need, acting_user, contract_amount: int | None = None,
                      start_date: dt.date | None = None, end_date: dt.date | None = None,
                      title: str | None = None, description: str | None = None) -> Project:
    """An approved project need becomes a project (once): its municipality, site, domain and assigned
    provider; the amount defaults to its budget estimate, the dates to today → its desired date."""
    membership = require_role(acting_user, *OFFICERS)
    if not isinstance(need, Need) or need.organization_id != membership.organization_id:
        raise NotFound()
    if need.kind != NeedKind.PROJECT:
        raise ApplicationError(_("Only a need of kind “project” becomes a project."), code="need_kind")
    if need.status != NeedStatus.APPROVED:
        raise ApplicationError(_("The need is “%(status)s”; only an approved need becomes a project.")
                               % {"status": need.get_status_display()}, code="need_state")
    if Project.objects.filter(need=need).exists():
        raise ApplicationError(_("A project was already made from this need."), code="project_exists")
    if need.provider is None:
        raise ApplicationError(_("The need has no assigned provider."), code="need_state")
    start = start_date or timezone.localdate()
    return _create(
        acting_user=acting_user, title=title if title is not None else need.title,
        description=description if description is not None else need.description,
        municipality=need.municipality, site=need.site, domain=need.domain, provider=need.provider,
        contract_amount=contract_amount if contract_amount is not None else need.budget_estimate,
        start_date=start, end_date=end_date or need.desired_date or start, need=need,
    )


def project_update(*, project: Project, acting_user, **changes: Any) -> Project:
    """An officer corrects a project still in planning (the amount in force follows the contract amount)."""
    membership = _authorize(project, acting_user, OFFICERS)
    unknown = set(changes) - _PROJECT_FIELDS
    if unknown:
        raise TypeError(f"project_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = project_lock(project)
        if locked.status != ProjectStatus.PLANNING:
            raise ApplicationError(_("Only a project in planning can be changed; use a change order."),
                                   code="project_state")
        before = _project_snapshot(locked)
        cleaned = _clean_project(membership, changes, existing=locked)
        for key, value in cleaned.items():
            setattr(locked, key, value)
        locked.current_amount = locked.contract_amount
        errors: dict[str, list] = {}
        _check_milestones_fit(locked, errors)
        if errors:
            raise _invalid(errors)
        locked.save()
        audit_record(actor=acting_user, action="project.update", obj=locked, before=before,
                     after=_project_snapshot(locked))
    return _refresh(project, locked)


# ---------------------------------------------------------------- milestones


def _weight(value, errors: dict) -> Decimal | None:
    try:
        weight = Decimal(str(value)) if not isinstance(value, bool) and value is not None else None
    except (InvalidOperation, ValueError):
        weight = None
    if (weight is None or not weight.is_finite() or weight <= 0 or weight > HUNDRED
            or weight != weight.quantize(Decimal("0.01"))):
        errors["weight"] = [_("The weight is a percent above 0 and at most 100, with up to two decimals.")]
        return None
    return weight


def _clean_milestone(project: Project, values: dict, existing: Milestone | None) -> dict:
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}

    def value(name):
        return values[name] if name in values else (getattr(existing, name) if existing else None)

    title = normalize(value("title") or "")
    if not title:
        errors["title"] = [_("Give the milestone a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    cleaned["title"] = title
    cleaned["weight"] = _weight(value("weight"), errors)
    cleaned["amount"] = _amount(value("amount"), "amount", errors)
    start, due = value("planned_start"), value("due_date")
    if not _is_date(start) or not project.start_date <= start <= project.end_date:
        errors["planned_start"] = [_("The planned start must fall within the project's dates.")]
    if not _is_date(due) or not project.start_date <= due <= project.end_date:
        errors["due_date"] = [_("The due date must fall within the project's dates.")]
    elif _is_date(start) and due < start:
        errors["due_date"] = [_("The due date cannot be before the planned start.")]
    cleaned["planned_start"], cleaned["due_date"] = start, due
    others = Milestone.objects.filter(project=project).exclude(pk=existing.pk if existing else None)
    totals = others.aggregate(weight=Sum("weight"), amount=Sum("amount"))
    if cleaned["weight"] is not None and (totals["weight"] or 0) + cleaned["weight"] > HUNDRED:
        errors["weight"] = [_("The milestones' weights would add up to more than 100%.")]
    if cleaned["amount"] is not None and (totals["amount"] or 0) + cleaned["amount"] > project.current_amount:
        errors["amount"] = [_("The milestones' amounts would add up to more than the project's amount.")]
    sequence = values.get("sequence")
    if sequence is not None:
        if isinstance(sequence, bool) or not isinstance(sequence, int) or not 1 <= sequence <= 32767:
            errors["sequence"] = [_("The order is a whole number from 1.")]
        elif others.filter(sequence=sequence).exists():
            errors["sequence"] = [_("Another milestone has this place in the order.")]
        else:
            cleaned["sequence"] = sequence
    if errors:
        raise _invalid(errors)
    return cleaned


def _plannable(project: Project, acting_user) -> Project:
    _authorize(project, acting_user, OFFICERS)
    locked = project_lock(project)
    if locked.status not in PLANNABLE:
        raise ApplicationError(_("Milestones can be planned only before the work starts."),
                               code="project_state")
    return locked


def milestone_add(*, project: Project, acting_user, title: str, weight, amount: int, planned_start: dt.date,
                  due_date: dt.date, sequence: int | None = None) -> Milestone:
    """An officer adds a milestone (weight in percent of the physical progress, amount, planned dates)."""
    with transaction.atomic():
        locked = _plannable(project, acting_user)
        if Milestone.objects.filter(project=locked).count() >= MAX_MILESTONES:
            raise _invalid({"title": [_("A project has at most 50 milestones.")]})
        cleaned = _clean_milestone(locked, {"title": title, "weight": weight, "amount": amount,
                                            "planned_start": planned_start, "due_date": due_date,
                                            "sequence": sequence}, None)
        if "sequence" not in cleaned:
            last = Milestone.objects.filter(project=locked).aggregate(n=Max("sequence"))["n"] or 0
            cleaned["sequence"] = last + 1
        milestone = Milestone.objects.create(organization_id=locked.organization_id, project=locked,
                                             **cleaned)
        audit_record(actor=acting_user, action="milestone.add", obj=milestone, after=snapshot(milestone))
    return milestone


def milestone_update(*, milestone: Milestone, acting_user, **changes: Any) -> Milestone:
    """An officer changes a milestone's title, weight, amount, dates or place before the work starts."""
    unknown = set(changes) - {"title", "weight", "amount", "planned_start", "due_date", "sequence"}
    if unknown:
        raise TypeError(f"milestone_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _plannable(milestone.project, acting_user)
        row = Milestone.objects.select_for_update().get(pk=milestone.pk)
        before = snapshot(row)
        cleaned = _clean_milestone(locked, changes, row)
        for key, value in cleaned.items():
            setattr(row, key, value)
        row.save()
        audit_record(actor=acting_user, action="milestone.update", obj=row, before=before,
                     after=snapshot(row))
    milestone.refresh_from_db()
    return row


def milestone_remove(*, milestone: Milestone, acting_user) -> None:
    """An officer removes a milestone before the work starts (its constraints go with it)."""
    with transaction.atomic():
        _plannable(milestone.project, acting_user)
        row = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if row.status != MilestoneStatus.PENDING or row.entries.exists():
            raise ApplicationError(_("A milestone with reported work cannot be removed."),
                                   code="milestone_state")
        audit_record(actor=acting_user, action="milestone.remove", obj=row, before=snapshot(row))
        row.delete()


def _weights_complete(project: Project) -> None:
    total = Milestone.objects.filter(project=project).aggregate(w=Sum("weight"))["w"] or Decimal(0)
    if total != HUNDRED:
        raise ApplicationError(
            _("The milestones' weights add up to %(total)s%%; they must add up to 100%% first.")
            % {"total": progress.two_places(total)}, code="weights_incomplete")


# ---------------------------------------------------------------- the lifecycle


def _move(project: Project, acting_user, roles, target: ProjectStatus, label) -> tuple[Project, dict]:
    """Check the actor, lock the project, check the move against the table: the locked project, its before."""
    _authorize(project, acting_user, roles)
    locked = project_lock(project)
    if target not in TRANSITIONS[locked.status]:
        raise _state_error(locked, label)
    return locked, _project_snapshot(locked)


def _finish(locked: Project, acting_user, target: ProjectStatus, action: str, before: dict) -> None:
    locked.status = target
    locked.save()
    audit_record(actor=acting_user, action=f"project.{action}", obj=locked, before=before,
                 after=_project_snapshot(locked))


def project_contract(*, project: Project, acting_user) -> Project:
    """Planning → contracted: the milestones' weights add up to 100 and their amounts fit the contract."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.CONTRACTED, _("Contract"))
        _weights_complete(locked)
        locked.contracted_at = timezone.now()
        _finish(locked, acting_user, ProjectStatus.CONTRACTED, "contract", before)
        _tell(locked, [*_managers(locked), *_municipality(locked)],
              _("Project %(number)s was contracted.") % {"number": locked.number})
    return _refresh(project, locked)


def project_start(*, project: Project, acting_user) -> Project:
    """Contracted → in progress."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.IN_PROGRESS, _("Start"))
        if locked.status != ProjectStatus.CONTRACTED:
            raise _state_error(locked, _("Start"))
        _weights_complete(locked)
        locked.started_at = timezone.now()
        _finish(locked, acting_user, ProjectStatus.IN_PROGRESS, "start", before)
        _tell(locked, [*_managers(locked), *_municipality(locked)],
              _("Work on project %(number)s has started.") % {"number": locked.number})
    return _refresh(project, locked)


def project_suspend(*, project: Project, acting_user, reason: str) -> Project:
    """In progress → suspended, with the reason everyone reads."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.SUSPENDED, _("Suspend"))
        text = locked.reason = _reason(reason)
        _finish(locked, acting_user, ProjectStatus.SUSPENDED, "suspend", before)
        _tell(locked, [*_managers(locked), *_municipality(locked)],
              _("Project %(number)s was suspended.") % {"number": locked.number}, body=text)
    return _refresh(project, locked)


def project_resume(*, project: Project, acting_user) -> Project:
    """Suspended → in progress."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.IN_PROGRESS, _("Resume"))
        if locked.status != ProjectStatus.SUSPENDED:
            raise _state_error(locked, _("Resume"))
        locked.reason = ""
        _finish(locked, acting_user, ProjectStatus.IN_PROGRESS, "resume", before)
        _tell(locked, [*_managers(locked), *_municipality(locked)],
              _("Work on project %(number)s has resumed.") % {"number": locked.number})
    return _refresh(project, locked)


def project_complete(*, project: Project, acting_user) -> Project:
    """In progress → completed, once every milestone is completed; the municipality is asked to sign off."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.COMPLETED, _("Complete"))
        open_milestones = Milestone.objects.filter(project=locked).exclude(status=MilestoneStatus.COMPLETED)
        if not Milestone.objects.filter(project=locked).exists() or open_milestones.exists():
            first = open_milestones.order_by("sequence").first()
            raise ApplicationError(
                _("Milestone “%(milestone)s” is not completed yet.") % {"milestone": first.title}
                if first else _("The project has no milestones."), code="milestones_open")
        locked.completed_at = timezone.now()
        _finish(locked, acting_user, ProjectStatus.COMPLETED, "complete", before)
        _tell(locked, _municipality(locked),
              _("Project %(number)s is completed and waits for your sign-off.") % {"number": locked.number})
    return _refresh(project, locked)


def project_hand_over(*, project: Project, acting_user) -> Project:
    """Completed → handed over: a user of the project's municipality signs it off; its need is fulfilled."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, SIGNERS, ProjectStatus.HANDED_OVER,
                               _("Sign off the handover"))
        locked.handed_over_at = timezone.now()
        locked.handed_over_by = acting_user
        _finish(locked, acting_user, ProjectStatus.HANDED_OVER, "hand_over", before)
        if locked.need_id and locked.need.status == NeedStatus.APPROVED:
            from hamyar.needs.services import need_record_commerce_step

            need_record_commerce_step(need=locked.need, status=NeedStatus.FULFILLED, acting_user=acting_user)
        _tell(locked, [*_officers(locked), *_managers(locked)],
              _("Project %(number)s was handed over to %(municipality)s.")
              % {"number": locked.number, "municipality": locked.municipality.name})
    return _refresh(project, locked)


def project_terminate(*, project: Project, acting_user, reason: str) -> Project:
    """Any running state → terminated, with the reason."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.TERMINATED, _("Terminate"))
        text = locked.reason = _reason(reason)
        _finish(locked, acting_user, ProjectStatus.TERMINATED, "terminate", before)
        _tell(locked, [*_managers(locked), *_municipality(locked)],
              _("Project %(number)s was terminated.") % {"number": locked.number}, body=text)
    return _refresh(project, locked)


# ---------------------------------------------------------------- constraints


def _clean_constraint(project: Project, values: dict, existing: ProjectConstraint | None) -> dict:
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}

    def value(name):
        return values[name] if name in values else (getattr(existing, name) if existing else None)

    kind = value("kind")
    if kind not in ConstraintKind.values:
        errors["kind"] = [_("Choose the kind of constraint.")]
    cleaned["kind"] = kind
    title = normalize(value("title") or "")
    if not title:
        errors["title"] = [_("Give the constraint a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    cleaned["title"] = title
    status = value("status") or ConstraintStatus.OPEN
    if status not in ConstraintStatus.values:
        errors["status"] = [_("Choose the constraint's status.")]
    cleaned["status"] = status
    owner = normalize(value("owner") or "")
    if not owner:
        errors["owner"] = [_("Say who is resolving it.")]
    elif len(owner) > 150:
        errors["owner"] = [_("Keep the owner under 150 characters.")]
    cleaned["owner"] = owner
    due = value("due_date")
    if due is not None and not _is_date(due):
        errors["due_date"] = [_("Enter a valid date.")]
    cleaned["due_date"] = due
    notes = normalize(value("notes") or "", multiline=True)
    if len(notes) > 10_000:
        errors["notes"] = [_("Keep the notes under 10,000 characters.")]
    cleaned["notes"] = notes
    milestone = value("milestone")
    if milestone is not None and (not isinstance(milestone, Milestone) or milestone.project_id != project.pk):
        errors["milestone"] = [_("Choose a milestone of this project, or none for the whole project.")]
    cleaned["milestone"] = milestone
    if errors:
        raise _invalid(errors)
    return cleaned


def _constraint_project(project: Project, acting_user) -> Project:
    _authorize(project, acting_user, WORKERS)
    locked = project_lock(project)
    if locked.status not in OPEN_PROJECT:
        raise ApplicationError(_("The project is closed; its constraints no longer change."),
                               code="project_state")
    return locked


def _tell_blocking(project: Project, constraint: ProjectConstraint) -> None:
    _tell(project, [*_officers(project), *_managers(project)],
          _("Constraint “%(title)s” is blocking project %(number)s.")
          % {"title": constraint.title, "number": project.number}, body=constraint.notes)


def constraint_add(*, project: Project, acting_user, kind: str, title: str, owner: str,
                   status: str = ConstraintStatus.OPEN, milestone: Milestone | None = None,
                   due_date: dt.date | None = None, notes: str = "") -> ProjectConstraint:
    """Record a legal or urban constraint of the project (or of one milestone)."""
    with transaction.atomic():
        locked = _constraint_project(project, acting_user)
        values = {"kind": kind, "title": title, "owner": owner, "status": status, "milestone": milestone,
                  "due_date": due_date, "notes": notes}
        cleaned = _clean_constraint(locked, values, None)
        row = ProjectConstraint(organization_id=locked.organization_id, project=locked, **cleaned)
        if row.status == ConstraintStatus.RESOLVED:
            row.resolved_at = timezone.now()
        row.save()
        audit_record(actor=acting_user, action="constraint.add", obj=row, after=snapshot(row))
        if row.status == ConstraintStatus.BLOCKING:
            _tell_blocking(locked, row)
    return row


def constraint_update(*, constraint: ProjectConstraint, acting_user, **changes: Any) -> ProjectConstraint:
    """Change a constraint: its status (resolved stamps the time), owner, due date, notes, milestone."""
    unknown = set(changes) - {"kind", "title", "owner", "status", "milestone", "due_date", "notes"}
    if unknown:
        raise TypeError(f"constraint_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _constraint_project(constraint.project, acting_user)
        row = ProjectConstraint.objects.select_for_update().get(pk=constraint.pk)
        before = snapshot(row)
        cleaned = _clean_constraint(locked, changes, row)
        was = row.status
        for key, value in cleaned.items():
            setattr(row, key, value)
        if row.status == ConstraintStatus.RESOLVED and was != ConstraintStatus.RESOLVED:
            row.resolved_at = timezone.now()
        elif row.status != ConstraintStatus.RESOLVED:
            row.resolved_at = None
        row.save()
        after = snapshot(row)
        audit_record(actor=acting_user, action="constraint.update", obj=row, before=before, after=after)
        if row.status == ConstraintStatus.BLOCKING and was != ConstraintStatus.BLOCKING:
            _tell_blocking(locked, row)
    constraint.refresh_from_db()
    return row


def blocking_constraint(milestone: Milestone) -> ProjectConstraint | None:
    """The first blocking constraint holding up the milestone: its own, or one of the whole project."""
    return (
        ProjectConstraint.objects.filter(project_id=milestone.project_id, status=ConstraintStatus.BLOCKING)
        .filter(Q(milestone=milestone) | Q(milestone__isnull=True))
        .order_by("pk").first()
    )


# ---------------------------------------------------------------- milestone work and payment requests


def _milestone_work(milestone: Milestone, acting_user, action) -> tuple[Project, Milestone]:
    _authorize(milestone.project, acting_user, WORKERS)
    locked = project_lock(milestone.project)
    if locked.status != ProjectStatus.IN_PROGRESS:
        raise _state_error(locked, action)
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    blocker = blocking_constraint(row)
    if blocker is not None:
        raise ApplicationError(
            _("Constraint “%(title)s” (%(kind)s) is blocking; resolve it before “%(action)s”.")
            % {"title": blocker.title, "kind": blocker.get_kind_display(), "action": action},
            code="blocked", extra={"constraint": blocker.pk})
    return locked, row


def _recompute(project: Project) -> Decimal:
    """The project's physical progress as the weighted sum of its milestones' percents."""
    rows = list(Milestone.objects.filter(project=project).values_list("weight", "percent"))
    project.physical_progress = progress.weighted_progress(rows)
    return project.physical_progress


def milestone_start(*, milestone: Milestone, acting_user) -> Milestone:
    """The executing provider (or an officer) starts a milestone; refused while a constraint blocks it."""
    with transaction.atomic():
        _locked, row = _milestone_work(milestone, acting_user, _("Start the milestone"))
        if row.status != MilestoneStatus.PENDING:
            raise ApplicationError(_("The milestone is “%(status)s”; it cannot be started.")
                                   % {"status": row.get_status_display()}, code="milestone_state")
        before = snapshot(row)
        row.status = MilestoneStatus.IN_PROGRESS
        row.started_at = timezone.now()
        row.save()
        audit_record(actor=acting_user, action="milestone.start", obj=row, before=before, after=snapshot(row))
    milestone.refresh_from_db()
    return row


def milestone_complete(*, milestone: Milestone, acting_user) -> Milestone:
    """The milestone's work is done (100%): it asks to be paid its amount, once; finance is told.

    Refused while a constraint blocks it. The payment request is part of the same event.
    """
    with transaction.atomic():
        locked, row = _milestone_work(milestone, acting_user, _("Complete the milestone"))
        if row.status != MilestoneStatus.IN_PROGRESS:
            raise ApplicationError(_("The milestone is “%(status)s”; it cannot be completed.")
                                   % {"status": row.get_status_display()}, code="milestone_state")
        if PaymentRequest.objects.filter(milestone=row).exists():
            raise ApplicationError(_("This milestone already asked to be paid."), code="payment_exists")
        before = snapshot(row)
        row.status = MilestoneStatus.COMPLETED
        row.percent = HUNDRED
        row.completed_at = timezone.now()
        row.save()
        request = PaymentRequest.objects.create(organization_id=row.organization_id, project=locked,
                                                milestone=row, amount=row.amount,
                                                status=PaymentRequestStatus.REQUESTED)
        _recompute(locked)
        locked.save(update_fields=["physical_progress", "updated_at"])
        after = snapshot(row)
        after["payment_request"] = {"id": request.pk, "amount": request.amount}
        after["project_physical_progress"] = str(locked.physical_progress)
        audit_record(actor=acting_user, action="milestone.complete", obj=row, before=before, after=after)
        _tell(locked, _people(locked, Role.FINANCE_OFFICER),
              _("Milestone “%(milestone)s” of project %(number)s is completed; invoice its payment request.")
              % {"milestone": row.title, "number": locked.number})
    milestone.refresh_from_db()
    return row


# ---------------------------------------------------------------- progress reports


def _clean_entries(project: Project, entries, notes: str, errors: dict) -> list[tuple[Milestone, Decimal]]:
    if not isinstance(entries, list | tuple) or not entries:
        errors["entries"] = [_("Give the physical percent of at least one milestone.")]
        return []
    milestones = {m.pk: m for m in Milestone.objects.select_for_update().filter(project=project)}
    cleaned, seen = [], set()
    for entry in entries:
        milestone, percent = (entry.get("milestone"), entry.get("percent")) if isinstance(entry, dict) else (
            None, None)
        pk = milestone.pk if isinstance(milestone, Milestone) else milestone
        if isinstance(pk, bool) or pk not in milestones:
            errors["entries"] = [_("Choose milestones of this project.")]
            return []
        row = milestones[pk]
        if pk in seen:
            errors["entries"] = [_("Milestone “%(milestone)s” is listed twice.") % {"milestone": row.title}]
            return []
        seen.add(pk)
        try:
            value = Decimal(str(percent)) if not isinstance(percent, bool) and percent is not None else None
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= HUNDRED or value != value.quantize(
                Decimal("0.01")):
            errors["entries"] = [_("Each percent is a number from 0 to 100, with up to two decimals.")]
            return []
        if row.status == MilestoneStatus.PENDING and value != row.percent:
            errors["entries"] = [_("Milestone “%(milestone)s” has not started; start it before reporting "
                                   "its progress.") % {"milestone": row.title}]
            return []
        if row.status == MilestoneStatus.COMPLETED and value != row.percent:
            errors["entries"] = [_("Milestone “%(milestone)s” is completed; its progress is 100%%.")
                                 % {"milestone": row.title}]
            return []
        if value < row.percent and not notes:
            errors["notes"] = [_("The progress of “%(milestone)s” goes down from %(old)s%% to %(new)s%%; "
                                 "explain why in the notes.")
                               % {"milestone": row.title, "old": progress.two_places(row.percent),
                                  "new": progress.two_places(value)}]
            return []
        cleaned.append((row, value))
    return cleaned


def progress_report_create(*, project: Project, acting_user, reported_on: dt.date | None = None,
                           entries: list[dict] | None = None, percents: dict | None = None, notes: str = "",
                           photos: list | None = None, captions: list[str] | None = None) -> ProgressReport:
    """The executing provider's project manager (or an officer) reports the physical percent per
    milestone, with notes and site photos; the milestones' percents and the project's weighted
    progress follow.

    `entries` are {"milestone": Milestone or id, "percent": 0–100} (or `percents`, {milestone id:
    percent}); `photos` are uploaded files, or {"file": …, "caption": …} (else `captions` in order).
    """
    _authorize(project, acting_user, WORKERS)
    if entries is None:
        entries = [{"milestone": pk, "percent": value} for pk, value in (percents or {}).items()]
    captions = list(captions or [])
    uploads, texts = [], []
    for index, photo in enumerate(photos or []):
        if isinstance(photo, dict):
            uploads.append(photo.get("file"))
            texts.append(photo.get("caption") or "")
        else:
            uploads.append(photo)
            texts.append(captions[index] if index < len(captions) else "")
    photos, captions = uploads, texts
    errors: dict[str, list] = {}
    text = normalize(notes or "", multiline=True)
    if len(text) > 10_000:
        errors["notes"] = [_("Keep the notes under 10,000 characters.")]
    today = timezone.localdate()
    day = reported_on or today
    if not _is_date(day):
        errors["reported_on"] = [_("Enter a valid date.")]
    elif day > today:
        errors["reported_on"] = [_("The report date cannot be in the future.")]
    elif day < project.start_date:
        errors["reported_on"] = [_("The report date cannot be before the project's start.")]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("Attach at most 10 photos to one report.")]
    if errors:
        raise _invalid(errors)
    # Photos are checked and re-encoded before anything is written; a bad one refuses the report.
    prepared = []
    for index, upload in enumerate(photos):
        try:
            prepared.append(images.prepare(upload))
        except images.ImageRejected as error:
            message = _("Photo %(n)s: %(problem)s") % {"n": index + 1, "problem": error.message}
            raise _invalid({"photos": [message]}) from None
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = project_lock(project)
            if locked.status != ProjectStatus.IN_PROGRESS:
                raise _state_error(locked, _("Report progress"))
            last = ProgressReport.objects.filter(project=locked).aggregate(d=Max("reported_on"))["d"]
            if last is not None and day < last:
                raise _invalid({"reported_on": [_("The report date cannot be before the last report's.")]})
            cleaned = _clean_entries(locked, entries, text, errors)
            if errors:
                raise _invalid(errors)
            for row, value in cleaned:
                row.percent = value
                row.save(update_fields=["percent", "updated_at"])
            _recompute(locked)
            locked.save(update_fields=["physical_progress", "updated_at"])
            report = ProgressReport.objects.create(
                organization_id=locked.organization_id, project=locked, reported_on=day, notes=text,
                physical_progress=locked.physical_progress, reported_by=acting_user)
            ProgressEntry.objects.bulk_create(
                ProgressEntry(organization_id=locked.organization_id, report=report, milestone=row,
                              percent=value)
                for row, value in cleaned)
            photo_rows = []
            for index, image in enumerate(prepared):
                caption = normalize(captions[index] if index < len(captions) else "")[:200]
                photo = ProgressPhoto(organization_id=locked.organization_id, report=report,
                                      original_name=image.original_name, caption=caption, width=image.width,
                                      height=image.height, size=image.size)
                photo.image.save(image.name, image.content(), save=False)
                stored.append(photo.image.name)
                photo.thumbnail.save(image.thumbnail_name, image.thumbnail_content(), save=False)
                stored.append(photo.thumbnail.name)
                photo.save()
                photo_rows.append(photo)
            after = snapshot(report)
            after["entries"] = [{"milestone": row.pk, "percent": str(progress.two_places(value))}
                                for row, value in cleaned]
            after["photos"] = [{"id": p.pk, "name": p.original_name, "size": p.size} for p in photo_rows]
            audit_record(actor=acting_user, action="progress_report.create", obj=report, after=after)
            _tell(locked, [*_officers(locked), *_municipality(locked)],
                  _("Project %(number)s reported %(percent)s%% physical progress.")
                  % {"number": locked.number, "percent": progress.two_places(locked.physical_progress)})
    except BaseException:
        storage = ProgressPhoto._meta.get_field("image").storage
        for name in stored:
            storage.delete(name)
        raise
    project.refresh_from_db()
    return report


# ---------------------------------------------------------------- documents


def _file_error(message) -> InvalidInput:
    return _invalid({"file": [message]})


def _read_document(file) -> tuple[str, bytes, str, str]:
    """(original name, content, content type, stored extension) of an upload that passes the one checked
    reader a need's attachments pass too (hamyar.core.files.read_checked)."""
    try:
        checked = read_checked(file)
    except FileRejected as error:
        raise _file_error(error.message) from None
    return checked.name, checked.data, checked.content_type, checked.extension


def project_document_add(*, project: Project, acting_user, kind: str, file,
                         title: str = "") -> ProjectDocument:
    """File a document on the project's record: officers, or the executing provider's project manager
    (a provider-bound user sees only its provider's projects), from planning to completed.

    The file passes the same checks as a need's attachment (its kind read from its bytes); it is
    stored under a random name and served only through a scoped view. An empty title takes the file's
    name. A refusal writes nothing and leaves no stored file.
    """
    _authorize(project, acting_user, WORKERS)
    errors: dict[str, list] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    text = normalize(title or "")
    if len(text) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    if errors:
        raise _invalid(errors)
    if project.status not in DOCUMENT_STATUSES:
        raise ApplicationError(_("The project is closed; its documents no longer change."),
                               code="project_state")
    name, data, content_type, extension = _read_document(file)
    original = normalize(name)[:200] or "file"
    document = ProjectDocument(
        organization_id=project.organization_id, project=project, kind=kind,
        title=text or os.path.splitext(original)[0][:200] or original, original_name=original,
        content_type=content_type, size=len(data), uploaded_by=acting_user)
    document.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            locked = project_lock(project)
            if locked.status not in DOCUMENT_STATUSES:
                raise ApplicationError(_("The project is closed; its documents no longer change."),
                                       code="project_state")
            document.project = locked
            document.save()
            audit_record(actor=acting_user, action="project_document.add", obj=document,
                         after=snapshot(document))
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def project_document_remove(*, document: ProjectDocument, acting_user) -> None:
    """An officer takes a document off the record while the project is open; the stored file goes once
    the removal is committed, and the history keeps who removed what."""
    _authorize(document.project, acting_user, OFFICERS)
    with transaction.atomic():
        locked = project_lock(document.project)
        if locked.status not in DOCUMENT_STATUSES:
            raise ApplicationError(_("The project is closed; its documents no longer change."),
                                   code="project_state")
        row = ProjectDocument.objects.select_for_update().filter(pk=document.pk, project=locked).first()
        if row is None:
            raise NotFound()
        stored = row.file.name
        audit_record(actor=acting_user, action="project_document.remove", obj=row, before=snapshot(row))
        row.delete()
        storage = ProjectDocument._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))


# ---------------------------------------------------------------- change orders


def change_limit(project: Project) -> int:
    """The most the approved amount changes may add up to, either way (25% of the contract amount)."""
    return project.contract_amount * CHANGE_LIMIT_PERCENT // 100


def approved_change_total(project: Project, *, exclude: ChangeOrder | None = None) -> int:
    rows = ChangeOrder.objects.filter(project=project, status=ChangeOrderStatus.APPROVED)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return int(rows.aggregate(s=Sum("amount_change"))["s"] or 0)


def within_limit(project: Project, total_change: int) -> bool:
    """|Σ approved amount changes| ≤ 25% of the contract amount, compared exactly in integers."""
    return abs(total_change) * 100 <= project.contract_amount * CHANGE_LIMIT_PERCENT


def change_order_propose(*, project: Project, acting_user, reason: str, description: str = "",
                         amount_change: int = 0, new_end_date: dt.date | None = None) -> ChangeOrder:
    """An officer or the executing provider proposes a change of scope, amount or end date, with its
    reason; officers are told, and executives too when it would take the total beyond ±25%."""
    _authorize(project, acting_user, WORKERS)
    errors: dict[str, list] = {}
    text = _reason(reason)
    scope_text = normalize(description or "", multiline=True)
    if len(scope_text) > 10_000:
        errors["description"] = [_("Keep the description under 10,000 characters.")]
    change = _amount(amount_change, "amount_change", errors, negative=True)
    if new_end_date is not None and not _is_date(new_end_date):
        errors["new_end_date"] = [_("Enter a valid date.")]
    if not errors and not scope_text and not change and new_end_date is None:
        errors["description"] = [_("Describe the change: its scope, its amount or its new end date.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        locked = project_lock(project)
        if locked.status not in CHANGEABLE:
            raise _state_error(locked, _("Propose a change order"))
        if new_end_date is not None and new_end_date < locked.start_date:
            raise _invalid({"new_end_date": [_("The new end date cannot be before the project's start.")]})
        if change and locked.current_amount + change < 0:
            raise _invalid({"amount_change": [_("The amount in force cannot go below zero.")]})
        number = (ChangeOrder.objects.filter(project=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        order = ChangeOrder.objects.create(
            organization_id=locked.organization_id, project=locked, number=number, description=scope_text,
            amount_change=change, new_end_date=new_end_date, reason=text, requested_by=acting_user)
        audit_record(actor=acting_user, action="change_order.propose", obj=order, after=snapshot(order))
        recipients = _officers(locked)
        if not within_limit(locked, approved_change_total(locked) + change):
            recipients += _people(locked, Role.EXECUTIVE)
        _tell(locked, [u for u in recipients if u.pk != acting_user.pk],
              _("Change order %(number)s/%(n)s waits for a decision.")
              % {"number": locked.number, "n": number}, body=text)
    return order


def _decidable(order: ChangeOrder, acting_user) -> tuple[Membership, Project, ChangeOrder]:
    membership = _authorize(order.project, acting_user, DECIDERS)
    locked = project_lock(order.project)
    row = ChangeOrder.objects.select_for_update().get(pk=order.pk)
    if row.status != ChangeOrderStatus.PROPOSED:
        raise ApplicationError(_("The change order is “%(status)s”; it was already decided.")
                               % {"status": row.get_status_display()}, code="change_order_state")
    if locked.status not in CHANGEABLE:
        raise _state_error(locked, _("Decide a change order"))
    return membership, locked, row


def change_order_approve(*, change_order: ChangeOrder, acting_user, decision_note: str = "",
                         beyond_limit: bool = False) -> ChangeOrder:
    """Approve a change order: the amount in force and the end date follow.

    The approved amount changes, this one included, must stay within ±25% of the contract amount;
    beyond it only an executive approves, saying so (`beyond_limit`) with the reason in the note.
    """
    with transaction.atomic():
        membership, locked, row = _decidable(change_order, acting_user)
        note = normalize(decision_note or "", multiline=True)
        if len(note) > 2000:
            raise _invalid({"decision_note": [_("Keep the note under 2,000 characters.")]})
        total = approved_change_total(locked) + row.amount_change
        over = not within_limit(locked, total)
        if over:
            percent = (progress.two_places(Decimal(total) * 100 / locked.contract_amount)
                       if locked.contract_amount else "∞")
            if membership.role != Role.EXECUTIVE:
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
                raise _invalid({"decision_note": [
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
        before = snapshot(row)
        row.status = ChangeOrderStatus.APPROVED
        row.decided_by = acting_user
        row.decided_at = timezone.now()
        row.decision_note = note
        row.beyond_limit = over
        row.save()
        locked.current_amount = new_amount
        if row.new_end_date is not None:
            locked.end_date = row.new_end_date
        locked.save(update_fields=["current_amount", "end_date", "updated_at"])
        after = snapshot(row)
        after["project_current_amount"] = locked.current_amount
        after["project_end_date"] = locked.end_date.isoformat()
        audit_record(actor=acting_user, action="change_order.approve", obj=row, before=before, after=after)
        _tell(locked, [row.requested_by, *_managers(locked), *_municipality(locked)],
              _("Change order %(number)s/%(n)s was approved.") % {"number": locked.number, "n": row.number},
              body=note)
    change_order.refresh_from_db()
    return row


def change_order_reject(*, change_order: ChangeOrder, acting_user, decision_note: str) -> ChangeOrder:
    """Turn a change order down, with the reason the requester reads."""
    _authorize(change_order.project, acting_user, DECIDERS)
    note = _reason(decision_note, field="decision_note")
    with transaction.atomic():
        _membership, locked, row = _decidable(change_order, acting_user)
        before = snapshot(row)
        row.status = ChangeOrderStatus.REJECTED
        row.decided_by = acting_user
        row.decided_at = timezone.now()
        row.decision_note = note
        row.save()
        audit_record(actor=acting_user, action="change_order.reject", obj=row, before=before,
                     after=snapshot(row))
        _tell(locked, [row.requested_by],
              _("Change order %(number)s/%(n)s was rejected.") % {"number": locked.number, "n": row.number},
              body=note)
    change_order.refresh_from_db()
    return row
