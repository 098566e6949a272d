"""The answers a quotation waits for: the commerce deputy's, the municipality's (clerk, then mayor above
its threshold), and expiry past its validity. Approval places the order in the same transaction."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core.audit import audit_record, audit_record_many, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.roles import MUNICIPALITY_ROLES, MunicipalPost, Role
from hamyar.core.scoping import membership_of, require_role
from hamyar.core.text import normalize
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_record_commerce_step

from ..choices import QuotationStatus
from ..models import Quotation
from ..selectors.policy import commerce_policy_get
from .orders import order_build
from .quotations import (
    TRANSITIONS,
    check_need_open,
    lock_quotation,
    refuse_state,
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
    require_role(acting_user, Role.EXECUTIVE)
    with transaction.atomic():
        locked = lock_quotation(quotation, acting_user)
        refuse_state(locked, "deputy_approve")
        check_need_open(locked)
        before = snapshot(locked)
        now = timezone.now()
        locked.status = S.SENT
        locked.deputy_approved_by = acting_user
        locked.deputy_approved_at = now
        locked.sent_at = now
        locked.save()
        audit_record(actor=acting_user, action="quotation.deputy_approve", obj=locked, before=before,
                     after=snapshot(locked))
        tell_municipality(locked, _("A quotation awaits your approval"))
    return locked


# ---------------------------------------------------------------- the municipality's answer


def _is_mayor(membership: Membership) -> bool:
    return membership.post == MunicipalPost.MAYOR


def _is_clerk(membership: Membership) -> bool:
    return membership.post in (MunicipalPost.PROCUREMENT, "")


def _require_answerer(user: User, quotation: Quotation, verb: str) -> Membership:
    """A municipality user of the quotation's own municipality, its procurement clerk or its mayor."""
    membership = membership_of(user)
    if membership is None or membership.role not in MUNICIPALITY_ROLES:
        raise PermissionDenied()
    if membership.municipality_id != quotation.need.municipality_id:
        raise NotFound()
    if not (_is_clerk(membership) or _is_mayor(membership)):
        if verb == "approve":
            raise PermissionDenied(_("Only the procurement clerk or the mayor approves quotations."))
        raise PermissionDenied(_("Only the procurement clerk or the mayor rejects quotations."))
    return membership


def quotation_approve(*, quotation: Quotation, acting_user: User) -> Quotation:
    """The municipality approves, once. Above the mayor threshold the procurement clerk approves first
    and the mayor after; below it the clerk's approval approves. Approval places the order.

    The quotation's and the order's events are appended to the audit chain together (one lock of it).
    """
    with transaction.atomic():
        locked = lock_quotation(quotation, acting_user)
        membership = _require_answerer(acting_user, locked, "approve")
        refuse_state(locked, "approve")
        if locked.sent_at is None:
            raise NotFound()
        check_need_open(locked)
        before = snapshot(locked)
        now = timezone.now()
        if locked.status == S.SENT:
            if not _is_clerk(membership):
                raise ApplicationError(_("The procurement clerk approves first; then the mayor."),
                                       code="chain_order")
            locked.clerk_approved_by, locked.clerk_approved_at = acting_user, now
            policy = commerce_policy_get(organization_id=locked.organization_id)
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
        entries = [(action, locked, before, snapshot(locked))]
        if locked.status == S.AWAITING_MAYOR:
            audit_record_many(actor=acting_user, organization=locked.organization, entries=entries)
            tell_municipality(locked, _("A quotation awaits the mayor's approval"),
                              posts=[MunicipalPost.MAYOR])
            return locked
        try:
            order = order_build(quotation=locked)
        except IntegrityError:
            # The one-to-one order already exists: another approval won the race.
            raise ApplicationError(_("This quotation has already been approved."),
                                   code="quotation_state") from None
        entries.append(("order.place", order, None, snapshot(order)))
        audit_record_many(actor=acting_user, organization=locked.organization, entries=entries)
        tell_provider(locked, _("Your quotation was approved; an order was placed"))
        tell_officers(locked, _("A quotation was approved; an order was placed"))
        need_record_commerce_step(need=locked.need, status=NeedStatus.APPROVED, acting_user=acting_user)
    return locked


def quotation_reject(*, quotation: Quotation, acting_user: User, reason: str) -> Quotation:
    """The municipality rejects a quotation sent to it, once, with the reason."""
    with transaction.atomic():
        locked = lock_quotation(quotation, acting_user)
        membership = _require_answerer(acting_user, locked, "reject")
        reason = normalize(reason or "", multiline=True)
        if not reason:
            message = _("Give the reason for rejecting the quotation.")
            raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
        refuse_state(locked, "reject")
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
        tell_provider(locked, _("Your quotation was rejected"))
        tell_officers(locked, _("A quotation was rejected by the municipality"))
    return locked


# ---------------------------------------------------------------- expiry (periodic)


def quotation_expire(*, quotation: Quotation, acting_user: User | None = None) -> Quotation | None:
    """Expire one quotation still waiting for the municipality past its validity; None if it no longer is."""
    with transaction.atomic():
        locked = lock_quotation(quotation, None)
        if locked.status not in TRANSITIONS["expire"] or locked.valid_until >= timezone.localdate():
            return None
        before = snapshot(locked)
        locked.status, locked.decided_at = S.EXPIRED, timezone.now()
        locked.save()
        audit_record(actor=acting_user, action="quotation.expire", obj=locked, before=before,
                     after=snapshot(locked))
        tell_provider(locked, _("Your quotation expired before the municipality answered"))
        tell_officers(locked, _("A quotation expired before the municipality answered"))
    return locked


def quotation_expire_due() -> int:
    """Expire every quotation past its validity still waiting for the municipality; safe to run again."""
    due = Quotation.objects.filter(status__in=TRANSITIONS["expire"], valid_until__lt=timezone.localdate())
    expired = 0
    for quotation in due.order_by("pk"):
        if quotation_expire(quotation=quotation) is not None:
            expired += 1
    return expired
