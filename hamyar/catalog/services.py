"""Every write to the catalog: items, price lists published whole (never edited in place), price sheets."""

import io
import logging
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core.audit import audit_record, audit_record_many, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound
from hamyar.core.jalali import JalaliDateError, clean_date_text, parse_date
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.services import invalid_from, save_audited
from hamyar.core.text import normalize, search_key
from hamyar.directory.models import Organization, Provider, ServiceDomain

from . import sheets
from .choices import ImportStatus, PriceListSource
from .models import CatalogItem, Price, PriceImport, PriceList, SearchSynonym
from .search.synonyms import SynonymTable, items_with_keys, synonym_key, synonym_table
from .sheets import SheetFileError

logger = logging.getLogger(__name__)

CATALOG_EDITORS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.SUPPLIER_USER, Role.PROJECT_MANAGER)


def _require_provider(acting_user, provider: Provider):
    """The actor may edit this provider's catalog: officers any, bound users only their own."""
    membership = require_role(acting_user, *CATALOG_EDITORS)
    if provider is None or not in_scope(provider, acting_user):
        raise NotFound()
    if membership.role in PROVIDER_ROLES and membership.provider_id != provider.pk:
        raise NotFound()
    return membership


def item_search_text(item: CatalogItem, synonyms: SynonymTable | None = None) -> str:
    """Everything a clerk may type to find the item, normalized once on write, with the
    equivalents of the organization's synonyms found in it (`synonyms`: loaded when None)."""
    values = [item.name, item.code, item.description, item.provider.name, item.domain.name]
    domain = item.domain.parent
    while domain is not None:
        values.append(domain.name)
        domain = domain.parent
    for key, value in (item.attributes or {}).items():
        values.extend([str(key), str(value)])
    text = search_key(" ".join(v for v in values if v))
    if synonyms is None:
        synonyms = synonym_table(item.organization_id)
    return " ".join([text, *synonyms.equivalents_in(text)])


def _prepare(item: CatalogItem, data: dict[str, Any], synonyms: SynonymTable | None = None) -> None:
    for key, value in data.items():
        if key in {"name", "code"} and isinstance(value, str):
            value = normalize(value)
        if key == "description" and isinstance(value, str):
            value = normalize(value, multiline=True)
        if key == "attributes":
            if not isinstance(value, dict):
                raise InvalidInput(_("Attributes must be pairs of a name and a value."))
            value = {normalize(str(k)): normalize(str(v)) for k, v in value.items() if str(k).strip()}
        setattr(item, key, value)
    item.search_name = search_key(item.name)
    item.search_text = item_search_text(item, synonyms)


def item_create(*, acting_user, data: dict[str, Any]) -> CatalogItem:
    provider = data.get("provider")
    membership = _require_provider(acting_user, provider)
    domain = data.get("domain")
    if domain is None or not in_scope(domain, acting_user):
        raise InvalidInput(_("Choose the service domain of the item."))
    item = CatalogItem(organization=membership.organization)
    _prepare(item, data)
    return save_audited(item, acting_user=acting_user, action="catalog_item.create")


def item_update(*, item: CatalogItem, acting_user, data: dict[str, Any]) -> CatalogItem:
    _require_provider(acting_user, item.provider)
    data = {k: v for k, v in data.items() if k not in {"provider", "organization"}}
    if "domain" in data and (data["domain"] is None or not in_scope(data["domain"], acting_user)):
        raise InvalidInput(_("Choose the service domain of the item."))
    before = snapshot(item)
    _prepare(item, data)
    return save_audited(item, acting_user=acting_user, action="catalog_item.update", before=before)


@dataclass(frozen=True)
class PriceRow:
    item: CatalogItem
    min_quantity: int
    unit_price: int


def _lock_provider(provider: Provider) -> None:
    """One writer per provider's prices at a time: a second import waits, it cannot interleave.

    The organization row is locked first, because every audited write locks it too
    (the audit chain): taking organization then provider in every path means two
    writers never hold one each and wait for the other.
    """
    Organization.objects.select_for_update().filter(pk=provider.organization_id).exists()
    Provider.objects.select_for_update().filter(pk=provider.pk).exists()


