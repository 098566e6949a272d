"""Every write to needs: creation, the lifecycle's transitions, attachments, assignment, service levels.

Each transition checks that the actor may see the need (404 otherwise) and that its role may take
the step (403), locks the need, checks the current state against `choices.TRANSITIONS` (409),
writes the new state and exactly one AuditEvent in one transaction, and notifies whoever the need
now waits for. A refusal writes nothing.
"""

import datetime as dt
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership
from hamyar.accounts.services import notification_recipients, notify
from hamyar.catalog.models import CatalogItem
from hamyar.catalog.selectors import item_base_queryset
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound
from hamyar.core.numbering import next_number
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, Provider, ServiceDomain

from . import files
from .choices import OPEN_STATUSES, TRANSITIONS, AssignmentKind, NeedKind, NeedStatus, Transition
from .matching import assigned_provider_ids, rank_providers
from .models import Assignment, Need, NeedAttachment, NeedLine, ServiceLevel

# Who may take each step (besides seeing the need). Officers act for the organization; a
# municipality user for its own municipality; an officer may also write a need on its behalf.
OFFICERS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER)
AUTHORS = (Role.MUNICIPALITY_USER, *OFFICERS)
TRANSITION_ROLES: dict[str, tuple[Role, ...]] = {
    Transition.SUBMIT: AUTHORS,
    Transition.TRIAGE: OFFICERS,
    Transition.ASSIGN: OFFICERS,
    Transition.REQUEST_COMPETING: OFFICERS,
    Transition.REJECT: OFFICERS,
    Transition.CANCEL: (Role.MUNICIPALITY_USER,),
    Transition.MARK_GAP: OFFICERS,
}
SERVICE_LEVEL_EDITORS = (Role.ORG_ADMIN,)

MAX_LINES = 200
MAX_QUANTITY = 10_000_000
MAX_BUDGET = 10**15
MAX_COMPETING = 10
MAX_SERVICE_HOURS = 24 * 365

# The transitions commerce drives as a need's quotation and order move on, and the clock each stops.
_COMMERCE_STEPS = {
    NeedStatus.QUOTED: ({NeedStatus.ASSIGNED, NeedStatus.QUOTED}, "first_quoted_at"),
    NeedStatus.APPROVED: ({NeedStatus.QUOTED}, "approved_at"),
    NeedStatus.FULFILLED: ({NeedStatus.APPROVED}, "closed_at"),
}


def need_lock(need: Need) -> Need:
    """The need re-read under a row lock (PostgreSQL); SQLite serializes writers already."""
    return Need.objects.select_for_update().get(pk=need.pk)


def need_record_commerce_step(*, need: Need, status: NeedStatus, acting_user) -> Need:
    """Move a need to quoted / approved / fulfilled as its quotation or order does (commerce calls this).

    Quoting an already quoted need (a revision) changes nothing and writes no event; the clock
    of the first quotation is stamped once.
    """
    allowed_from, clock = _COMMERCE_STEPS[status]
    with transaction.atomic():
        locked = need_lock(need)
        if locked.status == status:
            return locked
        if locked.status not in allowed_from:
            raise ApplicationError(
                _("The need is %(status)s; it cannot become %(target)s now.")
                % {"status": locked.get_status_display(), "target": NeedStatus(status).label},
                code="need_state",
            )
        before = snapshot(locked)
        locked.status = status
        if getattr(locked, clock) is None:
            setattr(locked, clock, timezone.now())
        locked.save()
        audit_record(actor=acting_user, action=f"need.{status}", obj=locked, before=before,
                     after=snapshot(locked))
    need.refresh_from_db()
    return locked


# ---------------------------------------------------------------- helpers


def _url(need: Need) -> str:
    return reverse("needs:need_detail", args=[need.pk])


def _officers(organization_id: int):
    return notification_recipients(organization_id=organization_id, roles=[Role.COMMERCE_OFFICER])


