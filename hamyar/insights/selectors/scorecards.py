"""A provider's scorecard: what the municipalities' ratings and the deliveries say about it, for the
organization's officers and for the provider itself (matching ranks providers by the same figures,
which the rating service keeps on the provider)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from hamyar.accounts.models import User
from hamyar.commerce.choices import DeliveryStatus, OrderStatus
from hamyar.commerce.models import Delivery, Order, Rating
from hamyar.commerce.selectors import OPEN_ORDER_STATUSES, SCORECARD_READERS
from hamyar.core.scoping import require_role, scope, scoped_get
from hamyar.directory.models import Provider

__all__ = ["Scorecard", "provider_scorecard", "provider_scorecard_get"]


@dataclass
class Scorecard:
    """What the municipalities' ratings and the deliveries say about a provider."""

    provider: Provider
    average: Decimal | None
    rated: int
    on_time_rate: Decimal | None
    orders: int = 0
    open: int = 0
    closed: int = 0
    deliveries_received: int = 0
    deliveries_rejected: int = 0
    score_counts: dict[int, int] = field(default_factory=dict)
    ratings: list[Rating] = field(default_factory=list)

    @property
    def on_time_percent(self) -> Decimal | None:
        return None if self.on_time_rate is None else self.on_time_rate * 100


def provider_scorecard_get(*, user: User, pk: int) -> Provider:
    """The provider whose scorecard the user may read: any for officers, its own for a provider user."""
    provider = scoped_get(Provider.objects.all(), user, pk=pk)
    require_role(user, *SCORECARD_READERS)
    return provider


def provider_scorecard(*, user: User, provider: Provider, limit: int = 50) -> Scorecard:
    """The scorecard: the figures kept on the provider by the rating service, counts, latest ratings."""
    orders = scope(Order.objects.filter(provider=provider), user).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_ORDER_STATUSES)),
        closed=Count("pk", filter=Q(status=OrderStatus.CLOSED)),
    )
    deliveries = scope(Delivery.objects.filter(order__provider=provider), user).aggregate(
        received=Count("pk", filter=Q(status=DeliveryStatus.RECEIVED)),
        rejected=Count("pk", filter=Q(status=DeliveryStatus.REJECTED)),
    )
    ratings = scope(Rating.objects.filter(provider=provider), user)
    counts = dict(ratings.order_by().values_list("score").annotate(n=Count("pk")).values_list("score", "n"))
    return Scorecard(
        provider=provider, average=provider.rating, rated=provider.rated_orders,
        on_time_rate=provider.on_time_rate, orders=orders["total"], open=orders["open"],
        closed=orders["closed"], deliveries_received=deliveries["received"],
        deliveries_rejected=deliveries["rejected"],
        score_counts={score: counts.get(score, 0) for score in range(5, 0, -1)},
        ratings=list(ratings.select_related("order", "order__municipality", "rated_by")
                     .order_by("-created_at", "-pk")[:limit]),
    )
