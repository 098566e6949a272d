"""The one way a service saves a model: validate, save, audit, all in one transaction."""

from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, snapshot
from .errors import InvalidInput

M = TypeVar("M", bound=models.Model)


def validation_messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("__all__" if field == NON_FIELD_ERRORS else field): [str(m) for m in errs]
            for field, errs in error.message_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}


def invalid_from(error: DjangoValidationError) -> InvalidInput:
    messages = validation_messages(error)
    first = next(iter(messages.values()))[0]
    return InvalidInput(first, extra={"fields": messages})


def save_audited(
    obj: M,
    *,
    acting_user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    before: dict[str, Any] | None = None,
    m2m: dict[str, list[Any]] | None = None,
) -> M:
    """full_clean, save, set many-to-many fields and write the AuditEvent; nothing lands on error."""
    try:
        obj.full_clean()
    except DjangoValidationError as error:
        raise invalid_from(error) from None
    try:
        with transaction.atomic():
            obj.save()
            for name, values in (m2m or {}).items():
                getattr(obj, name).set(values)
            audit_record(
                actor=acting_user, action=action, obj=obj, before=before, after=snapshot(obj)
            )
    except IntegrityError:
        # A concurrent write took the same unique value between the check and the save.
        raise InvalidInput(
            _("A record with the same name or number already exists."), code="duplicate"
        ) from None
    return obj
