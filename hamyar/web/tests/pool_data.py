"""Group purchases for the page checks: one pool per call (the list's query-budget family), and pools in
every state whose page differs (the object pages of the budget, phone and accessibility tests)."""

import datetime as dt

from django.utils import timezone

from hamyar.catalog.tests.catalog_data import Catalog
from hamyar.commerce.models import GroupPurchase, Participant
from hamyar.commerce.services import (
    group_purchase_cancel,
    group_purchase_close,
    group_purchase_create,
    group_purchase_invite,
    participant_join,
)


def group_purchase(tenant, catalog: Catalog, i: int, *, minimum: int = 10) -> GroupPurchase:
    """A pool of the supplier's benches with District 9 invited; every other one joined by District 9."""
    today = timezone.localdate()
    pool = group_purchase_create(
        acting_user=tenant.users["commerce"], title=f"نیمکت تجمیعی {i}", item_ids=[catalog.bench.pk],
        opens_on=today, closes_on=today + dt.timedelta(days=10), minimum_quantity=minimum, target_quantity=50,
        max_per_municipality=200, per_thousand_residents="0.25")
    group_purchase_invite(group_purchase=pool, acting_user=tenant.users["commerce"],
                          invitations={tenant.district9.pk: ("نیاز پارک‌ها", 12)})
    if i % 2 == 0:
        place = Participant.objects.get(group_purchase=pool, municipality=tenant.district9)
        participant_join(participant=place, acting_user=tenant.users["district9"],
                         lines={catalog.bench.pk: 12})
    return pool


def pools_in_every_state(tenant, catalog: Catalog) -> None:
    """Group purchases open (joined), allocated (District 9's order placed), closed below the minimum
    (the municipality's three choices) and cancelled."""
    group_purchase(tenant, catalog, 0)
    allocated = group_purchase(tenant, catalog, 2)
    group_purchase_close(group_purchase=allocated, acting_user=tenant.users["commerce"])
    below = group_purchase(tenant, catalog, 4, minimum=40)
    group_purchase_close(group_purchase=below, acting_user=tenant.users["commerce"])
    cancelled = group_purchase(tenant, catalog, 1)
    group_purchase_cancel(group_purchase=cancelled, acting_user=tenant.users["commerce"], reason="آزمایشی")
