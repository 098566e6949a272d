"""Writes of price-sheet imports: the upload, the check of every row, and the all-or-nothing apply.

The flow a page or the API follows:
  1. price_import_create(...)       the upload: type, size, headers and a first row checked
  2. price_import_validate(...)     every row checked, every error stored: "valid" or "invalid"
  3. price_import_apply(...)        a valid sheet applied as a new price list: one transaction,
                                    nothing written unless every row is valid
Whether 2 and 3 run in the request or on the task worker is decided in tasks.py
(price_import_validate_start, price_import_apply_start), which the pages call. Progress is
PriceImport.processed_rows / total_rows while "validating"; an apply is one transaction, so other
connections see it as "applying" until it commits. Errors are stored in PriceImport.errors as
{"row", "column", "code", "params"}.
"""

import io
import logging
import os
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import IO, Any, Literal, overload

from django.core.files.base import ContentFile
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, field_error
from hamyar.core.jalali import JalaliDateError, clean_date_text, parse_date
from hamyar.core.models import AuditEvent
from hamyar.core.roles import Role
from hamyar.core.text import normalize
from hamyar.directory.models import Organization, Provider

from .. import sheets
from ..choices import VALIDATABLE, ImportStatus
from ..models import PriceImport, PriceList
from ..sheets import SheetFileError
from .common import provider_membership
from .import_apply import (
    IMPORT_AUDIT_FIELDS,
    AlreadyApplied,
    Rejected,
    apply_sheet,
    organization_domains,
    read_import,
)

__all__ = ["IMPORTERS", "STALE_APPLY", "RecoveryOutcome", "price_import_apply", "price_import_apply_claim",
           "price_import_apply_claimed", "price_import_create", "price_import_recover",
           "price_import_validate"]

logger = logging.getLogger(__name__)

IMPORTERS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.SUPPLIER_USER)
# A check that saved no progress for this long died with its worker; it may be started again.
STALE_CHECK = timedelta(minutes=15)
# An apply claimed this long ago and still "applying", whose provider no transaction holds, lost its worker.
STALE_APPLY = timedelta(minutes=15)
# How often an import whose worker died is queued again before it is reported failed.
MAX_APPLY_REQUEUES = 1


@overload
def _as_date(value: date | str | None, field: str, *, required: Literal[True]) -> date: ...
@overload
def _as_date(value: date | str | None, field: str, *, required: Literal[False]) -> date | None: ...
def _as_date(value: date | str | None, field: str, *, required: bool) -> date | None:
    """A date, or text read by the one date parser: Jalali (۱۴۰۵/۰۱/۰۱) or Gregorian (2026-03-21)."""
    if value is None or (isinstance(value, str) and not clean_date_text(value)):
        if required:
            raise field_error(field, _("Enter the date."))
        return None
    try:
        return parse_date(value)
    except JalaliDateError as error:
        raise field_error(field, error.message) from None


def _sheet_invalid(error: SheetFileError) -> InvalidInput:
    return InvalidInput(error.message, code=f"sheet_{error.error.code}",
                        extra={"fields": {"file": [error.message]}})