def _municipality_users(need: Need):
    return notification_recipients(organization_id=need.organization_id, roles=[Role.MUNICIPALITY_USER],
                                   municipality_id=need.municipality_id)


def _provider_users(organization_id: int, provider_id: int):
    return notification_recipients(organization_id=organization_id, roles=list(PROVIDER_ROLES),
                                   provider_id=provider_id)


def _invalid(fields: dict[str, list]) -> InvalidInput:
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, extra={"fields": {k: [str(m) for m in v] for k, v in fields.items()}})


def _authorize(need: Need, acting_user, roles) -> Membership:
    """Outside the actor's scope is 404; inside it, a role not among `roles` is 403."""
    if not in_scope(need, acting_user):
        raise NotFound()
    return require_role(acting_user, *roles)


def _state_error(need: Need, transition: str) -> ApplicationError:
    return ApplicationError(
        _("The need is “%(status)s”; “%(action)s” is not allowed now.")
        % {"status": need.get_status_display(), "action": Transition(transition).label},
        code="need_state",
    )


def _start(need: Need, acting_user, transition: str) -> tuple[Need, dict]:
    """Check the actor, lock the need, check its state: the locked need and its snapshot."""
    _authorize(need, acting_user, TRANSITION_ROLES[transition])
    locked = need_lock(need)
    if locked.status not in TRANSITIONS[transition][0]:
        raise _state_error(locked, transition)
    return locked, _need_snapshot(locked)


def _finish(locked: Need, acting_user, transition: str, before: dict) -> None:
    locked.status = TRANSITIONS[transition][1]
    locked.save()
    audit_record(actor=acting_user, action=f"need.{transition}", obj=locked, before=before,
                 after=_need_snapshot(locked))


def _need_snapshot(need: Need) -> dict:
    data = snapshot(need)
    data["lines"] = [
        {"item": line.item_id, "description": line.description, "quantity": line.quantity, "unit": line.unit}
        for line in NeedLine.objects.filter(need_id=need.pk).order_by("pk")
    ] if need.pk else []
    return data


def _done(need: Need, locked: Need) -> Need:
    need.refresh_from_db()
    return locked


def _reason(reason: str | None, *, required: bool = True) -> str:
    text = normalize(reason or "", multiline=True)
    if required and not text:
        raise _invalid({"reason": [_("Write the reason; the municipality will read it.")]})
    if len(text) > 2000:
        raise _invalid({"reason": [_("Keep the reason under 2,000 characters.")]})
    return text


# ---------------------------------------------------------------- writing a need


def offered_items(acting_user):
    """The catalog items a need may name: what the municipality is offered today (active, and
    for a represented supplier only while its agency agreement is in force)."""
    return item_base_queryset(user=acting_user).filter(is_offered=True, is_active=True)


