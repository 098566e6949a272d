"""Telling people what waits for them, once the step has committed.

A refused or rolled-back step tells no one, and the step's own transaction spends no query on its
recipients. The demo sets the clock to each step's day; the message keeps that time although it is
written when the demo's transaction commits.
"""

from contextlib import nullcontext
from typing import Any

from django.db import transaction

from hamyar.accounts.services import notification_recipients, notify
from hamyar.core import clock

__all__: list[str] = []


def tell_on_commit(*, organization_id: int, subject: Any, body: Any = "", url: str = "", **who: Any) -> None:
    """Notify the members `who` selects (roles, municipality_id, provider_id, posts) after commit."""
    moment = clock.now() if clock.is_set() else None
    subject, body = str(subject), str(body)  # rendered now, in the language of the step

    def send() -> None:
        recipients = notification_recipients(organization_id=organization_id, **who)
        if recipients:
            with clock.at(moment) if moment is not None else nullcontext():
                notify(organization_id=organization_id, recipients=recipients, subject=subject, body=body,
                       url=url)

    transaction.on_commit(send)
