"""Quotations: pricing from the valid price list, revisions, competing quotations, the approval chain.

A quotation's life (`TRANSITIONS` below is the whole table; any other move is refused):

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
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.services import notification_recipients, notify
from hamyar.catalog.selectors import item_price_tiers
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.money import vat_amount
from hamyar.core.numbering import next_number
from hamyar.core.roles import MUNICIPALITY_ROLES, PROVIDER_ROLES, MunicipalPost, Role
from hamyar.core.scoping import in_scope, membership_of, require_role
from hamyar.core.text import normalize
from hamyar.directory.choices import ProviderKind
from hamyar.directory.models import AgencyAgreement, Provider
from hamyar.needs.choices import AssignmentKind, NeedStatus
from hamyar.needs.models import Assignment, Need, NeedLine
from hamyar.needs.services import need_lock, need_record_commerce_step

from ..choices import AWAITING_MUNICIPALITY, LIVE_STATUSES, QuotationStatus
from ..models import CommercePolicy, Quotation, QuotationLine
from .orders import order_place

__all__ = [
    "OFFICER_ROLES",
    "TRANSITIONS",
    "LineInput",
    "commerce_policy_get",
    "commerce_policy_update",
    "line_price",
    "quotation_approve",
    "quotation_choose",
    "quotation_create",
    "quotation_deputy_approve",
    "quotation_expire",
    "quotation_expire_due",
    "quotation_offer",
    "quotation_reject",
    "quotation_send",
    "quotation_update",
    "tier_price",
]

S = QuotationStatus
# The commerce deputy's staff prices and sends quotations; the org admin may act for them.
OFFICER_ROLES = (Role.COMMERCE_OFFICER, Role.ORG_ADMIN)
POLICY_EDITORS = (Role.ORG_ADMIN,)
MAX_PRICE = 10**15  # Rial per unit; a bigint holds more, but no price comes near this
MAX_VALIDITY_DAYS = 365
# Where a need may be priced: assigned (a first quotation) or quoted (a revision). A need still in
# triage may already have providers asked to compete.
PRICEABLE_NEED = frozenset({NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.QUOTED})

# action → the states it may start from. Anything else is refused with 409.
TRANSITIONS: dict[str, frozenset[str]] = {
    "update": frozenset({S.DRAFT}),
    "send": frozenset({S.DRAFT}),
    "offer": frozenset({S.DRAFT}),
    "choose": frozenset({S.OFFERED}),
    "not_chosen": frozenset({S.DRAFT, S.OFFERED}),
    "deputy_approve": frozenset({S.AWAITING_DEPUTY}),
    "approve": frozenset({S.SENT, S.AWAITING_MAYOR}),
    "reject": frozenset({S.SENT, S.AWAITING_MAYOR}),
    "expire": AWAITING_MUNICIPALITY,
    "supersede": LIVE_STATUSES,
}


# ---------------------------------------------------------------- prices (VAT: hamyar.core.money)


def tier_price(tiers, quantity: int) -> int | None:
    """The unit price of the tier with the highest minimum quantity not above `quantity`."""
    eligible = [t for t in tiers if t.min_quantity <= quantity]
    return max(eligible, key=lambda t: t.min_quantity).unit_price if eligible else None


def line_price(*, item, provider: Provider, quantity: int) -> int | None:
    """The list price of `quantity` of the provider's item: its newest price list in force, at its tier."""
    if item is None or item.provider_id != provider.pk:
        return None
    return tier_price(item_price_tiers(item=item), quantity)


# ---------------------------------------------------------------- policy


def commerce_policy_get(*, organization_id: int) -> CommercePolicy:
    """The organization's thresholds; created with the defaults on first read."""
    policy, _created = CommercePolicy.objects.get_or_create(organization_id=organization_id)
    return policy


