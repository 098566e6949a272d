"""Every directory read a user can see, each starting from the scoped queryset."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.contrib.auth.base_user import AbstractBaseUser as User  # accounts' User: a layer above
from django.db.models import Count, QuerySet

from hamyar.core.scoping import scope, scoped_get

from .choices import AssetKind
from .filters import (
    AgreementFilter,
    AssetFilter,
    CapabilityFilter,
    DomainFilter,
    MunicipalityFilter,
    ProviderFilter,
)
from .models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Provider,
    ServiceDomain,
)


def municipality_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Municipality]:
    qs = scope(Municipality.objects.all(), user).select_related("parent")
    qs = MunicipalityFilter.filter_queryset(qs, filters)
    return qs.annotate(asset_count=Count("assets")).order_by("-population", "name", "pk")


def municipality_get(*, user: User, pk: int) -> Municipality:
    return scoped_get(Municipality.objects.select_related("parent"), user, pk=pk)


def asset_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[MunicipalAsset]:
    qs = scope(MunicipalAsset.objects.all(), user).select_related("municipality")
    return AssetFilter.filter_queryset(qs, filters).order_by("municipality__name", "name", "pk")


def asset_get(*, user: User, pk: int) -> MunicipalAsset:
    return scoped_get(MunicipalAsset.objects.select_related("municipality"), user, pk=pk)


def provider_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Provider]:
    qs = ProviderFilter.filter_queryset(scope(Provider.objects.all(), user), filters)
    return qs.annotate(capability_count=Count("capabilities", distinct=True)).order_by(
        "kind", "name", "pk"
    )


def provider_get(*, user: User, pk: int) -> Provider:
    return scoped_get(Provider.objects.all(), user, pk=pk)


def domain_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ServiceDomain]:
    qs = scope(ServiceDomain.objects.all(), user).select_related("parent")
    return DomainFilter.filter_queryset(qs, filters).order_by("code", "pk")


def domain_get(*, user: User, pk: int) -> ServiceDomain:
    return scoped_get(ServiceDomain.objects.select_related("parent"), user, pk=pk)


def capability_list(*, user: User, filters: Mapping[str, Any] | None = None,
                    provider_id: int | None = None) -> QuerySet[Capability]:
    """Capabilities by provider and domain; `provider_id`: one provider's (its page and home)."""
    qs = scope(Capability.objects.all(), user).select_related("provider", "domain")
    qs = CapabilityFilter.filter_queryset(qs, {"provider": provider_id, **(filters or {})})
    return qs.order_by("provider__name", "domain__code", "pk")


def capability_get(*, user: User, pk: int) -> Capability:
    return scoped_get(Capability.objects.select_related("provider", "domain"), user, pk=pk)


def agreement_list(*, user: User, filters: Mapping[str, Any] | None = None, supplier_id: int | None = None,
                   status: str | None = None) -> QuerySet[AgencyAgreement]:
    """Agreements, the latest ending first; expiring ones the soonest first (the order to renew them).

    `supplier_id` and `status` are the filter's own values, named for the callers that pick
    one supplier's or one state's agreements (a provider's page, the home pages).
    """
    values = {"supplier": supplier_id, "status": status, **(filters or {})}
    qs = scope(AgencyAgreement.objects.all(), user).select_related("supplier").prefetch_related(
        "domains"
    )
    qs = AgreementFilter.filter_queryset(qs, values)
    if values.get("status") == "expiring":
        return qs.order_by("ends_on", "pk")
    return qs.order_by("-ends_on", "pk")


def agreement_get(*, user: User, pk: int) -> AgencyAgreement:
    return scoped_get(
        AgencyAgreement.objects.select_related("supplier").prefetch_related("domains"), user, pk=pk
    )


class DomainColumn(TypedDict):
    domain: ServiceDomain
    best_level: int
    providers: int


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
    columns: list[DomainColumn] = [
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


def _per(numerator: float | Decimal | None, denominator: float | Decimal | None,
         factor: float = 1) -> float | None:
    if numerator is None or not denominator:
        return None
    return float(numerator) * factor / float(denominator)


def compute_facts(municipality: Municipality, assets: list[MunicipalAsset]) -> MunicipalityFacts:
    """The arithmetic alone: an asset without an area is counted, never given one."""
    population = municipality.population or None
    area = municipality.area_ha
    known = [(a.kind, a.area_ha) for a in assets if a.area_ha is not None]
    green = [ha for kind, ha in known if kind in GREEN_KINDS]
    assets_area = float(sum(ha for _, ha in known)) if known else None
    green_area = float(sum(green)) if green else None
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
    assets = list(asset_list(user=user, filters={"municipality": municipality.pk}))
    districts = list(municipality_list(user=user, filters={"parent": municipality.pk}))
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


def agreements_expiring(*, user: User) -> QuerySet[AgencyAgreement]:
    """Valid agreements that end within EXPIRING_WITHIN_DAYS: the ones to renew now, the soonest first."""
    return agreement_list(user=user, status="expiring")


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
