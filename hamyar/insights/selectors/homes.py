"""Reads behind the role home pages, all built on scoped selectors: each role lands on what it has
to do today (the shell in `web` picks the template, these give its figures)."""

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from hamyar.accounts import selectors as accounts
from hamyar.accounts.models import Membership, User
from hamyar.core.errors import NotFound
from hamyar.core.roles import Role
from hamyar.core.scoping import role_of, scope
from hamyar.directory import selectors as directory
from hamyar.directory.models import AgencyAgreement, MunicipalAsset, Municipality
from hamyar.directory.selectors import agreements_expiring, capability_overview, provider_counts_by_kind

from .dashboard import dashboard_figures
from .savings import group_savings, group_savings_by_municipality
from .verdicts import survey_asked
from .work_municipality import municipality_work
from .work_officers import commerce_work, finance_work
from .work_providers import project_manager_work, supplier_work

__all__ = [
    "commerce_home",
    "executive_home",
    "finance_home",
    "municipality_home",
    "org_admin_home",
    "organization_counts",
    "provider_home",
]


def municipality_home(*, user: User, membership: Membership) -> dict[str, Any]:
    """A municipality user's work: its needs and their clocks, what waits for its approval or receipt,
    what it owes, its projects and group purchases, and its savings (the profile is one link away)."""
    if membership.municipality_id is None:  # a municipality role is always bound to one
        raise NotFound()
    return {"municipality": directory.municipality_get(user=user, pk=membership.municipality_id),
            "post": membership.post, **municipality_work(user=user, membership=membership),
            "group_savings": group_savings(user=user), "survey_asked": survey_asked(user=user)}


def _savings(user: User) -> dict[str, Any]:
    """The organization's savings from group purchases, and the municipalities that saved most."""
    return {"group_savings": group_savings(user=user),
            "group_savings_rows": group_savings_by_municipality(user=user, limit=5)}


def commerce_home(*, user: User) -> dict[str, Any]:
    """The commerce officer's queues (each a count of its list), then the agreements to renew, the
    savings and the capability coverage."""
    return {
        "work": commerce_work(user=user),
        "expiring": list(agreements_expiring(user=user)[:5]),
        "coverage": capability_overview(user=user),
        **_savings(user),
    }


def provider_home(*, user: User, provider_id: int) -> dict[str, Any]:
    """A supplier's or a project manager's work first (`work_providers`), then its own profile,
    capabilities and agreements."""
    provider = directory.provider_get(user=user, pk=provider_id)
    supplier = role_of(user) == Role.SUPPLIER_USER
    work = supplier_work(user=user) if supplier else project_manager_work(user=user)
    return {
        **work,
        "is_supplier": supplier,
        "provider": provider,
        "capabilities": list(directory.capability_list(user=user, provider_id=provider_id)),
        "agreements": list(directory.agreement_list(user=user, supplier_id=provider_id)),
    }


def finance_home(*, user: User) -> dict[str, Any]:
    """The finance officer's queues (each a count of its list): to bill, receivables by age, overdue
    invoices, commissions to settle; the agreements' commission rates below."""
    return {
        "work": finance_work(user=user),
        "valid_agreements": list(directory.agreement_list(user=user, status="valid")[:10]),
    }


def organization_counts(*, user: User) -> dict[str, Any]:
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


def org_admin_home(*, user: User) -> dict[str, Any]:
    """The organization's counts and who holds which role."""
    return {
        "counts": organization_counts(user=user),
        "role_counts": accounts.membership_counts_by_role(user=user),
        "members": list(accounts.membership_list(user=user)[:10]),
    }


def executive_home(*, user: User) -> dict[str, Any]:
    """The executive's home is the executive dashboard: its figures over the last 12 Jalali months."""
    return dashboard_figures(user=user)
