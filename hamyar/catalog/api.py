"""The catalog over HTTP: items (browse, search, create, update), price lists and their export.

Each endpoint validates the shape of its input, reads through a scoped selector
(or the search, which starts from one), calls one service and serialises. A
municipality user never receives what the organization does not offer it today:
an item or price list of a supplier without an agency agreement in force is 404.
"""

from datetime import date
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from hamyar.core.apikit import (
    MAX_TEXT,
    Id,
    InputSchema,
    PageQuery,
    PathId,
    Ref,
    describe,
    file_download,
    jalali_text,
    page_of,
    paginate,
    partial,
    resolve_refs,
    text,
    text_of,
)
from hamyar.core.errors import InvalidInput
from hamyar.core.scoping import require_role
from hamyar.directory import selectors as directory

from . import exports, selectors, services, sheets
from .choices import Unit
from .filters import PRICE_RANGE_REFUSED, ItemFilter, PriceListFilter, price_range_refused, search_arguments
from .models import CatalogItem, Price, PriceList
from .search import item_search

router = Router()




class Offer(Schema):
    """Whether municipalities see a record today; officers also get the agreement's end when they do not."""

    is_offered: bool = True
    agreement_ended_on: date | None = None
    agreement_ended_on_jalali: str | None = None

    @staticmethod
    def resolve_is_offered(obj) -> bool:
        return getattr(obj, "is_offered", True) is not False

    @staticmethod
    def resolve_agreement_ended_on(obj) -> date | None:
        if getattr(obj, "is_offered", True) is not False:
            return None
        return getattr(obj, "agreement_ended_on", None)

    @staticmethod
    def resolve_agreement_ended_on_jalali(obj) -> str | None:
        return jalali_text(Offer.resolve_agreement_ended_on(obj))


# ---------------------------------------------------------------- items


class ItemOut(Offer):
    id: int
    code: str
    name: str
    description: str
    provider: Ref
    domain: Ref
    unit: Unit
    unit_label: str
    lead_time_days: int
    attributes: dict[str, str]
    in_stock: bool
    is_active: bool
    current_price: int | None = Field(None, description="Rial, the base tier of the price list in force.")

    @staticmethod
    def resolve_unit_label(obj: CatalogItem) -> str:
        return obj.get_unit_display()


class TierOut(Schema):
    min_quantity: int
    unit_price: int = Field(..., description="Rial")


class PriceListRef(Schema):
    id: int
    title: str
    valid_from: date
    valid_until: date | None


class ItemDetailOut(ItemOut):
    price_list: PriceListRef | None = Field(None, description="The price list in force that prices the item.")
    tiers: list[TierOut] = Field(default_factory=list, description="Its quantity tiers, from quantity 1.")


class ItemEditIn(InputSchema):
    """The fields of an item that can change; its provider cannot (another provider's item is a new one)."""

    domain: Id
    code: text_of(CatalogItem, "code")
    name: text_of(CatalogItem, "name")
    description: text(MAX_TEXT) = ""
    unit: Unit
    lead_time_days: StrictInt = Field(0, ge=0, le=3650)
    attributes: dict[text(100), text(500)] = Field(default_factory=dict, max_length=100)
    in_stock: StrictBool = True
    is_active: StrictBool = True


class ItemIn(ItemEditIn):
    provider: Id


ItemPatch = partial(ItemEditIn)


ItemQuery = ItemFilter.query_schema()

items = Router(tags=["catalog items"])

_SEARCH_SALT = "hamyar.api.cursor:catalog.search"


def _search_page(request: HttpRequest, page: PageQuery, arguments: dict[str, Any]) -> dict[str, Any]:
    """Ranked search results: the cursor holds the position in the ranking (signed, with the query)."""
    offset = 0
    if page.cursor:
        try:
            state = signing.loads(page.cursor, salt=_SEARCH_SALT)
        except signing.BadSignature:
            state = None
        query = arguments["query"]
        if not isinstance(state, dict) or state.get("q") != query or not isinstance(state.get("o"), int):
            message = _("This page cursor is not valid; start again from the first page.")
            raise InvalidInput(message, code="invalid_cursor", extra={"fields": {"cursor": [message]}})
        offset = state["o"]
    result = item_search(user=request.auth, **arguments, limit=page.limit, offset=offset)
    found = list(result.items)
    following = offset + len(found)
    next_cursor = signing.dumps({"q": arguments["query"], "o": following}, salt=_SEARCH_SALT) \
        if found and following < result.total else None
    return {"items": found, "next_cursor": next_cursor}


