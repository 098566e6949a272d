"""Telling people what waits for them, with the step that leaves it waiting.

The message is written inside the step's transaction (a refused or rolled-back step tells no one) and
at the step's time (the demo's story relies on it); `notify` sends the e-mail once it has committed.
The recipients come from `notification_recipients`, so `notify` need not check them again.
"""

from typing import Any

from hamyar.accounts.services import notification_recipients, notify

__all__: list[str] = []


def tell(*, organization_id: int, subject: Any, body: Any = "", url: str = "", **who: Any) -> None:
    """Notify the members `who` selects (roles, municipality_id, provider_id, posts), if any."""
    recipients = notification_recipients(organization_id=organization_id, **who)
    if recipients:
        notify(organization_id=organization_id, recipients=recipients, subject=str(subject), body=str(body),
               url=url)