def _clean(acting_user, membership: Membership, values: dict[str, Any], *, existing: Need | None = None
           ) -> tuple[dict[str, Any], list[dict] | None]:
    """The need's fields and lines, checked; InvalidInput with a message per field otherwise."""
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}

    # The municipality: a municipality user's own; an officer names the one it writes for.
    municipality = values.get("municipality", existing.municipality if existing else None)
    if membership.role == Role.MUNICIPALITY_USER:
        if municipality is not None and municipality.pk != membership.municipality_id:
            errors["municipality"] = [_("You can write needs only for your own municipality.")]
        municipality = membership.municipality
    elif municipality is None or not isinstance(municipality, Municipality) or not in_scope(municipality,
                                                                                          acting_user):
        errors["municipality"] = [_("Choose the municipality the need is for.")]
        municipality = None
    cleaned["municipality"] = municipality

    kind = values.get("kind", existing.kind if existing else None)
    if kind not in NeedKind.values:
        errors["kind"] = [_("Choose what is needed: goods, a service or a project.")]
    cleaned["kind"] = kind

    title = normalize(values.get("title", existing.title if existing else ""))
    if not title:
        errors["title"] = [_("Give the need a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    cleaned["title"] = title

    description = normalize(values.get("description", existing.description if existing else ""),
                            multiline=True)
    if kind in (NeedKind.SERVICE, NeedKind.PROJECT) and not description:
        errors["description"] = [_("Describe the service or project: what, where and how much.")]
    elif len(description) > 10_000:
        errors["description"] = [_("Keep the description under 10,000 characters.")]
    cleaned["description"] = description

    site = values.get("site", existing.site if existing else None)
    if site is not None and (not isinstance(site, MunicipalAsset) or municipality is None
                             or site.municipality_id != municipality.pk):
        errors["site"] = [_("The site must be one of the municipality's own assets.")]
    elif site is None and kind == NeedKind.PROJECT:
        errors["site"] = [_("Choose the site of the project among the municipality's assets.")]
    cleaned["site"] = site

    budget = values.get("budget_estimate", existing.budget_estimate if existing else None)
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)
                               or not 0 <= budget <= MAX_BUDGET):
        errors["budget_estimate"] = [_("The budget estimate is a whole number of Rial, zero or more.")]
    elif budget is None and kind == NeedKind.PROJECT:
        errors["budget_estimate"] = [_("Give the project's budget estimate in Rial.")]
    cleaned["budget_estimate"] = budget

    desired = values.get("desired_date", existing.desired_date if existing else None)
    if desired is not None and (not isinstance(desired, dt.date) or desired < timezone.localdate()):
        errors["desired_date"] = [_("The desired date must not be in the past.")]
    elif desired is None and kind == NeedKind.PROJECT:
        errors["desired_date"] = [_("Give the date the project should be done by.")]
    cleaned["desired_date"] = desired

    lines = None
    if "lines" in values or existing is None:
        lines = _clean_lines(acting_user, values.get("lines") or [], kind, errors)
    elif kind == NeedKind.PROJECT and existing.lines.exists():
        errors["lines"] = [_("A project is described in words; it has no catalog lines.")]
    elif kind == NeedKind.GOODS and not existing.lines.exists():
        errors["lines"] = [_("Add at least one item from the catalog, with its quantity.")]

    domain = values.get("domain", existing.domain if existing else None)
    if domain is None and kind == NeedKind.GOODS and lines:
        domain = lines[0]["item"].domain
    if domain is None or not isinstance(domain, ServiceDomain) or not in_scope(domain, acting_user):
        errors["domain"] = [_("Choose the service domain of the need.")]
    cleaned["domain"] = domain

    if errors:
        raise _invalid(errors)
    return cleaned, lines


def _clean_lines(acting_user, raw: list, kind: str | None, errors: dict) -> list[dict]:
    if kind == NeedKind.PROJECT:
        if raw:
            errors["lines"] = [_("A project is described in words; it has no catalog lines.")]
        return []
    if kind == NeedKind.GOODS and not raw:
        errors["lines"] = [_("Add at least one item from the catalog, with its quantity.")]
        return []
    if len(raw) > MAX_LINES:
        errors["lines"] = [_("A need has at most 200 lines.")]
        return []
    items = {i.pk: i for i in offered_items(acting_user).filter(
        pk__in=[line.get("item").pk for line in raw if isinstance(line.get("item"), CatalogItem)])}
    cleaned, seen = [], set()
    for line in raw:
        item, quantity = line.get("item"), line.get("quantity")
        if not isinstance(item, CatalogItem) or item.pk not in items:
            errors["lines"] = [_("Choose items from the catalog the organization offers you today.")]
            return []
        if item.pk in seen:
            errors["lines"] = [_("“%(item)s” is listed twice; give it one line with the total quantity.")
                               % {"item": item.name}]
            return []
        seen.add(item.pk)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            errors["lines"] = [_("Each quantity is a whole number from 1 to 10,000,000.")]
            return []
        cleaned.append({"item": items[item.pk], "quantity": quantity,
                        "description": normalize(line.get("description") or "")[:300] or items[item.pk].name})
    return cleaned