def commerce_policy_update(*, acting_user, data: dict[str, Any]) -> CommercePolicy:
    membership = require_role(acting_user, *POLICY_EDITORS)
    fields = ("deputy_approval_above", "mayor_approval_above", "quotation_validity_days")
    errors: dict[str, list[str]] = {}
    for name in ("deputy_approval_above", "mayor_approval_above"):
        value = data.get(name)
        if value is not None and not (0 <= int(value) <= MAX_PRICE * 1000):
            errors[name] = [str(_("Enter an amount of zero Rial or more."))]
    days = data.get("quotation_validity_days")
    if days is not None and not (1 <= int(days) <= MAX_VALIDITY_DAYS):
        errors["quotation_validity_days"] = [str(_("A quotation is valid for 1 to 365 days."))]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], extra={"fields": errors})
    with transaction.atomic():
        commerce_policy_get(organization_id=membership.organization_id)
        policy = CommercePolicy.objects.select_for_update().get(organization_id=membership.organization_id)
        before = snapshot(policy)
        for name in fields:
            if data.get(name) is not None:
                setattr(policy, name, int(data[name]))
        policy.save()
        audit_record(actor=acting_user, action="commerce_policy.update", obj=policy, before=before,
                     after=snapshot(policy))
    return policy


# ---------------------------------------------------------------- who may act


def _is_officer(user) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in OFFICER_ROLES


def _provider_user_of(user, provider_id: int) -> bool:
    membership = membership_of(user)
    return (membership is not None and membership.role in PROVIDER_ROLES
            and membership.provider_id == provider_id)


def _require_preparer(user, quotation: Quotation) -> None:
    """The quotation's provider's own user, or a commerce officer."""
    if not (_is_officer(user) or _provider_user_of(user, quotation.provider_id)):
        raise PermissionDenied()


def _require_municipality_user(user, quotation: Quotation):
    membership = membership_of(user)
    if membership is None or membership.role not in MUNICIPALITY_ROLES:
        raise PermissionDenied()
    if membership.municipality_id != quotation.need.municipality_id:
        raise NotFound()
    return membership


def _see(user, obj) -> None:
    """NotFound unless the user may read the object; a quotation as the selectors show it (a
    municipality sees only what was sent to it)."""
    if isinstance(obj, Quotation):
        from ..selectors.quotations import quotation_queryset

        if not quotation_queryset(user=user).filter(pk=obj.pk).exists():
            raise NotFound()
    elif not in_scope(obj, user):
        raise NotFound()


def _refuse_state(quotation: Quotation, action: str) -> None:
    if quotation.status not in TRANSITIONS[action]:
        messages = {
            S.APPROVED: _("This quotation has already been approved."),
            S.REJECTED: _("This quotation has already been rejected."),
            S.EXPIRED: _("This quotation has expired."),
            S.SUPERSEDED: _("A newer revision has replaced this quotation."),
            S.NOT_CHOSEN: _("Another quotation was chosen for this need."),
            S.AWAITING_DEPUTY: _("The commerce deputy has not yet approved this quotation."),
        }
        message = messages.get(quotation.status) or _(
            "The quotation is “%(status)s”; this action is not possible now."
        ) % {"status": quotation.get_status_display()}
        raise ApplicationError(message, code="quotation_state")


def _locked(quotation: Quotation) -> Quotation:
    """Lock the need, then the quotation, and return the quotation as it is now."""
    need_lock(quotation.need)
    locked = Quotation.objects.select_for_update().get(pk=quotation.pk)
    locked.need = Need.objects.select_related("municipality").get(pk=locked.need_id)
    locked.provider = Provider.objects.get(pk=locked.provider_id)
    return locked


def _url(quotation: Quotation) -> str:
    return reverse("commerce:quotation_detail", args=[quotation.pk])


def _tell(quotation: Quotation, subject, **who) -> None:
    recipients = notification_recipients(organization_id=quotation.organization_id, **who)
    if recipients:
        body = _("Quotation %(number)s for “%(need)s” (%(municipality)s).") % {
            "number": quotation.number, "need": quotation.need.title,
            "municipality": quotation.need.municipality.name}
        notify(organization_id=quotation.organization_id, recipients=recipients, subject=subject,
               body=body, url=_url(quotation))


def _tell_provider(quotation: Quotation, subject) -> None:
    _tell(quotation, subject, roles=PROVIDER_ROLES, provider_id=quotation.provider_id)


