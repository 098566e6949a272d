"""The need's lifecycle, one function per action of `choices.NEED_LIFECYCLE`.

Each takes its step through `hamyar.core.lifecycle.transition`: the need in the actor's scope and locked
(404), the actor's role (403), the current state (409); the function's body does only the step's own
work (its checks, its stamps, who is told), and one AuditEvent is written. A refusal writes nothing.

Who is told is written with the step rather than after it (`notify` inside the body, not
`move.on_commit`): the inbox message is part of the step, stamped at the step's time (the demo's
story relies on it), and `notify` itself sends the e-mail only once the transaction has committed.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.fields.mixins import FieldCacheMixin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.accounts.services import notify
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import Move, transition
from hamyar.core.scoping import membership_of
from hamyar.directory.models import Provider, ServiceDomain

from ..choices import NEED_LIFECYCLE, AssignmentKind, NeedKind, NeedStatus, Transition
from ..matching import Candidate, assigned_provider_ids, rank_providers
from ..models import Assignment, Need
from .common import (
    invalid,
    municipality_users,
    need_lock,
    need_url,
    officers,
    provider_users,
    reason_text,
    step_snapshot,
)

__all__ = [
    "MAX_COMPETING",
    "need_assign",
    "need_cancel",
    "need_mark_gap",
    "need_record_commerce_step",
    "need_reject",
    "need_request_competing",
    "need_submit",
    "need_triage",
]

MAX_COMPETING = 10


@contextmanager
def _step(need: Need, action: str, acting_user: User) -> Iterator[Move]:
    """`transition` on the need's lifecycle, its snapshot reading the lines once; the need is announced
    once saved, in the step's transaction."""
    with transaction.atomic():
        with transition(NEED_LIFECYCLE, need, action, acting_user=acting_user,
                        snapshot_of=step_snapshot(), savepoint=False) as move:
            _reuse_read(move.obj, need, membership_of(acting_user))
            yield move
        announce(Need, [move.obj.pk])


def _reuse_read(locked: Need, *sources: Model | None) -> None:
    """The locked row takes the organization and municipality already read with the caller's need or the
    actor's membership, rather than reading them again for the audit event and the notifications."""
    for name in ("organization", "municipality"):
        for source in sources:
            if source is None:
                continue
            field = source._meta.get_field(name)
            if not isinstance(field, FieldCacheMixin) or not field.is_cached(source):
                continue
            value = getattr(source, name)
            if value is not None and value.pk == getattr(locked, f"{name}_id"):
                setattr(locked, name, value)
                break


def need_submit(*, need: Need, acting_user: User) -> Need:
    """The municipality (or an officer for it) sends the draft to the organization; officers are told."""
    with _step(need, Transition.SUBMIT, acting_user) as move:
        locked = move.obj
        if locked.kind == NeedKind.GOODS and not move.before["lines"]:
            raise invalid({"lines": [_("Add at least one item from the catalog, with its quantity.")]})
        if locked.desired_date is not None and locked.desired_date < timezone.localdate():
            raise invalid({"desired_date": [_("The desired date has passed; change it before submitting.")]})
        locked.submitted_at = timezone.now()
        notify(organization_id=locked.organization_id, recipients=officers(locked.organization_id),
               subject=_("New need %(number)s from %(municipality)s waits for triage.")
               % {"number": locked.number, "municipality": locked.municipality.name}, url=need_url(locked))
    return locked


def need_triage(*, need: Need, acting_user: User, domain: ServiceDomain | None = None) -> Need:
    """An officer accepts the submitted need for matching, correcting its domain if it was misfiled."""
    with _step(need, Transition.TRIAGE, acting_user) as move:
        locked = move.obj
        if domain is not None:
            if not isinstance(domain, ServiceDomain) or domain.organization_id != locked.organization_id:
                raise invalid({"domain": [_("Choose the service domain of the need.")]})
            locked.domain = domain
        locked.triaged_at = timezone.now()
    return locked


def _assignment(locked: Need, candidate: Candidate, kind: str, acting_user: User,
                reason: str = "") -> Assignment:
    return Assignment(
        organization_id=locked.organization_id, need=locked, provider=candidate.provider, kind=kind,
        rank=candidate.rank, score=candidate.score, breakdown=candidate.breakdown, reason=reason,
        assigned_by=acting_user,
    )


def need_assign(*, need: Need, acting_user: User, provider: Provider | None = None, reason: str = "") -> Need:
    """An officer gives the triaged need to a provider of the ranking (the top match when none is named).

    The ranking is taken again under the need's lock and stored with the assignment. Two officers
    at once: the second finds the need assigned and is refused (409).
    """
    with _step(need, Transition.ASSIGN, acting_user) as move:
        locked = move.obj
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
                raise invalid({"provider": [message]})
        try:
            with transaction.atomic():
                _assignment(locked, chosen, AssignmentKind.PRIMARY, acting_user,
                            reason_text(reason, required=False)).save()
        except IntegrityError:
            raise ApplicationError(_("The need was assigned meanwhile."), code="need_state") from None
        locked.provider = chosen.provider
        locked.assigned_at = timezone.now()
        notify(organization_id=locked.organization_id,
               recipients=provider_users(locked.organization_id, chosen.provider.pk),
               subject=_("Need %(number)s of %(municipality)s was assigned to you; prepare its quotation.")
               % {"number": locked.number, "municipality": locked.municipality.name}, url=need_url(locked))
    return locked


