"""Every catalog read a user can see.

An item of a represented supplier is offered to municipalities only while the
supplier has an agency agreement in force; officers still see it, marked. The
same holds for the supplier's price lists and prices: a municipality user never
reads the prices of a supplier the organization does not represent today.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.roles import MUNICIPALITY_ROLES
from hamyar.core.scoping import membership_of, scope, scoped_get
from hamyar.directory.choices import ProviderKind
from hamyar.directory.models import AgencyAgreement, Provider

from . import sheets
from .choices import VALIDATABLE, ImportStatus
from .filters import CatalogProviderFilter, ItemFilter, PriceListFilter
from .models import CatalogItem, Price, PriceImport, PriceList, SearchSynonym

if TYPE_CHECKING:  # django-stubs is a development tool; the alias is only read by the type checker
    from django_stubs_ext import WithAnnotations

# Sheets with more rows than this are checked and applied by the task worker, not in the request.
INLINE_MAX_ROWS = 2000
INLINE_MAX_BYTES = 150 * 1024


def _agreement_in_force(provider_ref: str = "provider") -> Exists:
    today = timezone.localdate()
    return Exists(
        AgencyAgreement.objects.filter(
            supplier=OuterRef(provider_ref), starts_on__lte=today, ends_on__gte=today
        )
    )


def _agreement_ended_on(provider_ref: str = "provider") -> Subquery:
    """The end of the supplier's latest agreement that has already ended: the date an officer is told."""
    return Subquery(
        AgencyAgreement.objects.filter(supplier=OuterRef(provider_ref), ends_on__lt=timezone.localdate())
        .order_by("-ends_on")
        .values("ends_on")[:1]
    )


def _offered(provider_ref: str = "provider", kind_path: str = "provider__kind") -> ExpressionWrapper:
    """True for staff units and affiliates, and for suppliers with an agreement in force."""
    return ExpressionWrapper(
        ~Q(**{kind_path: ProviderKind.SUPPLIER}) | Q(_agreement_in_force(provider_ref)),
        output_field=BooleanField(),
    )


def hides_unoffered(user: User) -> bool:
    """Municipality users see only what the organization offers them today."""
    membership = membership_of(user)
    return membership is not None and membership.role in MUNICIPALITY_ROLES


def offered_provider_ids(*, user: User, everyone: bool = False) -> frozenset[int] | None:
    """The providers whose items `user` is offered today, or None when the user is not limited to them.

    The same rule as `item_base_queryset` at the provider (which also hides withdrawn items):
    for a municipality user, the staff units and affiliates, and the suppliers with an
    agreement in force. Officers and supplier users see what their scope lets through;
    with `everyone`, they too get the offered providers (what a need may name).
    """
    if not everyone and not hides_unoffered(user):
        return None
    offered = scope(Provider.objects.all(), user).annotate(offered=_offered("pk", "kind"))
    return frozenset(offered.filter(offered=True).values_list("pk", flat=True))


class OfferAnnotations(TypedDict):
    is_offered: bool
    agreement_ended_on: date | None


def item_base_queryset(*, user: User) -> "QuerySet[WithAnnotations[CatalogItem, OfferAnnotations]]":
    """Scoped items, each annotated `is_offered` and `agreement_ended_on`.

    Municipality users get only offered, active ones.
    """
    qs = scope(CatalogItem.objects.all(), user).select_related("provider", "domain")
    qs = qs.annotate(is_offered=_offered(), agreement_ended_on=_agreement_ended_on())
    if hides_unoffered(user):
        qs = qs.filter(is_offered=True, is_active=True)
    return qs


def item_list(*, user: User, provider_id: int | None = None) -> QuerySet[CatalogItem]:
    qs = item_base_queryset(user=user)
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    return qs.order_by("name", "pk")