@transaction.atomic
def price_list_publish(
    *,
    acting_user,
    provider: Provider,
    title: str,
    valid_from: date,
    valid_until: date | None,
    rows: list[PriceRow],
    source: str = "manual",
) -> PriceList:
    """A new price list with all its tiers, in one transaction; earlier lists stay as history."""
    membership = _require_provider(acting_user, provider)
    title = normalize(title)
    if not title:
        raise InvalidInput(_("Give the price list a title."))
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(_("The end of validity must not be before its start."))
    if not rows:
        raise InvalidInput(_("A price list needs at least one price."))
    seen: set[tuple[int, int]] = set()
    for row in rows:
        if row.item.provider_id != provider.pk:
            raise InvalidInput(_("Every priced item must belong to the price list's provider."))
        if row.unit_price < 0 or row.min_quantity < 1:
            raise InvalidInput(_("Prices must not be negative and tiers start at quantity 1."))
        if (row.item.pk, row.min_quantity) in seen:
            raise InvalidInput(_("An item has the same quantity tier twice."))
        seen.add((row.item.pk, row.min_quantity))
    _lock_provider(provider)
    price_list = PriceList.objects.create(
        organization=membership.organization, provider=provider, title=title,
        valid_from=valid_from, valid_until=valid_until, source=source, created_by=acting_user,
    )
    Price.objects.bulk_create(
        [
            Price(organization=membership.organization, price_list=price_list, item=row.item,
                  min_quantity=row.min_quantity, unit_price=row.unit_price)
            for row in rows
        ],
        batch_size=2000,
    )
    items_refresh_current_price(provider=provider)
    audit_record(
        actor=acting_user, action="price_list.publish", obj=price_list,
        after={**snapshot(price_list), "prices": len(rows)},
    )
    return price_list


def current_price_lists(*, on: date | None = None):
    """Price lists in force on a day."""
    on = on or timezone.localdate()
    return PriceList.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def items_refresh_current_price(*, provider: Provider | None = None, on: date | None = None) -> int:
    """Set each item's base-tier price from the newest price list in force that prices it."""
    newest = (
        Price.objects.filter(item=OuterRef("pk"), price_list__in=current_price_lists(on=on))
        .order_by("-price_list__valid_from", "-price_list_id", "min_quantity")
        .values("unit_price")[:1]
    )
    items = CatalogItem.objects.all()
    if provider is not None:
        items = items.filter(provider=provider)
    return items.update(current_price=Subquery(newest))


# ---------------------------------------------------------------- price sheets (xlsx)
#
# The flow a page or the API follows:
#   1. price_import_create(...)       the upload: type, size, headers and a first row checked, then
#                                     the check of every row starts (inline when small, else queued)
#   2. price_import_validate(...)     every row checked, every error stored: "valid" or "invalid"
#                                     (price_import_validate_enqueue for the task worker)
#   3. price_import_apply_start(...)  apply a valid sheet (inline when small, else queued); the apply is
#                                     price_import_apply: one transaction, nothing written unless all valid
# The preview page reads price_import_preview(...): errors in the reader's language, progress, what
# can be done next. Progress is PriceImport.processed_rows / total_rows while "validating"; an apply is
# one transaction, so other connections see it as "applying" until it commits.
# Errors are stored in PriceImport.errors as {"row", "column", "code", "params"}.

IMPORTERS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.SUPPLIER_USER)
# Sheets with more rows than this are checked and applied by the task worker, not in the request.
INLINE_MAX_ROWS = 2000
INLINE_MAX_BYTES = 150 * 1024
VALIDATABLE = (ImportStatus.PENDING, ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.FAILED)
# A check that saved no progress for this long died with its worker; it may be started again.
STALE_CHECK = timedelta(minutes=15)


def _require_importer(acting_user, provider: Provider):
    """Officers import for any provider of their organization, a supplier user only for its own."""
    membership = require_role(acting_user, *IMPORTERS)
    if provider is None or not in_scope(provider, acting_user):
        raise NotFound()
    if membership.role in PROVIDER_ROLES and membership.provider_id != provider.pk:
        raise NotFound()
    return membership


def _field_error(field: str, message) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [str(message)]}})


def _as_date(value, field: str, *, required: bool) -> date | None:
    """A date, or text read by the one date parser: Jalali (۱۴۰۵/۰۱/۰۱) or Gregorian (2026-03-21)."""
    if value is None or (isinstance(value, str) and not clean_date_text(value)):
        if required:
            raise _field_error(field, _("Enter the date."))
        return None
    try:
        return parse_date(value)
    except JalaliDateError as error:
        raise _field_error(field, error.message) from None


