"""A project's record and lifecycle: written down (or made from a need), corrected in planning,
then contracted, started, suspended, resumed, completed, handed over or terminated."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, NotFound
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, Provider, ServiceDomain
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.needs.models import Need

from .. import progress
from ..choices import EXECUTING_KINDS, OFFICERS, SIGNERS, TRANSITIONS, MilestoneStatus, ProjectStatus
from ..models import Milestone, Project
from ..selectors import executing_candidates
from .common import (
    HUNDRED,
    MAX_YEARS,
    authorize,
    clean_amount,
    clean_reason,
    invalid,
    is_date,
    managers,
    municipality_users,
    officers,
    project_lock,
    refreshed,
    state_error,
    tell,
)


def _check_provider(provider: Any, organization_id: int, errors: dict[str, list]) -> Provider | None:
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

    def value(name: str) -> Any:
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

    amount = clean_amount(value("contract_amount"), "contract_amount", errors)
    cleaned["contract_amount"] = amount

    start, end = value("start_date"), value("end_date")
    if not is_date(start):
        errors["start_date"] = [_("Give the start date.")]
    if not is_date(end):
        errors["end_date"] = [_("Give the end date.")]
    elif is_date(start):
        if end < start:
            errors["end_date"] = [_("The end date cannot be before the start date.")]
        elif (end - start).days > 366 * MAX_YEARS:
            errors["end_date"] = [_("A project lasts at most 15 years.")]
    cleaned["start_date"], cleaned["end_date"] = start, end
    if errors:
        raise invalid(errors)
    return cleaned


def _check_milestones_fit(project: Project, errors: dict[str, list]) -> None:
    """The milestones stay within the project's dates and amount (after the project changed)."""
    rows = list(Milestone.objects.filter(project=project))
    if any(m.planned_start < project.start_date or m.due_date > project.end_date for m in rows):
        errors.setdefault("end_date", [
            _("A milestone falls outside these dates; change the milestone first.")])
    if sum(m.amount for m in rows) > project.current_amount:
        errors.setdefault("contract_amount", [
            _("The milestones' amounts add up to more than the project's amount.")])


def project_create(*, acting_user: User, title: str, municipality: Municipality, domain: ServiceDomain,
                   contract_amount: int, start_date: dt.date, end_date: dt.date,
                   site: MunicipalAsset | None = None, provider: Provider | None = None,
                   description: str = "") -> Project:
    """An officer writes down a project in planning; without a provider the best match is taken."""
    return _create(acting_user=acting_user, title=title, municipality=municipality, domain=domain,
                   contract_amount=contract_amount, start_date=start_date, end_date=end_date, site=site,
                   provider=provider, description=description, need=None)


def _create(*, acting_user: User, need: Need | None, **values: Any) -> Project:
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
                     after=snapshot(project))
        tell(project, managers(project),
              _("Project %(number)s at %(municipality)s was given to you to carry out.")
              % {"number": project.number, "municipality": project.municipality.name})
    return project