def _tell_municipality(quotation: Quotation, subject, posts=()) -> None:
    _tell(quotation, subject, roles=MUNICIPALITY_ROLES, municipality_id=quotation.need.municipality_id,
          posts=posts)


def _tell_officers(quotation: Quotation, subject) -> None:
    _tell(quotation, subject, roles=[Role.COMMERCE_OFFICER])


# ---------------------------------------------------------------- pricing


@dataclass
class LineInput:
    """One line as the preparer gives it: a need line (priced from the list unless a price is given
    with a reason), or a described line with its own quantity, unit and price (services, projects)."""

    need_line: NeedLine | None = None
    description: str = ""
    quantity: int | None = None
    unit: str = ""
    unit_price: int | None = None
    price_reason: str = ""


def _agreement_in_force(provider: Provider) -> AgencyAgreement | None:
    today = timezone.localdate()
    return (
        AgencyAgreement.objects.filter(supplier=provider, starts_on__lte=today, ends_on__gte=today)
        .order_by("-ends_on", "-pk")
        .first()
    )


def _line_error(index: int, message) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {f"lines.{index}": [str(message)]}})


def _price_lines(need: Need, provider: Provider, lines: list[LineInput] | None) -> list[QuotationLine]:
    """The quotation's lines, priced; nothing is saved here. A price that is not the list price needs a
    reason; a line no price list prices needs a price."""
    if lines is None:
        lines = [LineInput(need_line=line) for line in need.lines.select_related("item").order_by("pk")]
    if not lines:
        raise InvalidInput(_("A quotation needs at least one line."), extra={"fields": {"lines": [
            str(_("A quotation needs at least one line."))]}})
    seen: set[int] = set()
    priced = []
    for index, given in enumerate(lines):
        reason = normalize(given.price_reason or "")[:300]
        if given.need_line is not None:
            need_line = given.need_line
            if need_line.need_id != need.pk:
                raise _line_error(index, _("This line is not one of the need's lines."))
            if need_line.pk in seen:
                raise _line_error(index, _("A need line is priced twice."))
            seen.add(need_line.pk)
            item = need_line.item
            description = need_line.description or (item.name if item else "")
            quantity, unit = need_line.quantity, need_line.unit
        else:
            item, description = None, normalize(given.description or "")[:300]
            quantity, unit = given.quantity, (given.unit or "").strip()[:10]
            if not description:
                raise _line_error(index, _("Describe the line."))
            if not quantity or quantity < 1 or quantity > 10_000_000:
                raise _line_error(index, _("Enter a quantity of at least 1."))
            if not unit:
                raise _line_error(index, _("Enter the unit of measure."))
        list_price = line_price(item=item, provider=provider, quantity=quantity)
        unit_price = given.unit_price
        if unit_price is None:
            if list_price is None:
                raise _line_error(index, _("No price list in force prices “%(line)s”; enter its unit price.")
                                  % {"line": description})
            unit_price = list_price
        if unit_price < 0 or unit_price > MAX_PRICE:
            raise _line_error(index, _("Enter a unit price of zero Rial or more."))
        if list_price is not None and unit_price != list_price and not reason:
            message = _("The price of “%(line)s” differs from the price list; give the reason.")
            raise _line_error(index, message % {"line": description})
        if list_price is not None and unit_price == list_price:
            reason = ""
        priced.append(QuotationLine(
            organization_id=need.organization_id, need_line=given.need_line, item=item,
            description=description, quantity=quantity, unit=unit, list_price=list_price,
            unit_price=unit_price, price_reason=reason, amount=quantity * unit_price,
        ))
    return priced


def _apply_totals(quotation: Quotation, lines: list[QuotationLine]) -> None:
    quotation.vat_percent = Decimal(str(settings.HAMYAR_VAT_PERCENT))
    quotation.subtotal = sum(line.amount for line in lines)
    quotation.vat_amount = vat_amount(quotation.subtotal, quotation.vat_percent)
    quotation.total = quotation.subtotal + quotation.vat_amount


