"""What every finance write shares: the limits of the input, the actor's checks, and the words of
amounts and dates in messages."""

import datetime as dt
from typing import Any

from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from hamyar.accounts.models import User
from hamyar.core.errors import NotFound, PermissionDenied, field_error
from hamyar.core.jalali import format_jalali_date
from hamyar.core.lifecycle import Lifecycle, lock_in_scope
from hamyar.core.money import group_thousands
from hamyar.core.scoping import in_scope, role_of
from hamyar.core.text import normalize

from ..choices import WRITERS
from ..models import Invoice

# Days from the issue date to the due date when the officer gives none.
DEFAULT_PAYMENT_TERM_DAYS = 30
MAX_REASON = 2000
MAX_REFERENCE = 40
# The largest amount a payment may carry (a BigIntegerField holds more; no bill comes near this).
MAX_AMOUNT = 10**17


def rial(amount: int) -> str:
    """An amount for a message, in the active language's digits: ۱٬۲۰۰ or 1,200."""
    return group_thousands(amount, persian_digits=(get_language() or "fa").startswith("fa"))


def jalali(value: dt.date) -> str:
    return format_jalali_date(value, persian_digits=(get_language() or "fa").startswith("fa"))


def require_writer(obj: Model, acting_user: User) -> None:
    """For what starts no lifecycle step (billing, calculating): outside the actor's scope looks like
    absent (404); inside it, only finance writers act (403)."""
    if not in_scope(obj, acting_user):
        raise NotFound()
    if role_of(acting_user) not in WRITERS:
        raise PermissionDenied()


def hold(lifecycle: Lifecycle, obj: Model, action: str, *, acting_user: User) -> Any:
    """The row locked for a step that may leave its state as it is (a further part payment): the checks
    of `transition` — scope with the lock (404), role (403), state (409) — without the move."""
    locked = lock_in_scope(obj, acting_user)
    if role_of(acting_user) not in lifecycle.step(action).roles:
        raise PermissionDenied()
    if not lifecycle.allows(getattr(locked, lifecycle.field), action):
        raise lifecycle.state_error(locked, action)
    return locked


def require_date(value: Any, field: str, message: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise field_error(field, message)
    return value


def page_url(name: str, pk: int) -> str:
    """The page of a finance object; empty while the pages are not routed (the notice has no link)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def invoice_url(invoice: Invoice) -> str:
    return page_url("finance:invoice_detail", invoice.pk)


def normalize_reference(value: Any) -> str:
    """A bank or cheque reference as stored and compared: Persian text normalized, digits Latin."""
    return normalize(str(value or ""))