def price_import_create(
    *, acting_user: User, provider: Provider, file: IO[bytes], title: str, valid_from: date | str | None,
    valid_until: date | str | None = None,
) -> PriceImport:
    """Accept an uploaded price sheet; refuses at once what is not a usable xlsx.

    `file` is an uploaded file (anything with `.name` and `.read()`); the dates are
    `date`s or text (Jalali or ISO). Refusals are InvalidInput with a per-field
    message under `extra["fields"]` ("file", "title", "valid_from", "valid_until").
    The import is "pending": tasks.price_import_validate_start checks its rows.
    """
    membership = provider_membership(acting_user, provider, IMPORTERS)
    title = normalize(title)
    if not title:
        raise field_error("title", _("Give the price list a title."))
    if len(title) > 200:
        raise field_error("title", _("The title must be at most 200 characters."))
    valid_from = _as_date(valid_from, "valid_from", required=True)
    valid_until = _as_date(valid_until, "valid_until", required=False)
    if valid_until is not None and valid_until < valid_from:
        raise field_error("valid_until", _("The end of validity must not be before its start."))
    name = os.path.basename(str(getattr(file, "name", "") or ""))
    size = getattr(file, "size", None)
    try:
        if size is not None and size > sheets.MAX_FILE_BYTES:
            raise SheetFileError("too_large", limit=sheets.MAX_FILE_BYTES // (1024 * 1024))
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(sheets.MAX_FILE_BYTES + 1)
        sheets.check_file_bytes(data, name)
        first = sheets.read_sheet(io.BytesIO(data), header_only=True)
    except SheetFileError as error:
        raise _sheet_invalid(error) from None
    price_import = PriceImport(
        organization=membership.organization, provider=provider, uploaded_by=acting_user,
        original_name=name[:200], title=title, valid_from=valid_from, valid_until=valid_until,
        total_rows=first.declared_rows or 0,  # an estimate until the check counts them
    )
    price_import.file.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            price_import.save()
            audit_record(actor=acting_user, action="price_import.create", obj=price_import,
                         after=snapshot(price_import, IMPORT_AUDIT_FIELDS))
    except BaseException:
        price_import.file.delete(save=False)
        raise
    return price_import


def _claim(price_import: PriceImport, *, allowed: Iterable[str], to: str, stale: Q | None = None) -> None:
    """Move the import to `to` only from an allowed state, atomically: a second click or task is refused."""
    condition = Q(status__in=allowed) | stale if stale is not None else Q(status__in=allowed)
    try:
        claimed = PriceImport.objects.filter(condition, pk=price_import.pk).update(
            status=to, updated_at=timezone.now()
        )
    except OperationalError:  # SQLite: another writer holds the database past the busy timeout
        raise ApplicationError(_("The catalog is busy with another price sheet; try again in a minute."),
                               code="busy") from None
    if not claimed:
        price_import.refresh_from_db(fields=["status"])
        raise ApplicationError(
            _("This price sheet is %(status)s; it cannot be processed now.")
            % {"status": price_import.get_status_display()},
            code="import_state",
        )
    price_import.status = to


def _finish(price_import: PriceImport, *, status: str, errors: list[dict[str, Any]], action: str,
            acting_user: User | None = None, total_rows: int | None = None) -> None:
    """Store the outcome of a check or an apply that wrote nothing, with its AuditEvent."""
    fields: dict[str, Any] = {"status": status, "errors": list(errors), "updated_at": timezone.now()}
    if total_rows is not None:
        fields["total_rows"] = fields["processed_rows"] = total_rows
    with transaction.atomic():
        PriceImport.objects.filter(pk=price_import.pk).update(**fields)
        price_import.refresh_from_db()
        audit_record(actor=acting_user, action=action, obj=price_import,
                     after={**snapshot(price_import, IMPORT_AUDIT_FIELDS), "errors": len(errors)})


def price_import_validate(*, price_import: PriceImport) -> PriceImport:
    """Check every row and store every error; status becomes "valid" or "invalid". Writes no item or price.

    Progress (processed_rows of total_rows) is saved as it goes, outside any
    transaction, so a page polling the import sees it move.
    """
    stale = Q(status=ImportStatus.VALIDATING, updated_at__lt=timezone.now() - STALE_CHECK)
    _claim(price_import, allowed=VALIDATABLE, to=ImportStatus.VALIDATING, stale=stale)
    PriceImport.objects.filter(pk=price_import.pk).update(processed_rows=0, errors=[])
    try:
        sheet = read_import(price_import)
        total = len(sheet.rows)
        PriceImport.objects.filter(pk=price_import.pk).update(total_rows=total)

        def progress(done: int) -> None:
            PriceImport.objects.filter(pk=price_import.pk).update(processed_rows=done,
                                                                  updated_at=timezone.now())

        errors = sheets.check_rows(sheet, domains=organization_domains(price_import.organization_id),
                                   on_progress=progress, progress_every=max(200, total // 50))
    except SheetFileError as error:
        _finish(price_import, status=ImportStatus.INVALID, errors=[error.error.as_dict()],
                action="price_import.validate", total_rows=0)
        return price_import
    except Exception:
        _finish(price_import, status=ImportStatus.FAILED,
                errors=[sheets.SheetError("check_failed").as_dict()], action="price_import.validate")
        raise
    status = ImportStatus.INVALID if errors else ImportStatus.VALID
    _finish(price_import, status=status, errors=errors, action="price_import.validate", total_rows=total)
    return price_import


def price_import_apply_claim(*, price_import: PriceImport, acting_user: User) -> PriceImport:
    """Move a valid sheet to "applying" for its apply (here or on the worker): a second click is refused."""
    provider_membership(acting_user, price_import.provider, IMPORTERS)
    _claim(price_import, allowed=(ImportStatus.VALID,), to=ImportStatus.APPLYING)
    return price_import


def price_import_apply(*, price_import: PriceImport, acting_user: User) -> PriceList:
    """Apply a checked sheet as a new price list, all or nothing, in one transaction.

    Each row is checked again as it is applied (the catalog may have changed since
    the check): the first row of a code creates the item, or updates the existing
    one where the sheet differs (as item_create / item_update would, each with its
    AuditEvent, in batches); every tier becomes a price of one new price list
    (price_list_publish).
    The provider is locked from the first write to the commit, so a second import of
    the same supplier waits and cannot interleave. On any error every write is
    rolled back, the errors are stored and InvalidInput is raised.
    """
    price_import_apply_claim(price_import=price_import, acting_user=acting_user)
    return price_import_apply_claimed(price_import=price_import, acting_user=acting_user)


def price_import_apply_claimed(*, price_import: PriceImport, acting_user: User) -> PriceList:
    """The apply itself, for an import already moved to "applying" (by price_import_apply or the task)."""
    try:
        with transaction.atomic():
            return apply_sheet(price_import, acting_user)
    except Rejected as rejected:
        _finish(price_import, status=ImportStatus.INVALID, errors=rejected.errors,
                action="price_import.reject", acting_user=acting_user)
        raise InvalidInput(
            _("The price sheet has errors; nothing was written. "
              "Correct the rows listed and upload it again."),
            code="sheet_invalid", extra={"errors": len(rejected.errors)},
        ) from None
    except AlreadyApplied:
        raise ApplicationError(_("This price sheet has already been applied."), code="import_state") from None
    except ApplicationError as error:  # a service refused the sheet as a whole; nothing was written
        refusal = sheets.SheetError("service_refused", params={"message": str(error.message)})
        _finish(price_import, status=ImportStatus.INVALID, errors=[refusal.as_dict()],
                action="price_import.reject", acting_user=acting_user)
        raise
    except OperationalError:
        _finish_quietly(price_import, acting_user)
        raise ApplicationError(_("The catalog is busy with another price sheet; try again in a minute."),
                               code="busy") from None
    except Exception:
        _finish_quietly(price_import, acting_user)
        raise


def _finish_quietly(price_import: PriceImport, acting_user: User) -> None:
    """After an unexpected failure the import may be checked and applied again; nothing was written."""
    try:
        _finish(price_import, status=ImportStatus.FAILED, action="price_import.fail", acting_user=acting_user,
                errors=[sheets.SheetError("apply_failed").as_dict()])
    except Exception:  # the database itself may be what failed; the apply's own error matters more
        logger.exception("Could not record the failure of price import %s", price_import.pk)


class RecoveryOutcome(StrEnum):
    REQUEUED = "requeued"
    FAILED = "failed"


def price_import_recover(*, price_import: PriceImport, stale_before: datetime,
                         requeue_as: User | None) -> RecoveryOutcome | None:
    """Take back an import left "applying" by a worker that died; None when its apply is still alive.

    The apply is one transaction holding its provider's row lock (SQLite: the database's write lock)
    from its first write to its commit, and a dead worker's transaction is rolled back with its
    connection. So an import claimed before `stale_before` whose provider can be locked now has no
    live apply and nothing of it was written. It is then queued again as `requeue_as` (once, and only
    when the caller knows who applied it; the caller enqueues the task) or marked failed with a reason
    the page shows, so that no import stays "applying".
    """
    stuck = Q(pk=price_import.pk, status=ImportStatus.APPLYING, price_list__isnull=True,
              updated_at__lt=stale_before)
    try:
        with transaction.atomic():
            if connection.features.has_select_for_update:
                # Organization then provider, as every apply takes them (lock_provider), and never waiting:
                # a row held by someone else is an apply (or another write) under way; try next round.
                lockable = [Organization.objects.filter(pk=price_import.organization_id),
                            Provider.objects.filter(pk=price_import.provider_id)]
                if not all(rows.select_for_update(skip_locked=True).exists() for rows in lockable):
                    return None
            if not PriceImport.objects.filter(stuck).exists():
                return None
            requeues = AuditEvent.objects.filter(
                object_type=PriceImport._meta.label_lower, object_id=str(price_import.pk),
                action="price_import.requeue").count()
            now = timezone.now()
            if requeue_as is not None and requeues < MAX_APPLY_REQUEUES:
                PriceImport.objects.filter(stuck).update(updated_at=now)
                outcome, action, errors = RecoveryOutcome.REQUEUED, "price_import.requeue", []
            else:
                errors = [sheets.SheetError("worker_lost").as_dict()]
                PriceImport.objects.filter(stuck).update(status=ImportStatus.FAILED, errors=errors,
                                                         updated_at=now)
                outcome, action = RecoveryOutcome.FAILED, "price_import.fail"
            price_import.refresh_from_db()
            audit_record(actor=None, action=action, obj=price_import,
                         after={**snapshot(price_import, IMPORT_AUDIT_FIELDS), "errors": len(errors),
                                "requeues": requeues})
    except OperationalError:  # SQLite: a live apply holds the write lock past the busy timeout
        return None
    return outcome
