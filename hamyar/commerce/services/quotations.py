"""Quotations: drafting (priced from the valid price list), revisions, sending and the competing offer.

A quotation's life (`QUOTATION_LIFECYCLE` in choices.py is the whole table; any other move is refused):

    draft ──send──▶ awaiting_deputy ──deputy_approve──▶ sent          (total above the deputy threshold)
    draft ──send──▶ sent                                                (otherwise)
    draft ──offer──▶ offered ──choose──▶ awaiting_deputy | sent         (competing: the officer picks one,
                     offered ──(another chosen)──▶ not_chosen           the others are not chosen)
    sent ──approve (clerk)──▶ awaiting_mayor ──approve (mayor)──▶ approved  (total above the mayor threshold)
    sent ──approve (clerk)──▶ approved                                  (otherwise)
    sent | awaiting_mayor ──reject──▶ rejected;  ──expire──▶ expired (past its validity, periodic task)
    any live one ──(a newer revision is sent)──▶ superseded

Each transition locks the need and then the quotation (always in that order, as the needs app
locks the need before the audit chain's organization row), checks the actor and the state,
writes exactly one AuditEvent per changed quotation, and tells whoever waits next.
`sent_at` is stamped when the quotation reaches the municipality: only then does it see it.
Sending and the competing offer are in `sending.py`, the answers and expiry in `approvals.py`, prices in
`pricing.py`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Model, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, NotFound, PermissionDenied
from hamyar.core.lifecycle import Move, transition
from hamyar.core.numbering import next_number
from hamyar.core.roles import MUNICIPALITY_ROLES, PROVIDER_ROLES, Role
from hamyar.core.scoping import in_scope, membership_of
from hamyar.core.text import normalize
from hamyar.directory.choices import ProviderKind
from hamyar.directory.models import Provider
from hamyar.needs.choices import AssignmentKind, NeedStatus
from hamyar.needs.models import Assignment, Need
from hamyar.needs.services import need_lock

from ..choices import OFFICER_ROLES, QUOTATION_LIFECYCLE, QuotationAction, QuotationStatus
from ..models import CommercePolicy, Quotation, QuotationLine
from ..selectors.policy import commerce_policy_get
from . import notices
from .pricing import (
    LineInput,
    agreement_in_force,
    apply_totals,
    check_lead_time,
    check_valid_until,
    default_lead_time,
    price_lines,
)

__all__ = ["OFFICER_ROLES", "quotation_create", "quotation_update"]

S = QuotationStatus
POLICY_FIELDS = ("deputy_approval_above", "mayor_approval_above", "quotation_validity_days")
# Where a need may be priced: assigned (a first quotation) or quoted (a revision). A need still in
# triage may already have providers asked to compete.
PRICEABLE_NEED = frozenset({NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.QUOTED})


# ---------------------------------------------------------------- who may act


def see(user: User, obj: Model) -> None:
    """NotFound unless the user may read the object."""
    if not in_scope(obj, user):
        raise NotFound()


def _locking(rows: QuerySet) -> QuerySet:
    return rows.select_for_update(of=("self",)) if connection.features.has_select_for_update_of else (
        rows.select_for_update())


@dataclass
class QuotationMove:
    """A quotation step under way: the kit's move, and what follows once the quotation's own event is
    written (the need's step, the order, the competitors not chosen), so the audit chain reads in the
    order things happened."""

    move: Move
    policy: CommercePolicy  # the organization's thresholds, read with the need's lock
    then: list[Callable[[], object]] = field(default_factory=list)

    @property
    def obj(self) -> Quotation:
        return self.move.obj


@contextmanager
def quotation_step(quotation: Quotation, action: str, *, acting_user: User | None,
                   audit_action: str | None = None,
                   step: Callable[[Quotation, CommercePolicy], str] | None = None,
                   snapshot_of: Callable[[Quotation], dict] | None = None) -> Iterator[QuotationMove]:
    """Take one step of `QUOTATION_LIFECYCLE`: the need is locked first (every quotation step takes it
    before the quotation, so two steps never wait on each other), then `transition` locks the quotation
    in the actor's scope and checks role and state. A municipality never sees a quotation that has not
    reached it (404, as the selectors); `move.obj` comes with its need, municipality and organization.

    `step(current, policy)` may name the audit action from the quotation as it is under the need's lock (the
    clerk's approval that waits for the mayor is `quotation.clerk_approve`). `acting_user` None is the
    system (the periodic expiry), which no scope or role limits.
    """
    with transaction.atomic():
        # In one query: the need under its lock, the quotation's state as it stands under it, and the
        # organization's thresholds (the defaults when it has set none).
        this = Quotation.objects.filter(pk=quotation.pk)
        stored = CommercePolicy.objects.filter(organization_id=OuterRef("organization_id"))
        need = (_locking(Need.objects.select_related("municipality")).filter(quotations=quotation.pk)
                .annotate(q_status=Subquery(this.values("status")), q_total=Subquery(this.values("total")),
                          q_sent_at=Subquery(this.values("sent_at")),
                          **{f"p_{name}": Subquery(stored.values(name)) for name in POLICY_FIELDS}).first())
        if need is None:
            raise NotFound()
        current = Quotation(pk=quotation.pk, organization_id=need.organization_id, status=need.q_status,
                            total=need.q_total, sent_at=need.q_sent_at)
        thresholds = {name: getattr(need, f"p_{name}") for name in POLICY_FIELDS}
        policy = CommercePolicy(organization_id=need.organization_id,
                                **{name: value for name, value in thresholds.items() if value is not None})
        membership = membership_of(acting_user)
        if membership is not None and membership.role in MUNICIPALITY_ROLES and current.sent_at is None:
            raise NotFound()
        if step is not None:
            audit_action = step(current, policy)
        if acting_user is None:
            with _system_step(quotation, action) as move:
                move.obj.need = need
                step_move = QuotationMove(move, policy)
                yield step_move
        else:
            with transition(QUOTATION_LIFECYCLE, quotation, action, acting_user=acting_user,
                            audit_action=audit_action, snapshot_of=snapshot_of, savepoint=False) as move:
                move.obj.need = need
                if membership.organization_id == move.obj.organization_id:
                    move.obj.organization = membership.organization  # the audit chain's row, read already
                step_move = QuotationMove(move, policy)
                yield step_move
        for then in step_move.then:
            then()


@contextmanager
def _system_step(quotation: Quotation, action: str) -> Iterator[Move]:
    """A step no one takes by hand (expiry): the same lock, state check, save and one event."""
    locked = _locking(Quotation.objects.all()).get(pk=quotation.pk)
    if not QUOTATION_LIFECYCLE.allows(locked.status, action):
        raise QUOTATION_LIFECYCLE.state_error(locked, action)
    move = Move(obj=locked, before=snapshot(locked), action=action)
    yield move
    locked.status = QUOTATION_LIFECYCLE.step(action).target
    locked.save()
    audit_record(actor=None, action=f"quotation.{action}", obj=locked, before=move.before,
                 after=snapshot(locked))


def follow(quotation: Quotation, action: str, *, acting_user: User | None, **extra: Any) -> None:
    """A step that follows another one (superseded by a revision, not chosen): the row is locked by the
    caller; its state must allow the step; it is saved and audited here."""
    if not QUOTATION_LIFECYCLE.allows(quotation.status, action):
        raise QUOTATION_LIFECYCLE.state_error(quotation, action)
    before = snapshot(quotation)
    quotation.status = QUOTATION_LIFECYCLE.step(action).target
    quotation.decided_at = timezone.now()
    quotation.save(update_fields=["status", "decided_at", "choice_reason", "updated_at"])
    audit_record(actor=acting_user, action=f"quotation.{action}", obj=quotation, before=before,
                 after={**snapshot(quotation), **extra})


def _url(quotation: Quotation) -> str:
    return reverse("commerce:quotation_detail", args=[quotation.pk])


def tell(quotation: Quotation, subject: Any, **who: Any) -> None:
    """Tell `who` of the quotation, with the step (its need and municipality are read already)."""
    body = _("Quotation %(number)s for “%(need)s” (%(municipality)s).") % {
        "number": quotation.number, "need": quotation.need.title,
        "municipality": quotation.need.municipality.name}
    notices.tell(organization_id=quotation.organization_id, subject=subject, body=body,
                   url=_url(quotation), **who)


def tell_provider(quotation: Quotation, subject: Any) -> None:
    tell(quotation, subject, roles=PROVIDER_ROLES, provider_id=quotation.provider_id)


def tell_municipality(quotation: Quotation, subject: Any, posts: tuple = ()) -> None:
    tell(quotation, subject, roles=MUNICIPALITY_ROLES, municipality_id=quotation.need.municipality_id,
         posts=posts)


def tell_officers(quotation: Quotation, subject: Any) -> None:
    tell(quotation, subject, roles=[Role.COMMERCE_OFFICER])


def check_need_open(quotation: Quotation) -> None:
    """A need closed meanwhile (cancelled by the municipality, rejected) takes its quotations with it."""
    if quotation.need.status not in {NeedStatus.ASSIGNED, NeedStatus.QUOTED}:
        raise ApplicationError(
            _("The need is “%(status)s”; its quotation can no longer go ahead.") % {
                "status": quotation.need.get_status_display()}, code="need_state")


# ---------------------------------------------------------------- drafting


def _competition(need: Need) -> bool:
    """The officer asked several providers to compete for this need."""
    return need.assignments.filter(kind=AssignmentKind.COMPETING, is_active=True).exists()


def _chosen(need: Need) -> Quotation | None:
    """The competing quotation the officer chose for the need, if one was (it may since be superseded)."""
    return (Quotation.objects.filter(need=need, is_competing=True)
            .exclude(status__in=[S.DRAFT, S.OFFERED, S.NOT_CHOSEN]).order_by("pk").first())


def _may_quote(need: Need, provider: Provider) -> bool:
    """The provider was given the need (assigned) or asked to compete for it."""
    if need.provider_id == provider.pk:
        return True
    return Assignment.objects.filter(need=need, provider=provider, is_active=True).exists()


def quotation_create(*, need: Need, acting_user: User, provider: Provider | None = None,
                     lines: list[LineInput] | None = None, valid_until: date | None = None,
                     lead_time_days: int | None = None, note: str = "") -> Quotation:
    """A draft quotation for a need, priced from the provider's price list in force.

    The assigned provider's own user prices for its provider; a commerce officer for the assigned
    provider (or, when several compete, for the provider named). A revision gets the next number.
    """
    membership = membership_of(acting_user)
    if membership is None:
        raise PermissionDenied()
    see(acting_user, need)
    if membership.role in PROVIDER_ROLES:
        if provider is not None and provider.pk != membership.provider_id:
            raise PermissionDenied()
        provider = membership.provider
    elif membership.role in OFFICER_ROLES:
        provider = provider or need.provider
        if provider is None:
            raise ApplicationError(_("Assign the need to a provider before pricing it."), code="not_assigned")
        see(acting_user, provider)
    else:
        raise PermissionDenied()
    if provider.organization_id != need.organization_id:
        raise NotFound()
    if not _may_quote(need, provider):
        if membership.role in PROVIDER_ROLES:
            raise NotFound()
        raise ApplicationError(_("This provider was not given this need."), code="not_assigned")
    check_lead_time(lead_time_days)
    note = normalize(note or "", multiline=True)[:5000]
    priced = price_lines(need, provider, lines)
    agreement = None
    if provider.kind == ProviderKind.SUPPLIER:
        agreement = agreement_in_force(provider)
        if agreement is None:
            raise ApplicationError(
                _("The organization has no agency agreement in force with this supplier; it cannot quote."),
                code="no_agreement",
            )
    with transaction.atomic():
        policy = commerce_policy_get(organization_id=need.organization_id)
        valid_until = check_valid_until(valid_until, policy)
        locked_need = need_lock(need)
        if locked_need.status not in PRICEABLE_NEED:
            raise ApplicationError(
                _("The need is “%(status)s”; it cannot be priced now.") % {
                    "status": locked_need.get_status_display()}, code="need_state")
        earlier = Quotation.objects.filter(need=need, provider=provider)
        if earlier.filter(status__in=[S.DRAFT, S.OFFERED]).exists():
            raise ApplicationError(
                _("This provider already has a draft quotation for this need; edit that one."),
                code="draft_exists")
        if earlier.filter(status=S.APPROVED).exists():
            raise ApplicationError(_("This provider's quotation for this need is already approved."),
                                   code="quotation_state")
        chosen = _chosen(locked_need)
        if chosen is not None and chosen.provider_id != provider.pk:
            raise ApplicationError(_("Another provider's quotation was chosen for this need."),
                                   code="quotation_state")
        # Once one is chosen, its provider's revisions go the ordinary way.
        competing = chosen is None and _competition(locked_need)
        revision = (earlier.aggregate(last=Max("revision"))["last"] or 0) + 1
        quotation = Quotation(
            organization_id=need.organization_id, need=locked_need, provider=provider,
            number=next_number(need.organization_id, "Q"), revision=revision, status=S.DRAFT,
            is_competing=competing, agreement=agreement, valid_until=valid_until,
            lead_time_days=lead_time_days if lead_time_days is not None else default_lead_time(priced),
            note=note, prepared_by=acting_user,
        )
        apply_totals(quotation, priced)
        try:
            with transaction.atomic():
                quotation.save()
        except IntegrityError:
            message = _("Another revision was created at the same moment; reload and try again.")
            raise ApplicationError(message, code="conflict") from None
        for line in priced:
            line.quotation = quotation
        QuotationLine.objects.bulk_create(priced)
        audit_record(actor=acting_user, action="quotation.create", obj=quotation,
                     after={**snapshot(quotation), "lines": len(priced)})
    return quotation


def quotation_update(*, quotation: Quotation, acting_user: User, lines: list[LineInput] | None = None,
                     valid_until: date | None = None, lead_time_days: int | None = None,
                     note: str | None = None) -> Quotation:
    """Change a draft: its lines (re-priced), validity, lead time or note. Omitted parts stay."""
    counted: dict[str, int] = {}
    with quotation_step(quotation, QuotationAction.UPDATE, acting_user=acting_user,
                        snapshot_of=lambda q: {**snapshot(q), **counted}) as move:
        locked = move.obj
        if valid_until is not None:
            locked.valid_until = check_valid_until(valid_until, move.policy)
        if lead_time_days is not None:
            locked.lead_time_days = check_lead_time(lead_time_days)
        if note is not None:
            locked.note = normalize(note, multiline=True)[:5000]
        if lines is not None:
            priced = price_lines(locked.need, locked.provider, lines)
            locked.lines.all().delete()
            for line in priced:
                line.quotation = locked
            QuotationLine.objects.bulk_create(priced)
        else:
            priced = list(locked.lines.all())
        apply_totals(locked, priced)
        counted["lines"] = len(priced)
    return move.obj
