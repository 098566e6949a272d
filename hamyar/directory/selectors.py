"""Every directory read a user can see, each starting from the scoped queryset."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser as User  # accounts' User: a layer above
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hamyar.core.scoping import scope, scoped_get
from hamyar.core.text import search_key

from .choices import AssetKind
from .models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Provider,
    ServiceDomain,
)


def _search(queryset: QuerySet, q: str | None, *fields: str) -> QuerySet:
    key = search_key(q)
    if not key:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": key})
    return queryset.filter(condition)


def municipality_list(*, user: User, q: str | None = None, kind: str | None = None,
                      parent_id: int | None = None) -> QuerySet[Municipality]:
    qs = scope(Municipality.objects.all(), user).select_related("parent")
    qs = _search(qs, q, "search_name", "name_en")
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    return qs.annotate(asset_count=Count("assets")).order_by("-population", "name", "pk")


def municipality_get(*, user: User, pk: int) -> Municipality:
    return scoped_get(Municipality.objects.select_related("parent"), user, pk=pk)


def asset_list(*, user: User, municipality_id: int | None = None, kind: str | None = None,
               q: str | None = None) -> QuerySet[MunicipalAsset]:
    qs = scope(MunicipalAsset.objects.all(), user).select_related("municipality")
    qs = _search(qs, q, "search_name")
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("municipality__name", "name", "pk")


def asset_get(*, user: User, pk: int) -> MunicipalAsset:
    return scoped_get(MunicipalAsset.objects.select_related("municipality"), user, pk=pk)


def provider_list(*, user: User, q: str | None = None, kind: str | None = None,
                  domain_id: int | None = None) -> QuerySet[Provider]:
    qs = scope(Provider.objects.all(), user)
    qs = _search(qs, q, "search_name")
    if kind:
        qs = qs.filter(kind=kind)
    if domain_id:
        qs = qs.filter(capabilities__domain_id=domain_id).distinct()
    return qs.annotate(capability_count=Count("capabilities", distinct=True)).order_by(
        "kind", "name", "pk"
    )


def provider_get(*, user: User, pk: int) -> Provider:
    return scoped_get(Provider.objects.all(), user, pk=pk)


def domain_list(*, user: User, parent_id: int | None = None) -> QuerySet[ServiceDomain]:
    qs = scope(ServiceDomain.objects.all(), user).select_related("parent")
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    return qs.order_by("code", "pk")


def domain_get(*, user: User, pk: int) -> ServiceDomain:
    return scoped_get(ServiceDomain.objects.select_related("parent"), user, pk=pk)


def capability_list(*, user: User, provider_id: int | None = None, domain_id: int | None = None,
                    min_level: int | None = None) -> QuerySet[Capability]:
    qs = scope(Capability.objects.all(), user).select_related("provider", "domain")
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    if domain_id:
        qs = qs.filter(domain_id=domain_id)
    if min_level:
        qs = qs.filter(level__gte=min_level)
    return qs.order_by("provider__name", "domain__code", "pk")


def capability_get(*, user: User, pk: int) -> Capability:
    return scoped_get(Capability.objects.select_related("provider", "domain"), user, pk=pk)


def agreement_list(*, user: User, supplier_id: int | None = None,
                   status: str | None = None) -> QuerySet[AgencyAgreement]:
    """Agreements; `status` is "valid", "expired" or "upcoming" on today's date."""
    qs = scope(AgencyAgreement.objects.all(), user).select_related("supplier").prefetch_related(
        "domains"
    )
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    today = timezone.localdate()
    if status == "valid":
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
    elif status == "expired":
        qs = qs.filter(ends_on__lt=today)
    elif status == "upcoming":
        qs = qs.filter(starts_on__gt=today)
    return qs.order_by("-ends_on", "pk")


def agreement_get(*, user: User, pk: int) -> AgencyAgreement:
    return scoped_get(
        AgencyAgreement.objects.select_related("supplier").prefetch_related("domains"), user, pk=pk
    )