def _check_valid_until(value: date | None, policy: CommercePolicy) -> date:
    today = timezone.localdate()
    if value is None:
        return today + timedelta(days=policy.quotation_validity_days)
    if value < today:
        message = _("The validity date must not be in the past.")
        raise InvalidInput(message, extra={"fields": {"valid_until": [str(message)]}})
    if value > today + timedelta(days=MAX_VALIDITY_DAYS):
        message = _("A quotation is valid for at most a year.")
        raise InvalidInput(message, extra={"fields": {"valid_until": [str(message)]}})
    return value


def _check_lead_time(value: int | None) -> int | None:
    if value is not None and not (0 <= value <= 3650):
        message = _("Enter a lead time of 0 to 3650 days.")
        raise InvalidInput(message, extra={"fields": {"lead_time_days": [str(message)]}})
    return value


def _default_lead_time(lines: list[QuotationLine]) -> int | None:
    days = [line.item.lead_time_days for line in lines if line.item is not None]
    return max(days) if days else None


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


def quotation_create(*, need: Need, acting_user, provider: Provider | None = None,
                     lines: list[LineInput] | None = None, valid_until: date | None = None,
                     lead_time_days: int | None = None, note: str = "") -> Quotation:
    """A draft quotation for a need, priced from the provider's price list in force.

    The assigned provider's own user prices for its provider; a commerce officer for the assigned
    provider (or, when several compete, for the provider named). A revision gets the next number.
    """
    membership = membership_of(acting_user)
    if membership is None:
        raise PermissionDenied()
    _see(acting_user, need)
    if membership.role in PROVIDER_ROLES:
        if provider is not None and provider.pk != membership.provider_id:
            raise PermissionDenied()
        provider = membership.provider
    elif membership.role in OFFICER_ROLES:
        provider = provider or need.provider
        if provider is None:
            raise ApplicationError(_("Assign the need to a provider before pricing it."), code="not_assigned")
        _see(acting_user, provider)
    else:
        raise PermissionDenied()
    if provider.organization_id != need.organization_id:
        raise NotFound()
    if not _may_quote(need, provider):
        if membership.role in PROVIDER_ROLES:
            raise NotFound()
        raise ApplicationError(_("This provider was not given this need."), code="not_assigned")
    _check_lead_time(lead_time_days)
    note = normalize(note or "", multiline=True)[:5000]
    priced = _price_lines(need, provider, lines)
    agreement = None
    if provider.kind == ProviderKind.SUPPLIER:
        agreement = _agreement_in_force(provider)
        if agreement is None:
            raise ApplicationError(
                _("The organization has no agency agreement in force with this supplier; it cannot quote."),
                code="no_agreement",
            )
    with transaction.atomic():
        # The policy is created on first read: inside the transaction, so a refusal writes nothing.
        policy = commerce_policy_get(organization_id=need.organization_id)
        valid_until = _check_valid_until(valid_until, policy)
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
            lead_time_days=lead_time_days if lead_time_days is not None else _default_lead_time(priced),
            note=note, prepared_by=acting_user,
        )
        _apply_totals(quotation, priced)
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


def quotation_update(*, quotation: Quotation, acting_user, lines: list[LineInput] | None = None,
                     valid_until: date | None = None, lead_time_days: int | None = None,
                     note: str | None = None) -> Quotation:
    """Change a draft: its lines (re-priced), validity, lead time or note. Omitted parts stay."""
    _see(acting_user, quotation)
    _require_preparer(acting_user, quotation)
    with transaction.atomic():
        policy = commerce_policy_get(organization_id=quotation.organization_id)
        locked = _locked(quotation)
        _refuse_state(locked, "update")
        before = snapshot(locked)
        if valid_until is not None:
            locked.valid_until = _check_valid_until(valid_until, policy)
        if lead_time_days is not None:
            locked.lead_time_days = _check_lead_time(lead_time_days)
        if note is not None:
            locked.note = normalize(note, multiline=True)[:5000]
        if lines is not None:
            priced = _price_lines(locked.need, locked.provider, lines)
            locked.lines.all().delete()
            for line in priced:
                line.quotation = locked
            QuotationLine.objects.bulk_create(priced)
        else:
            priced = list(locked.lines.all())
        _apply_totals(locked, priced)
        locked.save()
        audit_record(actor=acting_user, action="quotation.update", obj=locked, before=before,
                     after={**snapshot(locked), "lines": len(priced)})
    return locked


