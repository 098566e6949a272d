"""A project's record: written down by an officer (or made from an approved project need) and corrected
while it is in planning; its lifecycle is in `lifecycle.py`."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, NotFound
from hamyar.core.numbering import next_number
from hamyar.core.scoping import require_role
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, Provider, ServiceDomain
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.needs.models import Need

from ..choices import EXECUTING_KINDS, OFFICERS, ProjectStatus
from ..models import Milestone, Project
from ..selectors import executing_candidates
from .common import MAX_YEARS, clean_amount, invalid, is_date, locked_for, managers, shown_on, tell


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
    unknown = set(changes) - _PROJECT_FIELDS
    if unknown:
        raise TypeError(f"project_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked, membership = locked_for(project, acting_user, OFFICERS)
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
    return shown_on(project, locked)


__all__ = [
    "project_create",
    "project_from_need",
    "project_update",
]
