"""The apply of a checked price sheet: its items written in batches, its tiers published as one price list.

Internal to price_imports.py: the caller has claimed the import ("applying") and holds
the transaction; anything refused raises Rejected, and the caller rolls back and stores it.
"""

import io
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, audit_record_many, snapshot
from hamyar.core.errors import InvalidInput
from hamyar.core.services import invalid_from
from hamyar.directory.models import Provider, ServiceDomain

from .. import sheets
from ..choices import ImportStatus, PriceListSource
from ..models import CatalogItem, PriceImport, PriceList
from ..search.synonyms import synonym_table
from ..sheets import SheetFileError
from .common import lock_provider
from .items import item_prepare
from .price_lists import PriceRow, price_list_publish

IMPORT_AUDIT_FIELDS = ["provider", "original_name", "file", "title", "valid_from", "valid_until",
                       "status", "total_rows", "price_list"]
_ITEM_FIELD_COLUMNS = {"name": "name", "code": "code", "domain": "domain", "unit": "unit",
                       "lead_time_days": "lead_time_days", "description": "description",
                       "attributes": "attributes", "in_stock": "in_stock"}


class AlreadyApplied(Exception):
    pass


class Rejected(Exception):
    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors
        super().__init__(f"{len(errors)} errors")


def read_import(price_import: PriceImport) -> sheets.RawSheet:
    with price_import.file.open("rb") as handle:
        data = handle.read()
    return sheets.read_sheet(io.BytesIO(data))


def organization_domains(organization_id: int) -> dict[str, ServiceDomain]:
    """The organization's domains for the domain cell; parents linked in memory (no query per item)."""
    domains = list(ServiceDomain.objects.filter(organization_id=organization_id))
    by_pk = {d.pk: d for d in domains}
    for domain in domains:
        domain.parent = by_pk.get(domain.parent_id) if domain.parent_id is not None else None
    return sheets.domain_lookup(domains)


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

    def __init__(self, *, acting_user: User, provider: Provider, existing: dict[str, CatalogItem],
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
        item_prepare(item, data, self.synonyms)
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


def apply_sheet(price_import: PriceImport, acting_user: User) -> PriceList:
    """Every row checked again and written; Rejected (nothing kept by the caller) at the end if any failed."""
    provider = price_import.provider
    lock_provider(provider)
    if not PriceImport.objects.filter(pk=price_import.pk, status=ImportStatus.APPLYING,
                                      price_list__isnull=True).exists():
        raise AlreadyApplied()
    try:
        sheet = read_import(price_import)
    except SheetFileError as error:
        raise Rejected([error.error.as_dict()]) from None
    domains = organization_domains(price_import.organization_id)
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
        raise Rejected(list(errors))
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
    after = {**snapshot(price_import, IMPORT_AUDIT_FIELDS), "items_created": writer.created,
             "items_updated": writer.updated, "prices": len(rows)}
    audit_record(actor=acting_user, action="price_import.apply", obj=price_import, after=after)
    return price_list