# ---------------------------------------------------------------- sending and choosing


def _check_sendable(quotation: Quotation) -> None:
    if quotation.valid_until < timezone.localdate():
        raise ApplicationError(_("The quotation's validity date has passed; change it before sending."),
                               code="validity_passed")
    if quotation.need.status not in {NeedStatus.ASSIGNED, NeedStatus.QUOTED}:
        raise ApplicationError(
            _("The need is “%(status)s”; assign it before sending a quotation.") % {
                "status": quotation.need.get_status_display()}, code="need_state")
    if quotation.agreement_id is not None:
        agreement = AgencyAgreement.objects.get(pk=quotation.agreement_id)
        if agreement.ends_on < timezone.localdate():
            raise ApplicationError(_("The agency agreement of this supplier has expired."),
                                   code="no_agreement")


def _check_need_open(quotation: Quotation) -> None:
    """A need closed meanwhile (cancelled by the municipality, rejected) takes its quotations with it."""
    if quotation.need.status not in {NeedStatus.ASSIGNED, NeedStatus.QUOTED}:
        raise ApplicationError(
            _("The need is “%(status)s”; its quotation can no longer go ahead.") % {
                "status": quotation.need.get_status_display()}, code="need_state")


def _supersede_earlier(quotation: Quotation, acting_user) -> None:
    """A revision on its way to the municipality replaces the provider's earlier live ones."""
    earlier = (Quotation.objects.select_for_update()
               .filter(need_id=quotation.need_id, provider_id=quotation.provider_id,
                       status__in=TRANSITIONS["supersede"])
               .exclude(pk=quotation.pk).order_by("pk"))
    for old in earlier:
        before = snapshot(old)
        old.status = S.SUPERSEDED
        old.decided_at = timezone.now()
        old.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(actor=acting_user, action="quotation.supersede", obj=old, before=before,
                     after={**snapshot(old), "superseded_by": quotation.number})


def _dispatch(locked: Quotation, acting_user) -> None:
    """Send a priced quotation on: to the commerce deputy above its threshold, else to the municipality.

    The caller writes the event; this only sets the state and tells who waits.
    """
    policy = commerce_policy_get(organization_id=locked.organization_id)
    _supersede_earlier(locked, acting_user)
    if locked.total > policy.deputy_approval_above:
        locked.status = S.AWAITING_DEPUTY
    else:
        locked.status = S.SENT
        locked.sent_at = timezone.now()


def _after_dispatch(locked: Quotation, acting_user) -> None:
    need_record_commerce_step(need=locked.need, status=NeedStatus.QUOTED, acting_user=acting_user)
    if locked.status == S.AWAITING_DEPUTY:
        _tell(locked, _("A quotation awaits the commerce deputy's approval"), roles=[Role.EXECUTIVE])
    else:
        _tell_municipality(locked, _("A quotation awaits your approval"))


def quotation_send(*, quotation: Quotation, acting_user) -> Quotation:
    """Send a draft: above the deputy threshold it waits for the deputy, else the municipality sees it."""
    _see(acting_user, quotation)
    _require_preparer(acting_user, quotation)
    with transaction.atomic():
        locked = _locked(quotation)
        if locked.is_competing and locked.status == S.DRAFT:
            raise ApplicationError(
                _("Several providers compete for this need: offer the quotation for comparison; the "
                  "commerce officer chooses the one that is sent."), code="competing")
        _refuse_state(locked, "send")
        _check_sendable(locked)
        before = snapshot(locked)
        _dispatch(locked, acting_user)
        locked.save()
        audit_record(actor=acting_user, action="quotation.send", obj=locked, before=before,
                     after=snapshot(locked))
        _after_dispatch(locked, acting_user)
    return locked


