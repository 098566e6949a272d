"""The time the audit log stamps an event with: now, unless a caller has set the clock.

The demo tells months of work in one run; it sets the clock to each step's day so every AuditEvent is
written at the time the story says, once and in order — the chain is append-only, so the times cannot
be mended afterwards. Nothing outside the demo (and tests) sets it. The setting is per context (thread
or task), so one request's clock never leaks into another's.
"""

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("hamyar_clock", default=None)


def now() -> dt.datetime:
    """The clock's time if set, else the real time (aware, UTC)."""
    return _moment.get() or timezone.now()


def is_set() -> bool:
    """Whether a caller (the demo) has set the clock: rows stamped by the database then follow it."""
    return _moment.get() is not None


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Everything audited inside happens at `moment` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("the clock takes an aware datetime")
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)