def need_request_competing(*, need: Need, acting_user: User, count: int = 3) -> Need:
    """An officer asks the top `count` matches not yet asked for competing quotations."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COMPETING:
        raise invalid({"count": [_("Ask between 1 and 10 providers.")]})
    with _step(need, Transition.REQUEST_COMPETING, acting_user) as move:
        locked = move.obj
        taken = assigned_provider_ids(locked)
        chosen = [c for c in rank_providers(locked).candidates if c.provider.pk not in taken][:count]
        if not chosen:
            raise ApplicationError(_("No other provider can serve this need."), code="no_match")
        Assignment.objects.bulk_create(
            _assignment(locked, c, AssignmentKind.COMPETING, acting_user) for c in chosen)
        if locked.assigned_at is None:
            locked.assigned_at = timezone.now()
        for candidate in chosen:
            notify(organization_id=locked.organization_id,
                   recipients=provider_users(locked.organization_id, candidate.provider.pk),
                   subject=_("You are asked for a competing quotation for need %(number)s.")
                   % {"number": locked.number}, url=need_url(locked))
    return locked


def need_reject(*, need: Need, acting_user: User, reason: str) -> Need:
    """An officer turns the need down, with the reason the municipality is told."""
    with _step(need, Transition.REJECT, acting_user) as move:
        locked = move.obj
        locked.reason = reason_text(reason)
        locked.closed_at = timezone.now()
        notify(organization_id=locked.organization_id, recipients=municipality_users(locked),
               subject=_("Need %(number)s was rejected.") % {"number": locked.number},
               body=locked.reason, url=need_url(locked))
    return locked


def need_cancel(*, need: Need, acting_user: User, reason: str) -> Need:
    """The municipality withdraws its need while it is open; officers and asked providers are told."""
    with _step(need, Transition.CANCEL, acting_user) as move:
        locked = move.obj
        locked.reason = reason_text(reason)
        locked.closed_at = timezone.now()
        if move.before["status"] != NeedStatus.DRAFT:
            recipients = list(officers(locked.organization_id))
            for provider_id in assigned_provider_ids(locked):
                recipients += provider_users(locked.organization_id, provider_id)
            notify(organization_id=locked.organization_id, recipients=recipients,
                   subject=_("Need %(number)s was cancelled by the municipality.")
                   % {"number": locked.number},
                   body=locked.reason, url=need_url(locked))
    return locked


def need_mark_gap(*, need: Need, acting_user: User, reason: str = "") -> Need:
    """No provider can serve the triaged need: it closes as a capability gap of its domain (counted for
    management) and the municipality is told. Refused while the ranking still has a candidate."""
    with _step(need, Transition.MARK_GAP, acting_user) as move:
        locked = move.obj
        if rank_providers(locked).candidates:
            raise ApplicationError(_("A provider can serve this need; assign it instead."), code="has_match")
        locked.is_capability_gap = True
        locked.reason = reason_text(reason, required=False) or str(
            _("No provider of the organization can serve this domain yet."))
        locked.closed_at = timezone.now()
        notify(organization_id=locked.organization_id, recipients=municipality_users(locked),
               subject=_("Need %(number)s cannot be served by the organization yet.")
               % {"number": locked.number},
               body=locked.reason, url=need_url(locked))
    return locked


# The steps commerce drives as a need's quotation and order move on, and the clock each stops. Not
# actions of NEED_LIFECYCLE: each follows a step of another lifecycle (a quotation sent, approved, an
# order closed) whose own transition has already checked the actor, and quoting a quoted need (a
# revision) is no step at all.
_COMMERCE_STEPS = {
    NeedStatus.QUOTED: ({NeedStatus.ASSIGNED, NeedStatus.QUOTED}, "first_quoted_at"),
    NeedStatus.APPROVED: ({NeedStatus.QUOTED}, "approved_at"),
    NeedStatus.FULFILLED: ({NeedStatus.APPROVED}, "closed_at"),
}


def need_record_commerce_step(*, need: Need, status: NeedStatus, acting_user: User | None,
                              locked: bool = False) -> Need:
    """Move a need to quoted / approved / fulfilled as its quotation or order does (commerce calls this).

    Quoting an already quoted need (a revision) changes nothing and writes no event; the clock
    of the first quotation is stamped once. `locked`: the caller holds the need's row lock in its own
    transaction and passes that row, so it is neither locked nor read again.
    """
    if locked:
        return _commerce_step(need, status, acting_user)
    with transaction.atomic():
        step = _commerce_step(need_lock(need), status, acting_user)
    need.refresh_from_db()
    return step


def _commerce_step(locked: Need, status: NeedStatus, acting_user: User | None) -> Need:
    """The step itself, on the need under the caller's lock."""
    allowed_from, clock = _COMMERCE_STEPS[status]
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
    announce(Need, [locked.pk])
    audit_record(actor=acting_user, action=f"need.{status}", obj=locked, before=before,
                 after=snapshot(locked))
    return locked