def quotation_offer(*, quotation: Quotation, acting_user) -> Quotation:
    """Hand a competing quotation to the commerce officer for the side-by-side comparison."""
    _see(acting_user, quotation)
    _require_preparer(acting_user, quotation)
    with transaction.atomic():
        locked = _locked(quotation)
        _refuse_state(locked, "offer")
        if not locked.is_competing:
            raise ApplicationError(_("Only a competing quotation is offered for comparison; send this one."),
                                   code="not_competing")
        if locked.valid_until < timezone.localdate():
            raise ApplicationError(_("The quotation's validity date has passed; change it before sending."),
                                   code="validity_passed")
        before = snapshot(locked)
        locked.status = S.OFFERED
        locked.save()
        audit_record(actor=acting_user, action="quotation.offer", obj=locked, before=before,
                     after=snapshot(locked))
        _tell_officers(locked, _("A competing quotation is ready for comparison"))
    return locked


def quotation_choose(*, quotation: Quotation, acting_user, reason: str) -> Quotation:
    """The officer picks one competing quotation (with the reason on record); it goes on to be sent,
    and every other quotation still competing for the need is not chosen."""
    require_role(acting_user, *OFFICER_ROLES)
    _see(acting_user, quotation)
    reason = normalize(reason or "", multiline=True)
    if not reason:
        message = _("Give the reason for choosing this quotation.")
        raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
    with transaction.atomic():
        locked = _locked(quotation)
        _refuse_state(locked, "choose")
        _check_sendable(locked)
        before = snapshot(locked)
        locked.choice_reason = reason[:5000]
        _dispatch(locked, acting_user)
        locked.save()
        audit_record(actor=acting_user, action="quotation.choose", obj=locked, before=before,
                     after=snapshot(locked))
        others = (Quotation.objects.select_for_update()
                  .filter(need_id=locked.need_id, status__in=TRANSITIONS["not_chosen"])
                  .exclude(provider_id=locked.provider_id).order_by("pk"))
        for other in others:
            other_before = snapshot(other)
            other.status = S.NOT_CHOSEN
            other.decided_at = timezone.now()
            other.choice_reason = reason[:5000]
            other.save(update_fields=["status", "decided_at", "choice_reason", "updated_at"])
            audit_record(actor=acting_user, action="quotation.not_chosen", obj=other, before=other_before,
                         after={**snapshot(other), "chosen": locked.number})
            other.need = locked.need
            _tell_provider(other, _("Another provider's quotation was chosen"))
        _after_dispatch(locked, acting_user)
    return locked


def quotation_deputy_approve(*, quotation: Quotation, acting_user) -> Quotation:
    """The commerce deputy (an executive) lets a quotation above the threshold go to the municipality."""
    require_role(acting_user, Role.EXECUTIVE)
    _see(acting_user, quotation)
    with transaction.atomic():
        locked = _locked(quotation)
        _refuse_state(locked, "deputy_approve")
        _check_need_open(locked)
        before = snapshot(locked)
        now = timezone.now()
        locked.status = S.SENT
        locked.deputy_approved_by = acting_user
        locked.deputy_approved_at = now
        locked.sent_at = now
        locked.save()
        audit_record(actor=acting_user, action="quotation.deputy_approve", obj=locked, before=before,
                     after=snapshot(locked))
        _tell_municipality(locked, _("A quotation awaits your approval"))
    return locked


# ---------------------------------------------------------------- the municipality's answer


def _is_mayor(membership) -> bool:
    return membership.post == MunicipalPost.MAYOR


def _is_clerk(membership) -> bool:
    return membership.post in (MunicipalPost.PROCUREMENT, "")