def item_filter(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[CatalogItem]:
    """The visible items that pass the search's filters, by name (the API's browsing without words)."""
    return ItemFilter.filter_queryset(item_base_queryset(user=user), filters).order_by("name", "pk")


def item_provider_choices(*, user: User) -> QuerySet[Provider]:
    """The providers whose items the user can see: the supplier filter of the search."""
    return Provider.objects.filter(pk__in=item_base_queryset(user=user).values("provider_id")).order_by(
        "kind", "name", "pk"
    )


def items_in_scope(*, user: User, ids: list[int]) -> frozenset[int]:
    """Which of the items `ids` are in the user's catalog scope (the rows item_get would find)."""
    if not ids:
        return frozenset()
    return frozenset(item_base_queryset(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def item_get(*, user: User, pk: int) -> CatalogItem:
    return scoped_get(item_base_queryset(user=user), user, pk=pk)


def current_price_lists(*, on: date | None = None) -> QuerySet[PriceList]:
    """Price lists in force on a day (today by default)."""
    on = on or timezone.localdate()
    return PriceList.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def item_price_tiers(*, item: CatalogItem) -> list[Price]:
    """The tiers of the newest price list in force that prices the item."""
    return items_price_tiers(items=[item]).get(item.pk, [])


def items_price_tiers(*, items: Iterable[CatalogItem | None]) -> dict[int, list[Price]]:
    """`item_price_tiers` of many items in one query (a form's lines), by item id; an item no list in
    force prices is left out."""
    ids = {item.pk for item in items if item is not None}
    if not ids:
        return {}
    tiers: dict[int, list[Price]] = {}
    newest: dict[int, int] = {}
    for price in (Price.objects.filter(item_id__in=ids, price_list__in=current_price_lists())
                  .select_related("price_list")
                  .order_by("item_id", "-price_list__valid_from", "-price_list_id", "min_quantity")):
        if newest.setdefault(price.item_id, price.price_list_id) == price.price_list_id:
            tiers.setdefault(price.item_id, []).append(price)
    return tiers


def item_price_history(*, item: CatalogItem) -> QuerySet[Price]:
    return (
        Price.objects.filter(item=item)
        .select_related("price_list")
        .order_by("-price_list__valid_from", "-price_list_id", "min_quantity")
    )


def price_list_base_queryset(*, user: User) -> QuerySet[PriceList]:
    """Scoped price lists, annotated like items; municipality users get only offered providers' lists."""
    qs = scope(PriceList.objects.all(), user).select_related("provider")
    qs = qs.annotate(is_offered=_offered(), agreement_ended_on=_agreement_ended_on())
    if hides_unoffered(user):
        qs = qs.filter(is_offered=True)
    return qs


def price_list_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[PriceList]:
    qs = PriceListFilter.filter_queryset(price_list_base_queryset(user=user), filters)
    return qs.annotate(price_count=Count("prices")).order_by("-valid_from", "-pk")


def price_list_get(*, user: User, pk: int) -> PriceList:
    return scoped_get(price_list_base_queryset(user=user), user, pk=pk)


def price_list_prices(*, user: User, price_list: PriceList) -> QuerySet[Price]:
    """The list's tiers, item by item; a municipality user does not see withdrawn items."""
    qs = Price.objects.filter(price_list=price_list).select_related("item", "item__domain")
    if hides_unoffered(user):
        qs = qs.filter(item__is_active=True)
    return qs.order_by("item__name", "item_id", "min_quantity")


def catalog_provider_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Provider]:
    """The officer's view of every provider's catalog: counts, last price list and agreement state."""
    qs = CatalogProviderFilter.filter_queryset(scope(Provider.objects.all(), user), filters)
    items = CatalogItem.objects.filter(provider=OuterRef("pk")).order_by().values("provider")
    lists = PriceList.objects.filter(provider=OuterRef("pk")).order_by().values("provider")
    qs = qs.annotate(
        item_count=Subquery(items.annotate(n=Count("pk")).values("n")[:1]),
        price_list_count=Subquery(lists.annotate(n=Count("pk")).values("n")[:1]),
        last_price_list_on=Subquery(lists.annotate(d=Max("valid_from")).values("d")[:1]),
        is_offered=_offered("pk", "kind"),
        agreement_ended_on=_agreement_ended_on("pk"),
    )
    if hides_unoffered(user):
        qs = qs.filter(is_offered=True)
    return qs.order_by("kind", "name", "pk")


def catalog_provider_get(*, user: User, pk: int) -> Provider:
    return scoped_get(catalog_provider_list(user=user), user, pk=pk)


def price_import_list(*, user: User, provider_id: int | None = None) -> QuerySet[PriceImport]:
    qs = scope(PriceImport.objects.all(), user).select_related("provider", "uploaded_by", "price_list")
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    return qs.order_by("-created_at", "-pk")


def price_import_in_background(price_import: PriceImport) -> bool:
    """Whether checking or applying this sheet belongs to the task worker rather than the request."""
    if price_import.total_rows:
        return price_import.total_rows > INLINE_MAX_ROWS
    return (price_import.file.size if price_import.file else 0) > INLINE_MAX_BYTES


def price_import_preview(*, price_import: PriceImport, limit: int | None = 1000) -> dict[str, Any]:
    """What the import page shows: the first `limit` errors in the reader's language, progress, next steps."""
    errors = price_import.errors or []
    shown = errors[:limit] if limit else errors
    status = price_import.status
    return {
        "errors": sheets.errors_for_display(shown),
        "error_count": len(errors),
        "bad_rows": len({e.get("row") for e in errors if e.get("row")}),
        "errors_truncated": len(shown) < len(errors),
        "progress_percent": 100 if status == ImportStatus.APPLIED else price_import.progress_percent,
        "is_running": status in (ImportStatus.VALIDATING, ImportStatus.APPLYING)
        or (status == ImportStatus.PENDING),
        "can_validate": status in VALIDATABLE,
        "can_apply": status == ImportStatus.VALID,
        "in_background": price_import_in_background(price_import),
    }


def price_import_get(*, user: User, pk: int) -> PriceImport:
    return scoped_get(PriceImport.objects.select_related("provider"), user, pk=pk)


def synonym_list(*, user: User) -> QuerySet[SearchSynonym]:
    """The organization's search synonyms, by term."""
    return scope(SearchSynonym.objects.all(), user).select_related("created_by").order_by("term_key", "pk")


def synonym_get(*, user: User, pk: int) -> SearchSynonym:
    return scoped_get(SearchSynonym.objects.all(), user, pk=pk)
