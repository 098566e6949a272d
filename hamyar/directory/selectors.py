"""Every directory read a user can see, each starting from the scoped queryset."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hamyar.accounts.scoping import scope, scoped_get
from hamyar.core.text import search_key

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


def municipality_list(*, user, q: str | None = None, kind: str | None = None,
                      parent_id: int | None = None) -> QuerySet[Municipality]:
    qs = scope(Municipality.objects.all(), user).select_related("parent")
    qs = _search(qs, q, "search_name", "name_en")
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    return qs.annotate(asset_count=Count("assets")).order_by("-population", "name", "pk")


def municipality_get(*, user, pk: int) -> Municipality:
    return scoped_get(Municipality.objects.select_related("parent"), user, pk=pk)


def asset_list(*, user, municipality_id: int | None = None, kind: str | None = None,
               q: str | None = None) -> QuerySet[MunicipalAsset]:
    qs = scope(MunicipalAsset.objects.all(), user).select_related("municipality")
    qs = _search(qs, q, "search_name")
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("municipality__name", "name", "pk")


def asset_get(*, user, pk: int) -> MunicipalAsset:
    return scoped_get(MunicipalAsset.objects.select_related("municipality"), user, pk=pk)


def provider_list(*, user, q: str | None = None, kind: str | None = None,
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


def provider_get(*, user, pk: int) -> Provider:
    return scoped_get(Provider.objects.all(), user, pk=pk)


def domain_list(*, user, parent_id: int | None = None) -> QuerySet[ServiceDomain]:
    qs = scope(ServiceDomain.objects.all(), user).select_related("parent")
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    return qs.order_by("code", "pk")


def domain_get(*, user, pk: int) -> ServiceDomain:
    return scoped_get(ServiceDomain.objects.select_related("parent"), user, pk=pk)


def capability_list(*, user, provider_id: int | None = None, domain_id: int | None = None,
                    min_level: int | None = None) -> QuerySet[Capability]:
    qs = scope(Capability.objects.all(), user).select_related("provider", "domain")
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    if domain_id:
        qs = qs.filter(domain_id=domain_id)
    if min_level:
        qs = qs.filter(level__gte=min_level)
    return qs.order_by("provider__name", "domain__code", "pk")


def capability_get(*, user, pk: int) -> Capability:
    return scoped_get(Capability.objects.select_related("provider", "domain"), user, pk=pk)


def agreement_list(*, user, supplier_id: int | None = None,
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


def agreement_get(*, user, pk: int) -> AgencyAgreement:
    return scoped_get(
        AgencyAgreement.objects.select_related("supplier").prefetch_related("domains"), user, pk=pk
    )


def capability_map(*, user) -> dict:
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
