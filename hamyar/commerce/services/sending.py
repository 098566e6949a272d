"""Sending a quotation on: to the commerce deputy above its threshold, else to the municipality; a
competing quotation is offered for comparison and the officer chooses one (the others are not chosen).
A revision on its way supersedes the provider's earlier live ones."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.roles import Role
from hamyar.core.text import normalize
from hamyar.directory.models import AgencyAgreement
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_record_commerce_step

from ..choices import QUOTATION_LIFECYCLE, QuotationAction, QuotationStatus
from ..models import CommercePolicy, Quotation
from .quotations import (
    follow,
    quotation_step,
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
                       status__in=QUOTATION_LIFECYCLE.step(QuotationAction.SUPERSEDE).sources)
               .exclude(pk=quotation.pk).order_by("pk"))
    for old in earlier:
        follow(old, QuotationAction.SUPERSEDE, acting_user=acting_user, superseded_by=quotation.number)


def _dispatch(locked: Quotation, policy: CommercePolicy, acting_user: User) -> None:
    """Send a priced quotation on: to the commerce deputy above its threshold, else to the municipality.

    The step writes the event; this only sets the state.
    """
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
    with quotation_step(quotation, QuotationAction.SEND, acting_user=acting_user) as step:
        locked = step.obj
        if locked.is_competing:
            raise ApplicationError(
                _("Several providers compete for this need: offer the quotation for comparison; the "
                  "commerce officer chooses the one that is sent."), code="competing")
        _check_sendable(locked)
        _dispatch(locked, step.policy, acting_user)
        step.then.append(lambda: _after_dispatch(locked, acting_user))
    return step.obj


def quotation_offer(*, quotation: Quotation, acting_user: User) -> Quotation:
    """Hand a competing quotation to the commerce officer for the side-by-side comparison."""
    with quotation_step(quotation, QuotationAction.OFFER, acting_user=acting_user) as step:
        locked = step.obj
        if not locked.is_competing:
            raise ApplicationError(_("Only a competing quotation is offered for comparison; send this one."),
                                   code="not_competing")
        if locked.valid_until < timezone.localdate():
            raise ApplicationError(_("The quotation's validity date has passed; change it before sending."),
                                   code="validity_passed")
        tell_officers(locked, _("A competing quotation is ready for comparison"))
    return step.obj


def _not_chosen(chosen: Quotation, reason: str, acting_user: User) -> None:
    """Every other quotation still competing for the need is not chosen, with the officer's reason."""
    others = (Quotation.objects.select_for_update()
              .filter(need_id=chosen.need_id,
                      status__in=QUOTATION_LIFECYCLE.step(QuotationAction.NOT_CHOSEN).sources)
              .exclude(provider_id=chosen.provider_id).order_by("pk"))
    for other in others:
        other.choice_reason = reason
        follow(other, QuotationAction.NOT_CHOSEN, acting_user=acting_user, chosen=chosen.number)
        other.need = chosen.need
        tell_provider(other, _("Another provider's quotation was chosen"))


def quotation_choose(*, quotation: Quotation, acting_user: User, reason: str) -> Quotation:
    """The officer picks one competing quotation (with the reason on record); it goes on to be sent,
    and every other quotation still competing for the need is not chosen."""
    with quotation_step(quotation, QuotationAction.CHOOSE, acting_user=acting_user) as step:
        locked = step.obj
        reason = normalize(reason or "", multiline=True)[:5000]
        if not reason:
            message = _("Give the reason for choosing this quotation.")
            raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
        _check_sendable(locked)
        locked.choice_reason = reason
        _dispatch(locked, step.policy, acting_user)
        step.then.append(lambda: _not_chosen(locked, reason, acting_user))
        step.then.append(lambda: _after_dispatch(locked, acting_user))
    return step.obj
