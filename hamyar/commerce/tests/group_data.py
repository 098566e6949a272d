"""A group purchase of park benches on conftest's `tenant`, built through the services."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from conftest import make_user
from hamyar.catalog.tests.catalog_data import Catalog, build_catalog
from hamyar.commerce.models import GroupPurchase, Participant
from hamyar.commerce.services import group_purchase_create, group_purchase_invite
from hamyar.core.roles import Role
from hamyar.directory.choices import MunicipalityKind
from hamyar.directory.models import Municipality


@dataclass
class Pool:
    catalog: Catalog
    group_purchase: GroupPurchase
    towns: list[Municipality]
    users: dict[str, object]  # municipality user by town name, and "district9"

    def place(self, municipality: Municipality) -> Participant:
        return Participant.objects.get(group_purchase=self.group_purchase, municipality=municipality)


TOWNS = [("فریمان", 44_000), ("چناران", 52_000), ("طرقبه", 21_000)]


def small_towns(tenant) -> list[Municipality]:
    return [Municipality.objects.get_or_create(
        organization=tenant.org, name=name,
        defaults={"search_name": name, "kind": MunicipalityKind.CITY, "population": population})[0]
        for name, population in TOWNS]


def bench_pool(tenant, catalog: Catalog | None = None, *, minimum: int = 40, cap: int | None = 200,
               days: int = 10) -> Pool:
    """Benches pooled (tiers 1 / 10 / 50 of the current price list), three towns and District 9 invited."""
    catalog = catalog or build_catalog(tenant)
    today = timezone.localdate()
    group_purchase = group_purchase_create(
        acting_user=tenant.users["commerce"], title="نیمکت پارکی برای شهرهای کوچک",
        item_ids=[catalog.bench.pk],
        opens_on=today, closes_on=today + dt.timedelta(days=days), minimum_quantity=minimum,
        target_quantity=50, max_per_municipality=cap, per_thousand_residents="0.25")
    towns = small_towns(tenant)
    users = {"district9": tenant.users["district9"]}
    for i, town in enumerate(towns):
        users[town.name] = make_user(tenant.org, f"{tenant.org.slug}-town{i}", Role.MUNICIPALITY_USER,
                                     municipality=town)
    group_purchase_invite(group_purchase=group_purchase, acting_user=tenant.users["commerce"],
                          invitations={m.pk: ("دعوت آزمایشی", 12) for m in [*towns, tenant.district9]})
    return Pool(catalog, group_purchase, towns, users)