def _write_lines(need: Need, lines: list[dict]) -> None:
    NeedLine.objects.filter(need=need).delete()
    NeedLine.objects.bulk_create(
        NeedLine(organization_id=need.organization_id, need=need, item=line["item"],
                 description=line["description"], quantity=line["quantity"], unit=line["item"].unit)
        for line in lines
    )


def need_create(*, acting_user, kind: str, title: str, municipality: Municipality | None = None,
                domain: ServiceDomain | None = None, description: str = "",
                site: MunicipalAsset | None = None,
                budget_estimate: int | None = None, desired_date: dt.date | None = None,
                lines: list[dict] | None = None) -> Need:
    """A draft need: goods (catalog lines with quantities), a service, or a project on one of the
    municipality's assets. `lines` are {"item": CatalogItem, "quantity": int}."""
    membership = require_role(acting_user, *AUTHORS)
    values = {"municipality": municipality, "kind": kind, "title": title, "domain": domain,
              "description": description, "site": site, "budget_estimate": budget_estimate,
              "desired_date": desired_date, "lines": lines or []}
    cleaned, clean_lines = _clean(acting_user, membership, values)
    with transaction.atomic():
        need = Need(organization_id=membership.organization_id, created_by=acting_user,
                    number=next_number(membership.organization_id, "N"), status=NeedStatus.DRAFT, **cleaned)
        need.save()
        _write_lines(need, clean_lines or [])
        audit_record(actor=acting_user, action="need.create", obj=need, after=_need_snapshot(need))
    return need


def need_update(*, need: Need, acting_user, **changes: Any) -> Need:
    """Change a draft; `lines`, when given, replaces every line. Only a draft can change."""
    membership = _authorize(need, acting_user, AUTHORS)
    allowed = {"municipality", "kind", "title", "domain", "description", "site", "budget_estimate",
               "desired_date", "lines"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"need_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = need_lock(need)
        if locked.status != NeedStatus.DRAFT:
            raise ApplicationError(_("Only a draft can be changed; this need was already submitted."),
                                   code="need_state")
        before = _need_snapshot(locked)
        cleaned, lines = _clean(acting_user, membership, changes, existing=locked)
        for key, value in cleaned.items():
            setattr(locked, key, value)
        locked.save()
        if lines is not None:
            _write_lines(locked, lines)
        audit_record(actor=acting_user, action="need.update", obj=locked, before=before,
                     after=_need_snapshot(locked))
    return _done(need, locked)


# ---------------------------------------------------------------- attachments


def need_attachment_add(*, need: Need, acting_user, file) -> NeedAttachment:
    """Attach a file while the need is open: its kind is read from its bytes, must match its name and the
    accepted types, and the file must open whole (hamyar.core.files.read_checked); it is stored under a
    random name and served only through a scoped view."""
    _authorize(need, acting_user, AUTHORS)
    if need.status not in OPEN_STATUSES:
        raise ApplicationError(_("Files can be attached only while the need is open."), code="need_state")
    try:
        checked = files.read_checked(file)
    except files.FileRejected as error:
        raise _file_error(error.message) from None
    attachment = NeedAttachment(organization_id=need.organization_id, need=need, uploaded_by=acting_user,
                                original_name=normalize(checked.name)[:200] or "file",
                                content_type=checked.content_type, size=len(checked.data))
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            locked = need_lock(need)
            if locked.status not in OPEN_STATUSES:
                raise ApplicationError(_("Files can be attached only while the need is open."),
                                       code="need_state")
            attachment.save()
            audit_record(actor=acting_user, action="need_attachment.add", obj=attachment,
                         after=snapshot(attachment))
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def _file_error(message) -> InvalidInput:
    return _invalid({"file": [message]})


def need_attachment_remove(*, attachment: NeedAttachment, acting_user) -> None:
    """Remove a file from a draft; the stored file goes once the removal is committed."""
    need = attachment.need
    _authorize(need, acting_user, AUTHORS)
    with transaction.atomic():
        locked = need_lock(need)
        if locked.status != NeedStatus.DRAFT:
            raise ApplicationError(_("Files can be removed only from a draft."), code="need_state")
        before = snapshot(attachment)
        stored = attachment.file.name
        audit_record(actor=acting_user, action="need_attachment.remove", obj=attachment, before=before)
        attachment.delete()
        storage = NeedAttachment._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))


