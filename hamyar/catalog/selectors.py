"""Every catalog read a user can see.

An item of a represented supplier is offered to municipalities only while the
supplier has an agency agreement in force; officers still see it, marked.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from hamyar.accounts.choices import MUNICIPALITY_ROLES
from hamyar.accounts.scoping import membership_of, scope, scoped_get
from hamyar.directory.choices import ProviderKind
from hamyar.directory.models import AgencyAgreement

from .models import CatalogItem, Price, PriceImport, PriceList


def _agreement_in_force():
    today = timezone.localdate()
    return Exists(
        AgencyAgreement.objects.filter(
            supplier=OuterRef("provider"), starts_on__lte=today, ends_on__gte=today
        )
    )


def item_base_queryset(*, user) -> QuerySet[CatalogItem]:
    """Scoped items, each annotated `is_offered`; municipality users get only offered, active ones."""
    qs = scope(CatalogItem.objects.all(), user).select_related("provider", "domain")
    qs = qs.annotate(
        is_offered=ExpressionWrapper(
            ~Q(provider__kind=ProviderKind.SUPPLIER) | Q(_agreement_in_force()),
            output_field=BooleanField(),
        )
    )
    membership = membership_of(user)
    if membership is not None and membership.role in MUNICIPALITY_ROLES:
        qs = qs.filter(is_offered=True, is_active=True)
    return qs


def item_get(*, user, pk: int) -> CatalogItem:
    return scoped_get(item_base_queryset(user=user), user, pk=pk)


def item_price_tiers(*, item: CatalogItem) -> list[Price]:
    """The tiers of the newest price list in force that prices the item."""
    from .services import current_price_lists

    current = (
        Price.objects.filter(item=item, price_list__in=current_price_lists())
        .select_related("price_list")
        .order_by("-price_list__valid_from", "-price_list_id", "min_quantity")
    )
    first = current.first()
    if first is None:
        return []
    return [p for p in current if p.price_list_id == first.price_list_id]


def item_price_history(*, item: CatalogItem) -> QuerySet[Price]:
    return (
        Price.objects.filter(item=item)
        .select_related("price_list")
        .order_by("-price_list__valid_from", "-price_list_id", "min_quantity")
    )


def price_list_list(*, user, provider_id: int | None = None) -> QuerySet[PriceList]:
    qs = scope(PriceList.objects.all(), user).select_related("provider")
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    return qs.order_by("-valid_from", "-pk")


def price_list_get(*, user, pk: int) -> PriceList:
    return scoped_get(PriceList.objects.select_related("provider"), user, pk=pk)


def price_import_get(*, user, pk: int) -> PriceImport:
    return scoped_get(PriceImport.objects.select_related("provider"), user, pk=pk)
