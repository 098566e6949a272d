"""Checking a sheet row by row: each row's item and tier, or its errors; codes and tiers seen remembered."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .cells import CellError, cell_text, parse_attributes, parse_bool, parse_whole, shown_value
from .columns import (
    ITEM_KEYS,
    MAX_CODE_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_LEAD_TIME_DAYS,
    MAX_NAME_LENGTH,
    MAX_PRICE,
    MAX_QUANTITY,
    UNIT_FA,
    label_key,
    unit_from_text,
)
from .errors import ErrorList, SheetError
from .reading import RawSheet, is_blank

ITEM_DEFAULTS: dict[str, Any] = {
    "lead_time_days": 0, "in_stock": True, "description": "", "attributes": {},
}


@dataclass
class ItemSpec:
    """One item as the first row of its code describes it.

    `values` holds every item field whose column the sheet has (a blank cell
    gives the default); a field whose column is absent is left as it is.
    """

    code: str
    row: int
    values: dict[str, Any]
    failed: set[str] = field(default_factory=set)  # fields whose cell on that row was wrong


@dataclass
class TierSpec:
    code: str
    row: int
    min_quantity: int
    unit_price: int


@dataclass
class RowResult:
    """What one row adds: the item (on the first row of its code) and its tier, or its errors."""

    row: int
    item: ItemSpec | None = None
    tier: TierSpec | None = None
    errors: list[SheetError] = field(default_factory=list)


def domain_lookup(domains: Iterable[Any]) -> dict[str, Any]:
    """Domains by code (case-folded) and by name (as compared), for resolving the domain cell."""
    domains = list(domains)
    lookup: dict[str, Any] = {}
    for domain in domains:
        lookup.setdefault(label_key(domain.name), domain)
    for domain in domains:
        lookup[str(domain.code).casefold()] = domain
    return lookup


class RowChecker:
    """Checks rows one at a time, remembering codes and tiers seen, so a pass can write as it goes.

    Validation and apply both run every row through one checker; apply writes an
    item at the first row of its code and stops writing at the first error.
    """

    def __init__(self, *, columns: Iterable[str], domains: dict[str, Any]):
        self.columns = set(columns)
        self.domains = domains
        self.items: dict[str, ItemSpec] = {}
        self.tier_rows: dict[tuple[str, int], int] = {}
        self.error_count = 0

    def check(self, number: int, cells: dict[str, Any]) -> RowResult:
        result = RowResult(row=number)

        def fail(error_code: str, column: str | None = None, /, **params: Any) -> None:
            result.errors.append(SheetError(error_code, row=number, column=column, params=params))

        code = cell_text(cells.get("code"))
        if not code:
            fail("required", "code")
        elif len(code) > MAX_CODE_LENGTH:
            fail("too_long", "code", limit=MAX_CODE_LENGTH)
            code = ""
        values = {}
        for key in ITEM_KEYS:
            if key not in self.columns or is_blank(cells.get(key)):
                continue
            try:
                values[key] = self._item_value(key, cells[key])
            except CellError as error:
                fail(error.code, key, **error.params)
                values[key] = error  # neither a conflict nor a missing value
        known = self.items.get(code) if code else None
        if code and known is None:
            for key in ("name", "domain", "unit"):
                if key not in values:
                    fail("required", key)
            given = {k: ITEM_DEFAULTS[k] for k in ITEM_KEYS if k in self.columns and k in ITEM_DEFAULTS}
            given.update({k: v for k, v in values.items() if not isinstance(v, CellError)})
            failed = {k for k, v in values.items() if isinstance(v, CellError)}
            result.item = ItemSpec(code=code, row=number, values=given, failed=failed)
            self.items[code] = result.item
        elif known is not None:
            # A later tier row may leave the item's details blank; when it fills them in, they must agree.
            for key, value in values.items():
                if isinstance(value, CellError) or key in known.failed:
                    continue
                if known.values.get(key) != value:
                    fail("conflicting_details", key, other_row=known.row)
        quantity = self._quantity(cells, fail)
        price = self._price(cells, fail)
        if code and quantity:
            first = self.tier_rows.setdefault((code, quantity), number)
            if first != number:
                fail("duplicate_tier", "min_quantity", code=code, quantity=quantity, other_row=first)
            elif price is not None:
                result.tier = TierSpec(code=code, row=number, min_quantity=quantity, unit_price=price)
        self.error_count += len(result.errors)
        return result

    def _item_value(self, key: str, raw: Any) -> Any:
        if key == "name":
            value = cell_text(raw)
            if len(value) > MAX_NAME_LENGTH:
                raise CellError("too_long", limit=MAX_NAME_LENGTH)
            return value
        if key == "description":
            value = cell_text(raw, multiline=True)
            if len(value) > MAX_DESCRIPTION_LENGTH:
                raise CellError("too_long", limit=MAX_DESCRIPTION_LENGTH)
            return value
        if key == "domain":
            domain = self.domains.get(cell_text(raw).casefold()) or self.domains.get(label_key(raw))
            if domain is None:
                raise CellError("unknown_domain", value=shown_value(raw))
            return domain
        if key == "unit":
            unit = unit_from_text(raw)
            if unit is None:
                raise CellError("unknown_unit", value=shown_value(raw), choices="، ".join(UNIT_FA.values()))
            return unit
        if key == "lead_time_days":
            days = parse_whole(raw)
            if not 0 <= days <= MAX_LEAD_TIME_DAYS:
                raise CellError("bad_lead_time", limit=MAX_LEAD_TIME_DAYS)
            return days
        if key == "in_stock":
            return parse_bool(raw)
        return parse_attributes(raw)

    def _quantity(self, cells: dict[str, Any], fail) -> int:
        if "min_quantity" not in self.columns or is_blank(cells.get("min_quantity")):
            return 1
        try:
            quantity = parse_whole(cells["min_quantity"])
            if quantity < 1:
                raise CellError("quantity_below_one")
            if quantity > MAX_QUANTITY:
                raise CellError("absurd_quantity", value=quantity)
        except CellError as error:
            fail(error.code, "min_quantity", **error.params)
            return 0
        return quantity

    def _price(self, cells: dict[str, Any], fail) -> int | None:
        if is_blank(cells.get("unit_price")):
            fail("required", "unit_price")
            return None
        try:
            price = parse_whole(cells["unit_price"])
            if price < 0:
                raise CellError("negative_price")
            if price > MAX_PRICE:
                raise CellError("absurd_price", value=price)
        except CellError as error:
            fail(error.code, "unit_price", **error.params)
            return None
        return price


def check_rows(
    sheet: RawSheet,
    *,
    domains: dict[str, Any],
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> ErrorList:
    """Every row checked, every problem recorded (as dicts); `on_progress(rows done)` now and then."""
    checker = RowChecker(columns=sheet.columns, domains=domains)
    errors = ErrorList()
    for index, (number, cells) in enumerate(sheet.rows, start=1):
        errors.extend_errors(checker.check(number, cells).errors)
        if on_progress is not None and (index % progress_every == 0 or index == len(sheet.rows)):
            on_progress(index)
    return errors