# ---------------------------------------------------------------- transitions


def need_submit(*, need: Need, acting_user) -> Need:
    """The municipality (or an officer for it) sends the draft to the organization; officers are told."""
    with transaction.atomic():
        locked, before = _start(need, acting_user, Transition.SUBMIT)
        if locked.kind == NeedKind.GOODS and not locked.lines.exists():
            raise _invalid({"lines": [_("Add at least one item from the catalog, with its quantity.")]})
        if locked.desired_date is not None and locked.desired_date < timezone.localdate():
            raise _invalid({"desired_date": [_("The desired date has passed; change it before submitting.")]})
        locked.submitted_at = timezone.now()
        _finish(locked, acting_user, Transition.SUBMIT, before)
        notify(organization_id=locked.organization_id, recipients=_officers(locked.organization_id),
               subject=_("New need %(number)s from %(municipality)s waits for triage.")
               % {"number": locked.number, "municipality": locked.municipality.name}, url=_url(locked))
    return _done(need, locked)


def need_triage(*, need: Need, acting_user, domain: ServiceDomain | None = None) -> Need:
    """An officer accepts the submitted need for matching, correcting its domain if it was misfiled."""
    with transaction.atomic():
        locked, before = _start(need, acting_user, Transition.TRIAGE)
        if domain is not None:
            if not isinstance(domain, ServiceDomain) or domain.organization_id != locked.organization_id:
                raise _invalid({"domain": [_("Choose the service domain of the need.")]})
            locked.domain = domain
        locked.triaged_at = timezone.now()
        _finish(locked, acting_user, Transition.TRIAGE, before)
    return _done(need, locked)


def _assignment(locked: Need, candidate, kind: str, acting_user, reason: str = "") -> Assignment:
    return Assignment(
        organization_id=locked.organization_id, need=locked, provider=candidate.provider, kind=kind,
        rank=candidate.rank, score=candidate.score, breakdown=candidate.breakdown, reason=reason,
        assigned_by=acting_user,
    )


def need_assign(*, need: Need, acting_user, provider: Provider | None = None, reason: str = "") -> Need:
    """An officer gives the triaged need to a provider of the ranking (the top match when none is named).

    The ranking is taken again under the need's lock and stored with the assignment. Two officers
    at once: the second finds the need assigned and is refused (409).
    """
    with transaction.atomic():
        locked, before = _start(need, acting_user, Transition.ASSIGN)
        ranking = rank_providers(locked)
        if provider is None:
            chosen = ranking.top
            if chosen is None:
                raise ApplicationError(
                    _("No provider can serve this need; mark it as a capability gap."), code="no_match")
        else:
            chosen = ranking.candidate(provider.pk)
            if chosen is None:
                excluded = ranking.exclusion(provider.pk)
                message = excluded.reason if excluded else _(
                    "This provider has no capability in the need's domain.")
                raise _invalid({"provider": [message]})
        try:
            with transaction.atomic():
                _assignment(locked, chosen, AssignmentKind.PRIMARY, acting_user,
                            _reason(reason, required=False)).save()
        except IntegrityError:
            raise ApplicationError(_("The need was assigned meanwhile."), code="need_state") from None
        locked.provider = chosen.provider
        locked.assigned_at = timezone.now()
        _finish(locked, acting_user, Transition.ASSIGN, before)
        notify(organization_id=locked.organization_id,
               recipients=_provider_users(locked.organization_id, chosen.provider.pk),
               subject=_("Need %(number)s of %(municipality)s was assigned to you; prepare its quotation.")
               % {"number": locked.number, "municipality": locked.municipality.name}, url=_url(locked))
    return _done(need, locked)