def project_from_need(*, need: Need, acting_user: User, contract_amount: int | None = None,
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


def project_update(*, project: Project, acting_user: User, **changes: Any) -> Project:
    """An officer corrects a project still in planning (the amount in force follows the contract amount)."""
    membership = authorize(project, acting_user, OFFICERS)
    unknown = set(changes) - _PROJECT_FIELDS
    if unknown:
        raise TypeError(f"project_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = project_lock(project)
        if locked.status != ProjectStatus.PLANNING:
            raise ApplicationError(_("Only a project in planning can be changed; use a change order."),
                                   code="project_state")
        before = snapshot(locked)
        cleaned = _clean_project(membership, changes, existing=locked)
        for key, value in cleaned.items():
            setattr(locked, key, value)
        locked.current_amount = locked.contract_amount
        errors: dict[str, list] = {}
        _check_milestones_fit(locked, errors)
        if errors:
            raise invalid(errors)
        locked.save()
        audit_record(actor=acting_user, action="project.update", obj=locked, before=before,
                     after=snapshot(locked))
    return refreshed(project, locked)


def _weights_complete(project: Project) -> None:
    total = Milestone.objects.filter(project=project).aggregate(w=Sum("weight"))["w"] or Decimal(0)
    if total != HUNDRED:
        raise ApplicationError(
            _("The milestones' weights add up to %(total)s%%; they must add up to 100%% first.")
            % {"total": progress.two_places(total)}, code="weights_incomplete")


# ---------------------------------------------------------------- the lifecycle


def _move(project: Project, acting_user: User, roles: frozenset[Role], target: ProjectStatus,
          label: str | Promise) -> tuple[Project, dict]:
    """Check the actor, lock the project, check the move against the table: the locked project, its before."""
    authorize(project, acting_user, roles)
    locked = project_lock(project)
    if target not in TRANSITIONS[locked.status]:
        raise state_error(locked, label)
    return locked, snapshot(locked)


def _finish(locked: Project, acting_user: User, target: ProjectStatus, action: str, before: dict) -> None:
    locked.status = target
    locked.save()
    audit_record(actor=acting_user, action=f"project.{action}", obj=locked, before=before,
                 after=snapshot(locked))


def project_contract(*, project: Project, acting_user: User) -> Project:
    """Planning → contracted: the milestones' weights add up to 100 and their amounts fit the contract."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.CONTRACTED, _("Contract"))
        _weights_complete(locked)
        locked.contracted_at = timezone.now()
        _finish(locked, acting_user, ProjectStatus.CONTRACTED, "contract", before)
        tell(locked, [*managers(locked), *municipality_users(locked)],
              _("Project %(number)s was contracted.") % {"number": locked.number})
    return refreshed(project, locked)


def project_start(*, project: Project, acting_user: User) -> Project:
    """Contracted → in progress."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.IN_PROGRESS, _("Start"))
        if locked.status != ProjectStatus.CONTRACTED:
            raise state_error(locked, _("Start"))
        _weights_complete(locked)
        locked.started_at = timezone.now()
        _finish(locked, acting_user, ProjectStatus.IN_PROGRESS, "start", before)
        tell(locked, [*managers(locked), *municipality_users(locked)],
              _("Work on project %(number)s has started.") % {"number": locked.number})
    return refreshed(project, locked)


def project_suspend(*, project: Project, acting_user: User, reason: str) -> Project:
    """In progress → suspended, with the reason everyone reads."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.SUSPENDED, _("Suspend"))
        text = locked.reason = clean_reason(reason)
        _finish(locked, acting_user, ProjectStatus.SUSPENDED, "suspend", before)
        tell(locked, [*managers(locked), *municipality_users(locked)],
              _("Project %(number)s was suspended.") % {"number": locked.number}, body=text)
    return refreshed(project, locked)


def project_resume(*, project: Project, acting_user: User) -> Project:
    """Suspended → in progress."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.IN_PROGRESS, _("Resume"))
        if locked.status != ProjectStatus.SUSPENDED:
            raise state_error(locked, _("Resume"))
        locked.reason = ""
        _finish(locked, acting_user, ProjectStatus.IN_PROGRESS, "resume", before)
        tell(locked, [*managers(locked), *municipality_users(locked)],
              _("Work on project %(number)s has resumed.") % {"number": locked.number})
    return refreshed(project, locked)


def project_complete(*, project: Project, acting_user: User) -> Project:
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
        tell(locked, municipality_users(locked),
              _("Project %(number)s is completed and waits for your sign-off.") % {"number": locked.number})
    return refreshed(project, locked)


def project_hand_over(*, project: Project, acting_user: User) -> Project:
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
        tell(locked, [*officers(locked), *managers(locked)],
              _("Project %(number)s was handed over to %(municipality)s.")
              % {"number": locked.number, "municipality": locked.municipality.name})
    return refreshed(project, locked)


def project_terminate(*, project: Project, acting_user: User, reason: str) -> Project:
    """Any running state → terminated, with the reason."""
    with transaction.atomic():
        locked, before = _move(project, acting_user, OFFICERS, ProjectStatus.TERMINATED, _("Terminate"))
        text = locked.reason = clean_reason(reason)
        _finish(locked, acting_user, ProjectStatus.TERMINATED, "terminate", before)
        tell(locked, [*managers(locked), *municipality_users(locked)],
              _("Project %(number)s was terminated.") % {"number": locked.number}, body=text)
    return refreshed(project, locked)


__all__ = [
    "project_complete",
    "project_contract",
    "project_create",
    "project_from_need",
    "project_hand_over",
    "project_resume",
    "project_start",
    "project_suspend",
    "project_terminate",
    "project_update",
]
