"""Every write to needs: creation, the lifecycle's transitions, attachments, assignment.

Each transition locks the need, checks the actor and the current state, writes the new state
and exactly one AuditEvent in one transaction, and queues the notifications.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError

from .choices import NeedStatus
from .models import Need

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
