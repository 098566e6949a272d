"""Sending a quotation on: to the commerce deputy above its threshold, else to the municipality; a
competing quotation is offered for comparison and the officer chooses one (the others are not chosen).
A revision on its way supersedes the provider's earlier live ones."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role
from hamyar.core.text import normalize
from hamyar.directory.models import AgencyAgreement
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_record_commerce_step

from ..choices import QuotationStatus
from ..models import Quotation
from ..selectors.policy import commerce_policy_get
from .quotations import (
    OFFICER_ROLES,
    TRANSITIONS,
    lock_quotation,
    refuse_state,
    require_preparer,
    see,
    tell,
    tell_municipality,
    tell_officers,
    tell_provider,
)

__all__ = ["quotation_choose", "quotation_offer", "quotation_send"]

S = QuotationStatus


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



def _supersede_earlier(quotation: Quotation, acting_user: User) -> None:
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


def _dispatch(locked: Quotation, acting_user: User) -> None:
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


def _after_dispatch(locked: Quotation, acting_user: User) -> None:
    need_record_commerce_step(need=locked.need, status=NeedStatus.QUOTED, acting_user=acting_user)
    if locked.status == S.AWAITING_DEPUTY:
        tell(locked, _("A quotation awaits the commerce deputy's approval"), roles=[Role.EXECUTIVE])
    else:
        tell_municipality(locked, _("A quotation awaits your approval"))


def quotation_send(*, quotation: Quotation, acting_user: User) -> Quotation:
    """Send a draft: above the deputy threshold it waits for the deputy, else the municipality sees it."""
    with transaction.atomic():
        locked = lock_quotation(quotation, acting_user)
        require_preparer(acting_user, locked)
        if locked.is_competing and locked.status == S.DRAFT:
            raise ApplicationError(
                _("Several providers compete for this need: offer the quotation for comparison; the "
                  "commerce officer chooses the one that is sent."), code="competing")
        refuse_state(locked, "send")
        _check_sendable(locked)
        before = snapshot(locked)
        _dispatch(locked, acting_user)
        locked.save()
        audit_record(actor=acting_user, action="quotation.send", obj=locked, before=before,
                     after=snapshot(locked))
        _after_dispatch(locked, acting_user)
    return locked


def quotation_offer(*, quotation: Quotation, acting_user: User) -> Quotation:
    """Hand a competing quotation to the commerce officer for the side-by-side comparison."""
    with transaction.atomic():
        locked = lock_quotation(quotation, acting_user)
        require_preparer(acting_user, locked)
        refuse_state(locked, "offer")
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
        tell_officers(locked, _("A competing quotation is ready for comparison"))
    return locked


def quotation_choose(*, quotation: Quotation, acting_user: User, reason: str) -> Quotation:
    """The officer picks one competing quotation (with the reason on record); it goes on to be sent,
    and every other quotation still competing for the need is not chosen."""
    require_role(acting_user, *OFFICER_ROLES)
    see(acting_user, quotation)
    reason = normalize(reason or "", multiline=True)
    if not reason:
        message = _("Give the reason for choosing this quotation.")
        raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
    with transaction.atomic():
        locked = lock_quotation(quotation, acting_user)
        refuse_state(locked, "choose")
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
            tell_provider(other, _("Another provider's quotation was chosen"))
        _after_dispatch(locked, acting_user)
    return locked


