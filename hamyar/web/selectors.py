"""Reads behind the role home pages and the municipality facts, all built on scoped selectors."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from hamyar.accounts.scoping import scope
from hamyar.directory import selectors as directory
from hamyar.directory.choices import AssetKind
from hamyar.directory.models import AgencyAgreement, MunicipalAsset, Municipality, Provider

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


def municipality_profile(*, user, pk: int) -> dict:
    """A municipality the user may see, with its assets, districts and facts."""
    municipality = directory.municipality_get(user=user, pk=pk)
    assets = list(directory.asset_list(user=user, municipality_id=municipality.pk))
    districts = list(directory.municipality_list(user=user, parent_id=municipality.pk))
    parent_visible = (
        municipality.parent_id is not None
        and directory.municipality_list(user=user).filter(pk=municipality.parent_id).exists()
    )
    return {
        "municipality": municipality,
        "assets": assets,
        "districts": districts,
        "parent_visible": parent_visible,
        "facts": compute_facts(municipality, assets),
    }


def agreements_expiring(*, user, within_days: int = EXPIRING_WITHIN_DAYS) -> QuerySet[AgencyAgreement]:
    """Valid agreements that end within `within_days`: the ones to renew now."""
    until = timezone.localdate() + timedelta(days=within_days)
    return directory.agreement_list(user=user, status="valid").filter(ends_on__lte=until).order_by(
        "ends_on", "pk"
    )


def provider_counts_by_kind(*, user) -> dict[str, int]:
    rows = scope(Provider.objects.all(), user).values("kind").annotate(n=Count("pk")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def capability_overview(*, user) -> dict:
    """The capability map with what management reads from it: coverage, strong domains, gaps."""
    cmap = directory.capability_map(user=user)
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


def commerce_home(*, user) -> dict:
    return {
        "expiring": list(agreements_expiring(user=user)[:10]),
        "expired": list(directory.agreement_list(user=user, status="expired")[:10]),
        "provider_counts": provider_counts_by_kind(user=user),
        "coverage": capability_overview(user=user),
    }


def provider_home(*, user, provider_id: int) -> dict:
    """A supplier's or a project manager's own profile, capabilities and agreements."""
    return {
        "provider": directory.provider_get(user=user, pk=provider_id),
        "capabilities": list(directory.capability_list(user=user, provider_id=provider_id)),
        "agreements": list(directory.agreement_list(user=user, supplier_id=provider_id)),
    }


def finance_home(*, user) -> dict:
    return {
        "valid_agreements": list(directory.agreement_list(user=user, status="valid")[:20]),
        "expiring": list(agreements_expiring(user=user)[:10]),
        "provider_counts": provider_counts_by_kind(user=user),
    }


def organization_counts(*, user) -> dict:
    """Counts for management: the municipalities served, their people and land, and the providers."""
    municipalities = scope(Municipality.objects.all(), user)
    # A metropolis already counts its districts' residents: sum the top level only.
    top = municipalities.filter(parent__isnull=True).aggregate(
        population=Sum("population"), count=Count("pk")
    )
    by_kind = {r["kind"]: r["n"] for r in municipalities.values("kind").annotate(n=Count("pk")).order_by()}
    assets = scope(MunicipalAsset.objects.all(), user).aggregate(
        count=Count("pk"), area=Sum("area_ha"), unknown=Count("pk", filter=Q(area_ha__isnull=True))
    )
    today = timezone.localdate()
    agreements = scope(AgencyAgreement.objects.all(), user).aggregate(
        valid=Count("pk", filter=Q(starts_on__lte=today, ends_on__gte=today)),
        expired=Count("pk", filter=Q(ends_on__lt=today)),
    )
    provider_counts = provider_counts_by_kind(user=user)
    return {
        "municipality_count": municipalities.count(),
        "top_level_count": top["count"],
        "population": top["population"],
        "municipalities_by_kind": by_kind,
        "asset_count": assets["count"],
        "asset_area_ha": assets["area"],
        "assets_unknown_area": assets["unknown"],
        "valid_agreements": agreements["valid"],
        "expired_agreements": agreements["expired"],
        "provider_counts": provider_counts,
        "provider_total": sum(provider_counts.values()),
    }


def executive_home(*, user) -> dict:
    return {
        "counts": organization_counts(user=user),
        "coverage": capability_overview(user=user),
        "largest": list(directory.municipality_list(user=user)[:8]),
    }
