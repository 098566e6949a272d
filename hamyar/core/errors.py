"""The project's errors: a service raises one, a page shows it as a form error, the API as JSON."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A refused action with a message a clerk understands; never a 500."""

    status = 409
    code = "conflict"
    default_message = _("This action is not allowed in the current state.")

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.extra = extra or {}
        super().__init__(str(self.message))


class InvalidInput(ApplicationError):
    """The input breaks a rule; `extra` may carry per-field messages."""

    status = 422
    code = "invalid"
    default_message = _("The submitted data is not valid.")


class PermissionDenied(ApplicationError):
    """The actor's role does not allow this action on an object it can see."""

    status = 403
    code = "forbidden"
    default_message = _("Your role does not allow this action.")


class NotFound(ApplicationError):
    """The object does not exist or is outside the actor's scope: both look the same."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class TooManyRequests(ApplicationError):
    """A public reader asked faster than `HAMYAR_PUBLIC_RATE` allows (see core.throttle)."""

    status = 429
    code = "too_many_requests"
    default_message = _("Too many requests from your address; wait a minute and try again.")


def field_error(field: str, message: Any, *, code: str = "invalid") -> InvalidInput:
    """A refusal of one field's value: the form shows it by its field, the API under `fields`."""
    return InvalidInput(message, code=code, extra={"fields": {field: [str(message)]}})


class StorageFull(ApplicationError):
    """The disk (or the quota) of the file storage is full: the upload was not kept, nor any row of it."""

    status = 507
    code = "storage_full"
    default_message = _("The server has no room left for files: the file was not saved and nothing was "
                        "recorded. Try again later, or tell the organization's IT staff.")