def need_request_competing(*, need: Need, acting_user, count: int = 3) -> Need:
    """An officer asks the top `count` matches not yet asked for competing quotations."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COMPETING:
        raise _invalid({"count": [_("Ask between 1 and 10 providers.")]})
    with transaction.atomic():
        locked, before = _start(need, acting_user, Transition.REQUEST_COMPETING)
        taken = assigned_provider_ids(locked)
        chosen = [c for c in rank_providers(locked).candidates if c.provider.pk not in taken][:count]
        if not chosen:
            raise ApplicationError(_("No other provider can serve this need."), code="no_match")
        Assignment.objects.bulk_create(
            _assignment(locked, c, AssignmentKind.COMPETING, acting_user) for c in chosen)
        if locked.assigned_at is None:
            locked.assigned_at = timezone.now()
        _finish(locked, acting_user, Transition.REQUEST_COMPETING, before)
        for candidate in chosen:
            notify(organization_id=locked.organization_id,
                   recipients=_provider_users(locked.organization_id, candidate.provider.pk),
                   subject=_("You are asked for a competing quotation for need %(number)s.")
                   % {"number": locked.number}, url=_url(locked))
    return _done(need, locked)


def need_reject(*, need: Need, acting_user, reason: str) -> Need:
    """An officer turns the need down, with the reason the municipality is told."""
    with transaction.atomic():
        locked, before = _start(need, acting_user, Transition.REJECT)
        locked.reason = _reason(reason)
        locked.closed_at = timezone.now()
        _finish(locked, acting_user, Transition.REJECT, before)
        notify(organization_id=locked.organization_id, recipients=_municipality_users(locked),
               subject=_("Need %(number)s was rejected.") % {"number": locked.number},
               body=locked.reason, url=_url(locked))
    return _done(need, locked)


def need_cancel(*, need: Need, acting_user, reason: str) -> Need:
    """The municipality withdraws its need while it is open; officers and asked providers are told."""
    with transaction.atomic():
        locked, before = _start(need, acting_user, Transition.CANCEL)
        locked.reason = _reason(reason)
        locked.closed_at = timezone.now()
        was_draft = before["status"] == NeedStatus.DRAFT
        _finish(locked, acting_user, Transition.CANCEL, before)
        if not was_draft:
            recipients = list(_officers(locked.organization_id))
            for provider_id in assigned_provider_ids(locked):
                recipients += _provider_users(locked.organization_id, provider_id)
            notify(organization_id=locked.organization_id, recipients=recipients,
                   subject=_("Need %(number)s was cancelled by the municipality.")
                   % {"number": locked.number},
                   body=locked.reason, url=_url(locked))
    return _done(need, locked)


def need_mark_gap(*, need: Need, acting_user, reason: str = "") -> Need:
    """No provider can serve the triaged need: it closes as a capability gap of its domain (counted for
    management) and the municipality is told. Refused while the ranking still has a candidate."""
    with transaction.atomic():
        locked, before = _start(need, acting_user, Transition.MARK_GAP)
        if rank_providers(locked).candidates:
            raise ApplicationError(_("A provider can serve this need; assign it instead."), code="has_match")
        locked.is_capability_gap = True
        locked.reason = _reason(reason, required=False) or str(
            _("No provider of the organization can serve this domain yet."))
        locked.closed_at = timezone.now()
        _finish(locked, acting_user, Transition.MARK_GAP, before)
        notify(organization_id=locked.organization_id, recipients=_municipality_users(locked),
               subject=_("Need %(number)s cannot be served by the organization yet.")
               % {"number": locked.number},
               body=locked.reason, url=_url(locked))
    return _done(need, locked)


# ---------------------------------------------------------------- service levels


def _hours(value, field: str, errors: dict) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SERVICE_HOURS:
        errors[field] = [_("Enter a whole number from 1 to 8,760.")]
        return None
    return value


def service_level_set(*, acting_user, domain: ServiceDomain, triage_hours: int, first_quotation_hours: int,
                      delivery_days: int) -> ServiceLevel:
    """The organization admin sets a domain's targets (its sub-domains without their own inherit them)."""
    membership = require_role(acting_user, *SERVICE_LEVEL_EDITORS)
    if not isinstance(domain, ServiceDomain) or domain.organization_id != membership.organization_id:
        raise NotFound()
    errors: dict[str, list] = {}
    values = {"triage_hours": _hours(triage_hours, "triage_hours", errors),
              "first_quotation_hours": _hours(first_quotation_hours, "first_quotation_hours", errors),
              "delivery_days": _hours(delivery_days, "delivery_days", errors)}
    if not errors and values["first_quotation_hours"] < values["triage_hours"]:
        errors["first_quotation_hours"] = [_("The first quotation cannot be due before triage.")]
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        level = ServiceLevel.objects.select_for_update().filter(
            organization_id=membership.organization_id, domain=domain).first()
        before = snapshot(level) if level else None
        if level is None:
            level = ServiceLevel(organization_id=membership.organization_id, domain=domain)
        for key, value in values.items():
            setattr(level, key, value)
        level.save()
        audit_record(actor=acting_user, action="service_level.set", obj=level, before=before,
                     after=snapshot(level))
    return level