def _sheet_invalid(error: SheetFileError) -> InvalidInput:
    return InvalidInput(error.message, code=f"sheet_{error.error.code}",
                        extra={"fields": {"file": [error.message]}})


def price_import_create(
    *, acting_user, provider: Provider, file, title: str, valid_from, valid_until=None,
    validate: bool = True,
) -> PriceImport:
    """Accept an uploaded price sheet and start checking its rows; refuses at once what is not a usable xlsx.

    `file` is an uploaded file (anything with `.name` and `.read()`); the dates are
    `date`s or text (Jalali or ISO). Refusals are InvalidInput with a per-field
    message under `extra["fields"]` ("file", "title", "valid_from", "valid_until").
    With `validate` (the default) the check of every row runs now for a small
    sheet and is queued for a large one; the import is returned in its new state.
    """
    membership = _require_importer(acting_user, provider)
    title = normalize(title)
    if not title:
        raise _field_error("title", _("Give the price list a title."))
    if len(title) > 200:
        raise _field_error("title", _("The title must be at most 200 characters."))
    valid_from = _as_date(valid_from, "valid_from", required=True)
    valid_until = _as_date(valid_until, "valid_until", required=False)
    if valid_until is not None and valid_until < valid_from:
        raise _field_error("valid_until", _("The end of validity must not be before its start."))
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
                         after=snapshot(price_import, _IMPORT_AUDIT_FIELDS))
    except BaseException:
        price_import.file.delete(save=False)
        raise
    if validate:
        if price_import_in_background(price_import):
            price_import_validate_enqueue(price_import=price_import)
        else:
            price_import_validate(price_import=price_import)
        price_import.refresh_from_db()
    return price_import


_IMPORT_AUDIT_FIELDS = ["provider", "original_name", "file", "title", "valid_from", "valid_until",
                        "status", "total_rows", "price_list"]


def _claim(price_import: PriceImport, *, allowed, to: str, stale: Q | None = None) -> None:
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


def _finish(price_import: PriceImport, *, status: str, errors: list, action: str, acting_user=None,
            total_rows: int | None = None) -> None:
    """Store the outcome of a check or an apply that wrote nothing, with its AuditEvent."""
    fields = {"status": status, "errors": list(errors), "updated_at": timezone.now()}
    if total_rows is not None:
        fields["total_rows"] = fields["processed_rows"] = total_rows
    with transaction.atomic():
        PriceImport.objects.filter(pk=price_import.pk).update(**fields)
        price_import.refresh_from_db()
        audit_record(actor=acting_user, action=action, obj=price_import,
                     after={**snapshot(price_import, _IMPORT_AUDIT_FIELDS), "errors": len(errors)})


def _read_import(price_import: PriceImport) -> sheets.RawSheet:
    with price_import.file.open("rb") as handle:
        data = handle.read()
    return sheets.read_sheet(io.BytesIO(data))


def _domains(organization_id: int) -> dict[str, ServiceDomain]:
    """The organization's domains for the domain cell; parents linked in memory (no query per item)."""
    domains = list(ServiceDomain.objects.filter(organization_id=organization_id))
    by_pk = {d.pk: d for d in domains}
    for domain in domains:
        domain.parent = by_pk.get(domain.parent_id)
    return sheets.domain_lookup(domains)


