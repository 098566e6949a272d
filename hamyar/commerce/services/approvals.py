"""The answers a quotation waits for: the commerce deputy's, the municipality's (clerk, then mayor above
its threshold), and expiry past its validity. Approval places the order in the same transaction."""

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, PermissionDenied
from hamyar.core.roles import MUNICIPALITY_ROLES, MunicipalPost
from hamyar.core.scoping import membership_of
from hamyar.core.text import normalize
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_record_commerce_step

from ..choices import QUOTATION_LIFECYCLE, QuotationAction, QuotationStatus
from ..models import CommercePolicy, Quotation
from .orders import order_build
from .quotations import (
    check_need_open,
    quotation_step,
    tell_municipality,
    tell_officers,
    tell_provider,
)

__all__ = [
    "quotation_approve",
    "quotation_deputy_approve",
    "quotation_expire",
    "quotation_expire_due",
    "quotation_reject",
]

S = QuotationStatus


def quotation_deputy_approve(*, quotation: Quotation, acting_user: User) -> Quotation:
    """The commerce deputy (an executive) lets a quotation above the threshold go to the municipality."""
    with quotation_step(quotation, QuotationAction.DEPUTY_APPROVE, acting_user=acting_user) as step:
        locked = step.obj
        check_need_open(locked)
        now = timezone.now()
        locked.deputy_approved_by = acting_user
        locked.deputy_approved_at = now
        locked.sent_at = now
        tell_municipality(locked, _("A quotation awaits your approval"))
    return step.obj


# ---------------------------------------------------------------- the municipality's answer


def _is_mayor(membership: Membership) -> bool:
    return membership.post == MunicipalPost.MAYOR


def _is_clerk(membership: Membership) -> bool:
    return membership.post in (MunicipalPost.PROCUREMENT, "")


def _require_answerer(user: User, verb: str) -> Membership:
    """Of the municipality's users, its procurement clerk or its mayor answers (its other posts do not)."""
    membership = membership_of(user)
    if membership is None or membership.role not in MUNICIPALITY_ROLES:
        raise PermissionDenied()
    if not (_is_clerk(membership) or _is_mayor(membership)):
        if verb == "approve":
            raise PermissionDenied(_("Only the procurement clerk or the mayor approves quotations."))
        raise PermissionDenied(_("Only the procurement clerk or the mayor rejects quotations."))
    return membership


def _place_order(quotation: Quotation, acting_user: User) -> None:
    try:
        order = order_build(quotation=quotation)
    except IntegrityError:
        # The one-to-one order already exists: another approval won the race (the step rolls back).
        raise ApplicationError(_("This quotation has already been approved."),
                               code="quotation_state") from None
    order.organization = quotation.organization
    audit_record(actor=acting_user, action="order.place", obj=order, after=snapshot(order))
    need_record_commerce_step(need=quotation.need, status=NeedStatus.APPROVED, acting_user=acting_user,
                              locked=True)  # quotation_step holds the need's lock


def quotation_approve(*, quotation: Quotation, acting_user: User) -> Quotation:
    """The municipality approves, once. Above the mayor threshold the procurement clerk approves first
    and the mayor after; below it the clerk's approval approves. Approval places the order."""
    def event(current: Quotation, policy: CommercePolicy) -> str:
        """The clerk's approval of a quotation above the mayor's threshold is recorded as the clerk's."""
        clerks = current.status == S.SENT and current.total > policy.mayor_approval_above
        return "quotation.clerk_approve" if clerks else "quotation.approve"

    with quotation_step(quotation, QuotationAction.APPROVE, acting_user=acting_user, step=event) as step:
        membership = _require_answerer(acting_user, "approve")
        locked = step.obj
        check_need_open(locked)
        now = timezone.now()
        if locked.status == S.SENT:
            if not _is_clerk(membership):
                raise ApplicationError(_("The procurement clerk approves first; then the mayor."),
                                       code="chain_order")
            locked.clerk_approved_by, locked.clerk_approved_at = acting_user, now
            if locked.total > step.policy.mayor_approval_above:
                locked.status = S.AWAITING_MAYOR
            else:
                locked.status, locked.decided_at = S.APPROVED, now
        else:  # awaiting the mayor
            if not _is_mayor(membership):
                raise ApplicationError(_("The clerk has approved; this quotation now waits for the mayor."),
                                       code="chain_order")
            locked.mayor_approved_by, locked.mayor_approved_at = acting_user, now
            locked.status, locked.decided_at = S.APPROVED, now
        if locked.status == S.AWAITING_MAYOR:
            tell_municipality(locked, _("A quotation awaits the mayor's approval"),
                              posts=(MunicipalPost.MAYOR,))
        else:
            step.then.append(lambda: _place_order(locked, acting_user))
            tell_provider(locked, _("Your quotation was approved; an order was placed"))
            tell_officers(locked, _("A quotation was approved; an order was placed"))
    return step.obj


def quotation_reject(*, quotation: Quotation, acting_user: User, reason: str) -> Quotation:
    """The municipality rejects a quotation sent to it, once, with the reason."""
    with quotation_step(quotation, QuotationAction.REJECT, acting_user=acting_user) as step:
        membership = _require_answerer(acting_user, "reject")
        locked = step.obj
        reason = normalize(reason or "", multiline=True)
        if not reason:
            message = _("Give the reason for rejecting the quotation.")
            raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
        if locked.status == S.AWAITING_MAYOR and not _is_mayor(membership):
            raise ApplicationError(_("The clerk has approved; this quotation now waits for the mayor."),
                                   code="chain_order")
        locked.decided_at, locked.reason = timezone.now(), reason[:5000]
        tell_provider(locked, _("Your quotation was rejected"))
        tell_officers(locked, _("A quotation was rejected by the municipality"))
    return step.obj


# ---------------------------------------------------------------- expiry (periodic)


EXPIRING = QUOTATION_LIFECYCLE.step(QuotationAction.EXPIRE).sources


def quotation_expire(*, quotation: Quotation) -> Quotation | None:
    """Expire one quotation still waiting for the municipality past its validity; None if it no longer is.
    The system takes this step (the periodic task): no one's scope or role limits it."""
    try:
        with quotation_step(quotation, QuotationAction.EXPIRE, acting_user=None) as step:
            locked = step.obj
            if locked.valid_until >= timezone.localdate():
                raise _StillValid
            locked.decided_at = timezone.now()
            tell_provider(locked, _("Your quotation expired before the municipality answered"))
            tell_officers(locked, _("A quotation expired before the municipality answered"))
    except _StillValid:
        return None
    except ApplicationError as refused:
        if refused.code == "quotation_state":
            return None  # answered meanwhile
        raise
    return step.obj


class _StillValid(Exception):
    """Its validity was changed meanwhile: nothing to expire."""


def quotation_expire_due() -> int:
    """Expire every quotation past its validity still waiting for the municipality; safe to run again."""
    due = Quotation.objects.filter(status__in=EXPIRING, valid_until__lt=timezone.localdate())
    expired = 0
    for quotation in due.order_by("pk"):
        if quotation_expire(quotation=quotation) is not None:
            expired += 1
    return expired