def service_level_clear(*, acting_user, level: ServiceLevel) -> None:
    """The domain goes back to its parent's targets (or the default)."""
    membership = require_role(acting_user, *SERVICE_LEVEL_EDITORS)
    if level.organization_id != membership.organization_id:
        raise NotFound()
    with transaction.atomic():
        audit_record(actor=acting_user, action="service_level.clear", obj=level, before=snapshot(level))
        level.delete()


# ---------------------------------------------------------------- reminders


def need_remind_overdue(*, now: dt.datetime | None = None) -> int:
    """Remind, once a day per need, whoever an overdue need waits for; returns how many were reminded.

    Triage late: the commerce officers. First quotation late: the providers asked (the officers when
    none is yet). Delivery late: the assigned provider and the officers.
    """
    from .sla import ServiceLevels, clocked, need_clocks, overdue_clock

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    open_needs = clocked(Need.objects.all()).select_related("municipality").order_by("organization_id", "pk")
    levels: dict[int, ServiceLevels] = {}
    reminded = 0
    for need in open_needs.iterator(chunk_size=500):
        if need.last_reminded_at and timezone.localtime(need.last_reminded_at).date() >= today:
            continue
        if need.organization_id not in levels:
            levels[need.organization_id] = ServiceLevels(need.organization_id)
        late = overdue_clock(need_clocks(need, levels=levels[need.organization_id], now=now))
        if late is None:
            continue
        with transaction.atomic():
            locked = need_lock(need)
            if locked.status != need.status or (
                    locked.last_reminded_at and timezone.localtime(locked.last_reminded_at).date() >= today):
                continue
            before = snapshot(locked)
            locked.last_reminded_at = now
            locked.save(update_fields=["last_reminded_at", "updated_at"])
            audit_record(actor=None, action="need.remind", obj=locked, before=before, after=snapshot(locked))
            org = locked.organization_id
            providers = sorted(assigned_provider_ids(locked)) if late.name != "delivery" else (
                [locked.provider_id] if locked.provider_id else [])
            recipients = []
            for provider_id in providers:
                recipients += _provider_users(org, provider_id)
            if late.name == "triage" or not recipients or late.name == "delivery":
                recipients += _officers(org)
            notify(organization_id=org, recipients=recipients,
                   subject=_("Need %(number)s is overdue: %(clock)s has passed its target.")
                   % {"number": locked.number, "clock": late.label}, url=_url(locked))
            reminded += 1
    return reminded