def price_import_validate(*, price_import: PriceImport) -> PriceImport:
    """Check every row and store every error; status becomes "valid" or "invalid". Writes no item or price.

    Progress (processed_rows of total_rows) is saved as it goes, outside any
    transaction, so a page polling the import sees it move.
    """
    stale = Q(status=ImportStatus.VALIDATING, updated_at__lt=timezone.now() - STALE_CHECK)
    _claim(price_import, allowed=VALIDATABLE, to=ImportStatus.VALIDATING, stale=stale)
    PriceImport.objects.filter(pk=price_import.pk).update(processed_rows=0, errors=[])
    try:
        sheet = _read_import(price_import)
        total = len(sheet.rows)
        PriceImport.objects.filter(pk=price_import.pk).update(total_rows=total)

        def progress(done: int) -> None:
            PriceImport.objects.filter(pk=price_import.pk).update(processed_rows=done,
                                                                  updated_at=timezone.now())

        errors = sheets.check_rows(sheet, domains=_domains(price_import.organization_id),
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


class _AlreadyApplied(Exception):
    pass


class _Rejected(Exception):
    def __init__(self, errors: list):
        self.errors = errors
        super().__init__(f"{len(errors)} errors")


def price_import_apply(*, price_import: PriceImport, acting_user) -> PriceList:
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
    _require_importer(acting_user, price_import.provider)
    _claim(price_import, allowed=(ImportStatus.VALID,), to=ImportStatus.APPLYING)
    return price_import_apply_claimed(price_import=price_import, acting_user=acting_user)


def price_import_apply_claimed(*, price_import: PriceImport, acting_user) -> PriceList:
    """The apply itself, for an import already moved to "applying" (by price_import_apply or the task)."""
    try:
        with transaction.atomic():
            return _apply_sheet(price_import, acting_user)
    except _Rejected as rejected:
        _finish(price_import, status=ImportStatus.INVALID, errors=rejected.errors,
                action="price_import.reject", acting_user=acting_user)
        raise InvalidInput(
            _("The price sheet has errors; nothing was written. "
              "Correct the rows listed and upload it again."),
            code="sheet_invalid", extra={"errors": len(rejected.errors)},
        ) from None
    except _AlreadyApplied:
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


def _finish_quietly(price_import: PriceImport, acting_user) -> None:
    """After an unexpected failure the import may be checked and applied again; nothing was written."""
    try:
        _finish(price_import, status=ImportStatus.FAILED, action="price_import.fail", acting_user=acting_user,
                errors=[sheets.SheetError("apply_failed").as_dict()])
    except Exception:  # the database itself may be what failed; the apply's own error matters more
        logger.exception("Could not record the failure of price import %s", price_import.pk)


_ITEM_FIELD_COLUMNS = {"name": "name", "code": "code", "domain": "domain", "unit": "unit",
                       "lead_time_days": "lead_time_days", "description": "description",
                       "attributes": "attributes", "in_stock": "in_stock"}


def _refusal(error: InvalidInput, row: int) -> list[sheets.SheetError]:
    """A service's refusal of one item, as sheet errors on that row."""
    fields = (error.extra or {}).get("fields") or {"__all__": [str(error.message)]}
    return [
        sheets.SheetError("service_refused", row=row, column=_ITEM_FIELD_COLUMNS.get(field),
                          params={"message": str(message)})
        for field, messages in fields.items() for message in messages
    ]


class _ItemWriter:
    """Creates and updates one provider's items in batches, as item_create / item_update would.

    Each item gets the same normalization, search text and field checks, and its
    own AuditEvent ("catalog_item.create" / "catalog_item.update" with before and
    after); only the queries are shared by a batch. The caller holds the provider
    lock and has checked the actor's right once for the whole sheet.
    """

    _CHECK_EXCLUDE = ["organization", "provider", "domain", "search_name", "search_text", "current_price"]

    def __init__(self, *, acting_user, provider: Provider, existing: dict[str, CatalogItem],
                 batch_size: int = 1000):
        self.acting_user = acting_user
        self.provider = provider
        self.existing = existing
        self.batch_size = batch_size
        self.new: list[CatalogItem] = []
        self.changed: list[tuple[CatalogItem, dict, set[str]]] = []
        self.created = self.updated = 0
        self.synonyms = synonym_table(provider.organization_id)

    def add(self, spec: sheets.ItemSpec) -> CatalogItem:
        """The item for the sheet's code, created or changed in memory; InvalidInput if a field is refused."""
        item = self.existing.get(spec.code)
        if item is None:
            item = CatalogItem(organization_id=self.provider.organization_id, provider=self.provider)
            self._prepare(item, {"code": spec.code, **spec.values})
            self.new.append(item)
            self.existing[spec.code] = item
        else:
            changed = {
                key: value for key, value in spec.values.items()
                if (item.domain_id != value.pk if key == "domain" else getattr(item, key) != value)
            }
            if not changed:
                return item
            before = snapshot(item)
            self._prepare(item, changed)
            fields = {"domain" if key == "domain" else key for key in changed}
            self.changed.append((item, before, fields))
        if len(self.new) + len(self.changed) >= self.batch_size:
            self.flush()
        return item

    def _prepare(self, item: CatalogItem, data: dict[str, Any]) -> None:
        _prepare(item, data, self.synonyms)
        try:
            item.clean_fields(exclude=self._CHECK_EXCLUDE)
        except DjangoValidationError as error:
            raise invalid_from(error) from None

    def flush(self) -> None:
        now = timezone.now()
        entries: list[tuple[str, Any, dict | None, dict]] = []
        if self.new:
            CatalogItem.objects.bulk_create(self.new, batch_size=self.batch_size)
            entries += [("catalog_item.create", item, None, snapshot(item)) for item in self.new]
            self.created += len(self.new)
        if self.changed:
            fields = {"search_name", "search_text", "updated_at"}.union(*(f for _, _, f in self.changed))
            for item, before, _ in self.changed:
                item.updated_at = now
                entries.append(("catalog_item.update", item, before, snapshot(item)))
            CatalogItem.objects.bulk_update([item for item, _, _ in self.changed], sorted(fields),
                                            batch_size=self.batch_size)
            self.updated += len(self.changed)
        audit_record_many(actor=self.acting_user, organization=self.provider.organization, entries=entries)
        self.new, self.changed = [], []


def _apply_sheet(price_import: PriceImport, acting_user) -> PriceList:
    provider = price_import.provider
    _lock_provider(provider)
    if not PriceImport.objects.filter(pk=price_import.pk, status=ImportStatus.APPLYING,
                                      price_list__isnull=True).exists():
        raise _AlreadyApplied()
    try:
        sheet = _read_import(price_import)
    except SheetFileError as error:
        raise _Rejected([error.error.as_dict()]) from None
    domains = _domains(price_import.organization_id)
    domain_by_pk = {d.pk: d for d in domains.values()}
    existing: dict[str, CatalogItem] = {}
    for item in CatalogItem.objects.filter(provider=provider):
        item.provider = provider
        item.domain = domain_by_pk[item.domain_id]
        existing[item.code] = item
    writer = _ItemWriter(acting_user=acting_user, provider=provider, existing=existing)
    checker = sheets.RowChecker(columns=sheet.columns, domains=domains)
    errors = sheets.ErrorList()
    items: dict[str, CatalogItem] = {}
    tiers: list[sheets.TierSpec] = []
    for number, cells in sheet.rows:
        result = checker.check(number, cells)
        errors.extend_errors(result.errors)
        if errors:
            continue  # nothing more is written, but every row is still checked and reported
        if result.item is not None:
            try:
                items[result.item.code] = writer.add(result.item)
            except InvalidInput as error:
                errors.extend_errors(_refusal(error, number))
                continue
        if result.tier is not None:
            tiers.append(result.tier)
    if errors:
        raise _Rejected(list(errors))
    writer.flush()
    rows = [PriceRow(item=items[t.code], min_quantity=t.min_quantity, unit_price=t.unit_price) for t in tiers]
    price_list = price_list_publish(
        acting_user=acting_user, provider=provider, title=price_import.title,
        valid_from=price_import.valid_from, valid_until=price_import.valid_until, rows=rows,
        source=PriceListSource.IMPORT,
    )
    PriceImport.objects.filter(pk=price_import.pk).update(
        status=ImportStatus.APPLIED, price_list=price_list, errors=[],
        total_rows=len(sheet.rows), processed_rows=len(sheet.rows), updated_at=timezone.now(),
    )
    price_import.refresh_from_db()
    after = {**snapshot(price_import, _IMPORT_AUDIT_FIELDS), "items_created": writer.created,
             "items_updated": writer.updated, "prices": len(rows)}
    audit_record(actor=acting_user, action="price_import.apply", obj=price_import, after=after)
    return price_list


def price_import_in_background(price_import: PriceImport) -> bool:
    """Whether checking or applying this sheet belongs to the task worker rather than the request."""
    if price_import.total_rows:
        return price_import.total_rows > INLINE_MAX_ROWS
    return (price_import.file.size if price_import.file else 0) > INLINE_MAX_BYTES


def price_import_validate_enqueue(*, price_import: PriceImport) -> None:
    """Queue the check of every row; the page polls processed_rows / total_rows for its progress bar."""
    from .tasks import price_import_validate_task

    price_import_validate_task.enqueue(price_import.pk)


def price_import_apply_enqueue(*, price_import: PriceImport, acting_user) -> PriceImport:
    """Queue the apply of a valid sheet; the import is "applying" from now, so a second click is refused."""
    _require_importer(acting_user, price_import.provider)
    _claim(price_import, allowed=(ImportStatus.VALID,), to=ImportStatus.APPLYING)
    from .tasks import price_import_apply_task

    price_import_apply_task.enqueue(price_import.pk, acting_user.pk)
    return price_import


def price_import_apply_start(*, price_import: PriceImport, acting_user) -> PriceImport:
    """Apply a valid sheet now when small, else queue it; sheet errors end up on the import, not raised.

    Returns the import: "applied" (with its price_list), "invalid" (its errors
    stored, nothing written) or "applying" (queued for the worker).
    """
    if price_import_in_background(price_import):
        return price_import_apply_enqueue(price_import=price_import, acting_user=acting_user)
    try:
        price_import_apply(price_import=price_import, acting_user=acting_user)
    except InvalidInput as error:
        if error.code != "sheet_invalid":
            raise
    price_import.refresh_from_db()
    return price_import


def price_import_preview(*, price_import: PriceImport, limit: int | None = 1000) -> dict[str, Any]:
    """What the import page shows: the first `limit` errors in the reader's language, progress, next steps."""
    errors = price_import.errors or []
    status = price_import.status
    return {
        "errors": sheets.errors_for_display(errors[:limit] if limit else errors),
        "error_count": len(errors),
        "bad_rows": len({e.get("row") for e in errors if e.get("row")}),
        "errors_truncated": bool(limit) and len(errors) > limit,
        "progress_percent": 100 if status == ImportStatus.APPLIED else price_import.progress_percent,
        "is_running": status in (ImportStatus.VALIDATING, ImportStatus.APPLYING)
        or (status == ImportStatus.PENDING),
        "can_validate": status in VALIDATABLE,
        "can_apply": status == ImportStatus.VALID,
        "in_background": price_import_in_background(price_import),
    }


# ---------------------------------------------------------------- exports (reads; the caller
# fetched the price list or the items through a scoped selector)


def price_sheet_template(*, organization) -> bytes:
    """An empty price sheet with its headers, unit and yes/no choices, and a guide of domain codes."""
    domains = ServiceDomain.objects.filter(organization=organization).order_by("code")
    return sheets.write_price_sheet([], domains=domains)


def price_list_export(*, price_list: PriceList) -> bytes:
    """The price list in the import format, a row per tier in its original order; it re-imports unchanged."""
    prices = (
        Price.objects.filter(price_list=price_list)
        .select_related("item", "item__domain")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    domains = ServiceDomain.objects.filter(organization_id=price_list.organization_id).order_by("code")
    return sheets.write_price_sheet(sheets.iter_lines((p.item, p) for p in prices), domains=domains,
                                    title=price_list.title)


ITEM_EXPORT_HEADERS = ["کد کالا", "نام کالا", "تأمین‌کننده", "حوزه", "واحد", "قیمت فعلی (ریال)",
                       "زمان تحویل (روز)", "موجود"]


def items_export(items: Iterable[CatalogItem]) -> bytes:
    """Search results as a sheet: name, supplier, domain, unit, current price in Rial, lead time, in stock."""
    if isinstance(items, QuerySet):
        items = items.select_related("provider", "domain").iterator(chunk_size=2000)
    rows = (
        [item.code, item.name, item.provider.name, item.domain.name, sheets.UNIT_FA.get(item.unit, item.unit),
         item.current_price, item.lead_time_days, sheets.YES if item.in_stock else sheets.NO]
        for item in items
    )
    return sheets.write_table(ITEM_EXPORT_HEADERS, rows, title="کالاها",
                              widths=[14, 40, 28, 20, 12, 18, 14, 9], number_columns=(5, 6))


# ---------------------------------------------------------------- search synonyms

SYNONYM_EDITORS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER)
MAX_EQUIVALENTS = 10
_MIN_KEY = 3
_MAX_KEY = 60


def _synonym_keys(term: str, equivalents: Iterable[str]) -> tuple[str, list[str], list[str]]:
    """The term and equivalents normalized, and their keys (the term's first); InvalidInput per field."""
    errors: dict[str, list] = {}
    term = normalize(term or "")
    term_key = synonym_key(term)
    if not term_key:
        errors["term"] = [_("Write the term, e.g. LED.")]
    elif not _MIN_KEY <= len(term_key) <= _MAX_KEY:
        errors["term"] = [_("A term has 3 to 60 letters or digits (spaces are not counted).")]
    kept: list[str] = []
    keys = [term_key]
    for raw in equivalents:
        text = normalize(raw or "")
        key = synonym_key(text)
        if not key:
            continue
        if not _MIN_KEY <= len(key) <= _MAX_KEY:
            errors["equivalents"] = [_("“%(word)s”: an equivalent has 3 to 60 letters or digits.")
                                     % {"word": text}]
            break
        if key not in keys:
            keys.append(key)
            kept.append(text)
    if "equivalents" not in errors:
        if not kept and term_key:
            errors["equivalents"] = [
                _("Write at least one equivalent that is spelt differently from the term.")]
        elif len(kept) > MAX_EQUIVALENTS:
            errors["equivalents"] = [_("A term has at most 10 equivalents.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, extra={"fields": errors})
    return term, kept, keys


def _synonym_reindex(organization_id: int, keys: Iterable[str]) -> int:
    """Write again the search text of the items a synonym with `keys` applied or applies to.

    The search triggers then bring the FTS tables (SQLite) and the trigram structures
    (PostgreSQL) in step, as for any edit of an item.
    """
    ids = items_with_keys(organization_id, keys)
    if not ids:
        return 0
    table = synonym_table(organization_id)
    changed: list[CatalogItem] = []
    items = CatalogItem.objects.filter(pk__in=ids).select_related(
        "provider", "domain", "domain__parent", "domain__parent__parent")
    for item in items.iterator(chunk_size=1000):
        text = item_search_text(item, table)
        if text != item.search_text:
            item.search_text = text
            changed.append(item)
    CatalogItem.objects.bulk_update(changed, ["search_text"], batch_size=1000)
    return len(changed)


def _lock_synonyms(organization_id: int) -> None:
    """One synonym writer per organization at a time: the check that a key is not taken holds."""
    Organization.objects.select_for_update().filter(pk=organization_id).exists()


def synonym_create(*, acting_user, term: str, equivalents: Iterable[str]) -> SearchSynonym:
    """A term and its equivalents for the organization's search; the items holding them are indexed again."""
    membership = require_role(acting_user, *SYNONYM_EDITORS)
    if isinstance(equivalents, str):  # one equivalent, not its letters
        equivalents = [equivalents]
    term, kept, keys = _synonym_keys(term, list(equivalents))
    with transaction.atomic():
        _lock_synonyms(membership.organization_id)
        taken = {}
        for other in SearchSynonym.objects.filter(organization_id=membership.organization_id):
            taken.update(dict.fromkeys(other.keys, other))
        clash = next((k for k in keys if k in taken), None)
        if clash is not None:
            field = "term" if clash == keys[0] else "equivalents"
            message = _("“%(word)s” is already in the synonyms of “%(term)s”; change that one instead.") % {
                "word": ([term, *kept])[keys.index(clash)], "term": taken[clash].term}
            raise InvalidInput(message, extra={"fields": {field: [message]}})
        synonym = SearchSynonym(organization_id=membership.organization_id, term=term, equivalents=kept,
                                term_key=keys[0], keys=keys, created_by=acting_user)
        save_audited(synonym, acting_user=acting_user, action="search_synonym.create")
        _synonym_reindex(membership.organization_id, keys)
    return synonym


def synonym_remove(*, synonym: SearchSynonym, acting_user) -> None:
    """Remove a synonym; the items that held its words are indexed again without it."""
    require_role(acting_user, *SYNONYM_EDITORS)
    if not in_scope(synonym, acting_user):
        raise NotFound()
    with transaction.atomic():
        _lock_synonyms(synonym.organization_id)
        locked = SearchSynonym.objects.filter(pk=synonym.pk).first()
        if locked is None:
            raise NotFound()
        before = snapshot(locked)
        keys = list(locked.keys)
        audit_record(actor=acting_user, action="search_synonym.remove", obj=locked, before=before)
        locked.delete()
        _synonym_reindex(synonym.organization_id, keys)