def capability_map(*, user: User) -> dict[str, Any]:
    """Providers × domains: the level each provider has in each domain, and the domains no one serves."""
    domains = list(domain_list(user=user))
    providers = list(scope(Provider.objects.filter(is_active=True), user).order_by("kind", "name"))
    cells: dict[tuple[int, int], Capability] = {
        (c.provider_id, c.domain_id): c for c in capability_list(user=user)
    }
    rows = [
        {"provider": p, "cells": [cells.get((p.pk, d.pk)) for d in domains]} for p in providers
    ]
    best = {d.pk: max((c.level for (_, dom), c in cells.items() if dom == d.pk), default=0)
            for d in domains}
    columns = [
        {"domain": d, "best_level": best[d.pk],
         "providers": sum(1 for (_, dom) in cells if dom == d.pk)}
        for d in domains
    ]
    return {
        "domains": domains,
        "columns": columns,
        "rows": rows,
        "gaps": [c["domain"] for c in columns if c["providers"] == 0],
        "weak": [c["domain"] for c in columns if 0 < c["best_level"] <= 2],
    }


# An agreement that ends within this many days needs renewing now.
EXPIRING_WITHIN_DAYS = 60
GREEN_KINDS = (AssetKind.PARK, AssetKind.GARDEN, AssetKind.MOUNTAIN_PARK)
M2_PER_HECTARE = 10_000


@dataclass(frozen=True)
class MunicipalityFacts:
    """Per-capita and per-hectare figures; None wherever an input is unknown (shown as "—")."""

    population: int | None
    area_ha: Decimal | None
    residents_per_ha: float | None
    m2_per_resident: float | None
    asset_count: int
    assets_area_ha: float | None
    assets_unknown_area: int
    assets_m2_per_resident: float | None
    assets_share_percent: float | None
    green_area_ha: float | None
    green_m2_per_resident: float | None


def _per(numerator: float | None, denominator: float | None, factor: float = 1) -> float | None:
    if numerator is None or not denominator:
        return None
    return float(numerator) * factor / float(denominator)


def compute_facts(municipality: Municipality, assets: list[MunicipalAsset]) -> MunicipalityFacts:
    """The arithmetic alone: an asset without an area is counted, never given one."""
    population = municipality.population or None
    area = municipality.area_ha
    known = [a for a in assets if a.area_ha is not None]
    green = [a for a in known if a.kind in GREEN_KINDS]
    assets_area = float(sum(a.area_ha for a in known)) if known else None
    green_area = float(sum(a.area_ha for a in green)) if green else None
    return MunicipalityFacts(
        population=population,
        area_ha=area,
        residents_per_ha=_per(population, area),
        m2_per_resident=_per(area, population, M2_PER_HECTARE),
        asset_count=len(assets),
        assets_area_ha=assets_area,
        assets_unknown_area=len(assets) - len(known),
        assets_m2_per_resident=_per(assets_area, population, M2_PER_HECTARE),
        assets_share_percent=_per(assets_area, area, 100),
        green_area_ha=green_area,
        green_m2_per_resident=_per(green_area, population, M2_PER_HECTARE),
    )


def municipality_profile(*, user: User, pk: int) -> dict[str, Any]:
    """A municipality the user may see, with its assets, districts and facts."""
    municipality = municipality_get(user=user, pk=pk)
    assets = list(asset_list(user=user, municipality_id=municipality.pk))
    districts = list(municipality_list(user=user, parent_id=municipality.pk))
    parent_visible = (
        municipality.parent_id is not None
        and municipality_list(user=user).filter(pk=municipality.parent_id).exists()
    )
    return {
        "municipality": municipality,
        "assets": assets,
        "districts": districts,
        "parent_visible": parent_visible,
        "facts": compute_facts(municipality, assets),
    }


def agreements_expiring(*, user: User, within_days: int = EXPIRING_WITHIN_DAYS) -> QuerySet[AgencyAgreement]:
    """Valid agreements that end within `within_days`: the ones to renew now."""
    until = timezone.localdate() + timedelta(days=within_days)
    return agreement_list(user=user, status="valid").filter(ends_on__lte=until).order_by(
        "ends_on", "pk"
    )


def provider_counts_by_kind(*, user: User) -> dict[str, int]:
    rows = scope(Provider.objects.all(), user).values("kind").annotate(n=Count("pk")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def capability_overview(*, user: User) -> dict[str, Any]:
    """The capability map with what management reads from it: coverage, strong domains, gaps."""
    cmap = capability_map(user=user)
    columns = cmap["columns"]
    served = [c for c in columns if c["providers"]]
    return {
        **cmap,
        "domain_count": len(columns),
        "served_count": len(served),
        "percent": (100 * len(served) / len(columns)) if columns else None,
        "gaps": cmap["gaps"],
        "weak": cmap["weak"],
        "strong": [c["domain"] for c in columns if c["best_level"] >= 4],
    }
