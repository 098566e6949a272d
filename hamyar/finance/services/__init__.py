"""Every write of finance: invoices from what was received or done, issuing, voiding, payments and
supplier commissions, one module per entity.

Each transition checks the actor (a row outside the actor's scope is NotFound, a wrong role
PermissionDenied), locks the rows it changes, checks the current state, and writes the new state
with exactly one AuditEvent per object whose state changed, in one transaction; whoever must act
next is told.
"""

from .commissions import *  # noqa: F403
from .common import DEFAULT_PAYMENT_TERM_DAYS, MAX_REASON, MAX_REFERENCE  # noqa: F401
from .invoices import *  # noqa: F403
from .payments import *  # noqa: F403