def quotation_approve(*, quotation: Quotation, acting_user) -> Quotation:
    """The municipality approves, once. Above the mayor threshold the procurement clerk approves first
    and the mayor after; below it the clerk's approval approves. Approval places the order."""
    _see(acting_user, quotation)
    membership = _require_municipality_user(acting_user, quotation)
    if not (_is_clerk(membership) or _is_mayor(membership)):
        raise PermissionDenied(_("Only the procurement clerk or the mayor approves quotations."))
    with transaction.atomic():
        locked = _locked(quotation)
        _refuse_state(locked, "approve")
        if locked.sent_at is None:
            raise NotFound()
        _check_need_open(locked)
        before = snapshot(locked)
        now = timezone.now()
        policy = commerce_policy_get(organization_id=locked.organization_id)
        if locked.status == S.SENT:
            if not _is_clerk(membership):
                raise ApplicationError(_("The procurement clerk approves first; then the mayor."),
                                       code="chain_order")
            locked.clerk_approved_by, locked.clerk_approved_at = acting_user, now
            if locked.total > policy.mayor_approval_above:
                locked.status = S.AWAITING_MAYOR
                action = "quotation.clerk_approve"
            else:
                locked.status, locked.decided_at = S.APPROVED, now
                action = "quotation.approve"
        else:  # awaiting the mayor
            if not _is_mayor(membership):
                raise ApplicationError(_("The clerk has approved; this quotation now waits for the mayor."),
                                       code="chain_order")
            locked.mayor_approved_by, locked.mayor_approved_at = acting_user, now
            locked.status, locked.decided_at = S.APPROVED, now
            action = "quotation.approve"
        locked.save()
        audit_record(actor=acting_user, action=action, obj=locked, before=before, after=snapshot(locked))
        if locked.status == S.AWAITING_MAYOR:
            _tell_municipality(locked, _("A quotation awaits the mayor's approval"),
                               posts=[MunicipalPost.MAYOR])
        else:
            try:
                with transaction.atomic():
                    order_place(quotation=locked, acting_user=acting_user)
            except IntegrityError:
                # The one-to-one order already exists: another approval won the race.
                raise ApplicationError(_("This quotation has already been approved."),
                                       code="quotation_state") from None
            need_record_commerce_step(need=locked.need, status=NeedStatus.APPROVED, acting_user=acting_user)
            _tell_provider(locked, _("Your quotation was approved; an order was placed"))
            _tell_officers(locked, _("A quotation was approved; an order was placed"))
    return locked


def quotation_reject(*, quotation: Quotation, acting_user, reason: str) -> Quotation:
    """The municipality rejects a quotation sent to it, once, with the reason."""
    _see(acting_user, quotation)
    membership = _require_municipality_user(acting_user, quotation)
    if not (_is_clerk(membership) or _is_mayor(membership)):
        raise PermissionDenied(_("Only the procurement clerk or the mayor rejects quotations."))
    reason = normalize(reason or "", multiline=True)
    if not reason:
        message = _("Give the reason for rejecting the quotation.")
        raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
    with transaction.atomic():
        locked = _locked(quotation)
        _refuse_state(locked, "reject")
        if locked.sent_at is None:
            raise NotFound()
        if locked.status == S.AWAITING_MAYOR and not _is_mayor(membership):
            raise ApplicationError(_("The clerk has approved; this quotation now waits for the mayor."),
                                   code="chain_order")
        before = snapshot(locked)
        locked.status, locked.decided_at, locked.reason = S.REJECTED, timezone.now(), reason[:5000]
        locked.save()
        audit_record(actor=acting_user, action="quotation.reject", obj=locked, before=before,
                     after=snapshot(locked))
        _tell_provider(locked, _("Your quotation was rejected"))
        _tell_officers(locked, _("A quotation was rejected by the municipality"))
    return locked


# ---------------------------------------------------------------- expiry (periodic)


def quotation_expire(*, quotation: Quotation, acting_user=None) -> Quotation | None:
    """Expire one quotation still waiting for the municipality past its validity; None if it no longer is."""
    with transaction.atomic():
        locked = _locked(quotation)
        if locked.status not in TRANSITIONS["expire"] or locked.valid_until >= timezone.localdate():
            return None
        before = snapshot(locked)
        locked.status, locked.decided_at = S.EXPIRED, timezone.now()
        locked.save()
        audit_record(actor=acting_user, action="quotation.expire", obj=locked, before=before,
                     after=snapshot(locked))
        _tell_provider(locked, _("Your quotation expired before the municipality answered"))
        _tell_officers(locked, _("A quotation expired before the municipality answered"))
    return locked


def quotation_expire_due() -> int:
    """Expire every quotation past its validity still waiting for the municipality; safe to run again."""
    due = Quotation.objects.filter(status__in=TRANSITIONS["expire"], valid_until__lt=timezone.localdate())
    expired = 0
    for quotation in due.order_by("pk"):
        if quotation_expire(quotation=quotation) is not None:
            expired += 1
    return expired