@items.get("", response={200: page_of(ItemOut)}, openapi_extra=describe(CatalogItem))
def list_items(request: HttpRequest, filters: Query[ItemQuery], page: Query[PageQuery]) -> Any:
    """Items the caller may see; with `q`, the search's ranking, otherwise by name (keyset pages)."""
    values = filters.model_dump()
    if price_range_refused(values):
        raise InvalidInput(PRICE_RANGE_REFUSED, extra={"fields": {"price_max": [str(PRICE_RANGE_REFUSED)]}})
    arguments = search_arguments(values)
    if arguments["query"].strip():
        return _search_page(request, page, arguments)
    return paginate(selectors.item_filter(user=request.auth, filters=values), page)


def _detail(item: CatalogItem) -> CatalogItem:
    tiers = selectors.item_price_tiers(item=item)
    item.tiers = tiers
    item.price_list = tiers[0].price_list if tiers else None
    return item


@items.get("/{id}", response={200: ItemDetailOut}, openapi_extra=describe(CatalogItem))
def get_item(request: HttpRequest, id: int = PathId) -> Any:
    return _detail(selectors.item_get(user=request.auth, pk=id))


@items.post("", response={201: ItemDetailOut}, openapi_extra=describe(CatalogItem))
def create_item(request: HttpRequest, payload: ItemIn) -> Any:
    require_role(request.auth, *services.CATALOG_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(), provider=directory.provider_get,
                        domain=directory.domain_get)
    item = services.item_create(acting_user=request.auth, data=data)
    return Status(201, _detail(selectors.item_get(user=request.auth, pk=item.pk)))


@items.patch("/{id}", response={200: ItemDetailOut}, openapi_extra=describe(CatalogItem))
def update_item(request: HttpRequest, payload: ItemPatch, id: int = PathId) -> Any:
    item = selectors.item_get(user=request.auth, pk=id)
    require_role(request.auth, *services.CATALOG_EDITORS)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True), domain=directory.domain_get)
    services.item_update(item=item, acting_user=request.auth, data=data)
    return _detail(selectors.item_get(user=request.auth, pk=item.pk))


# ---------------------------------------------------------------- price lists


class PriceListOut(Offer):
    id: int
    title: str
    provider: Ref
    valid_from: date
    valid_from_jalali: str
    valid_until: date | None
    valid_until_jalali: str | None
    source: str
    price_count: int = 0

    @staticmethod
    def resolve_valid_from_jalali(obj: PriceList) -> str | None:
        return jalali_text(obj.valid_from)

    @staticmethod
    def resolve_valid_until_jalali(obj: PriceList) -> str | None:
        return jalali_text(obj.valid_until)


class PriceItemRef(Schema):
    id: int
    code: str
    name: str
    unit: Unit


class PriceOut(Schema):
    item: PriceItemRef
    min_quantity: int
    unit_price: int = Field(..., description="Rial")


class PriceListDetailOut(PriceListOut):
    prices: list[PriceOut]

    @staticmethod
    def resolve_prices(obj: PriceList) -> list[Price]:
        return obj.visible_prices


PriceListQuery = PriceListFilter.query_schema()


price_lists = Router(tags=["price lists"])


@price_lists.get("", response={200: page_of(PriceListOut)}, openapi_extra=describe(PriceList))
def list_price_lists(request: HttpRequest, filters: Query[PriceListQuery], page: Query[PageQuery]) -> Any:
    return paginate(selectors.price_list_list(user=request.auth, filters=filters.model_dump()), page)


@price_lists.get("/{id}", response={200: PriceListDetailOut}, openapi_extra=describe(PriceList))
def get_price_list(request: HttpRequest, id: int = PathId) -> Any:
    price_list = selectors.price_list_get(user=request.auth, pk=id)
    price_list.visible_prices = list(selectors.price_list_prices(user=request.auth, price_list=price_list))
    price_list.price_count = len(price_list.visible_prices)
    return price_list


@price_lists.get(
    "/{id}/export", response={200: None},
    openapi_extra={**describe(PriceList), **file_download(sheets.XLSX_CONTENT_TYPE)},
    summary="Download the price list as xlsx (the import format)",
)
def export_price_list(request: HttpRequest, id: int = PathId) -> Any:
    price_list = selectors.price_list_get(user=request.auth, pk=id)
    response = HttpResponse(exports.price_list_export(price_list=price_list),
                            content_type=sheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="price-list-{price_list.pk}.xlsx"'
    return response


router.add_router("/items", items)
router.add_router("/price-lists", price_lists)
