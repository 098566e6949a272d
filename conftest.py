"""Shared fixtures: two tenants with municipalities, providers and one user per role.

Built with the ORM directly (fast); tests of services call the services themselves.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from hamyar.accounts.models import Membership, User
from hamyar.core.roles import MunicipalPost, Role
from hamyar.directory.choices import AssetKind, MunicipalityKind, ProviderKind
from hamyar.directory.models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Organization,
    Provider,
    ServiceDomain,
)

PASSWORD = "Hamyar-Test-1405"


@dataclass
class Tenant:
    """One organization's test data; attributes named for what they are."""

    org: Organization
    mashhad: Municipality
    district9: Municipality
    district10: Municipality
    neyshabur: Municipality
    vakilabad: MunicipalAsset
    neyshabur_park: MunicipalAsset
    green: ServiceDomain
    furniture: ServiceDomain
    lighting: ServiceDomain
    staff_unit: Provider
    affiliate: Provider
    supplier: Provider
    other_supplier: Provider
    agreement: AgencyAgreement
    expired_agreement: AgencyAgreement
    users: dict[str, User] = field(default_factory=dict)
    district9_mayor: User | None = None


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rows are rolled back after a test (and SQLite reuses their
    ids), so a value cached by one test must not be read by the next."""
    from django.core.cache import cache

    cache.clear()
    yield


def make_user(tenant_org, username, role, *, municipality=None, provider=None, post="") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(
        organization=tenant_org, user=user, role=role, municipality=municipality, provider=provider,
        post=post,
    )
    return user


def make_tenant(prefix: str, slug: str) -> Tenant:
    org = Organization.objects.create(name=f"{prefix} سازمان همیاری", slug=slug, province=prefix)

    def muni(name, kind, population, area=None, parent=None):
        return Municipality.objects.create(
            organization=org, name=name, search_name=name, kind=kind,
            population=population, area_ha=area, parent=parent,
        )

    mashhad = muni("مشهد", MunicipalityKind.METROPOLIS, 3001184)
    district9 = muni("منطقه ۹ مشهد", MunicipalityKind.DISTRICT, 365000, 4400, mashhad)
    district10 = muni("منطقه ۱۰ مشهد", MunicipalityKind.DISTRICT, 250000, 3000, mashhad)
    neyshabur = muni("نیشابور", MunicipalityKind.CITY, 264375)

    def asset(m, name, kind, area):
        return MunicipalAsset.objects.create(
            organization=org, municipality=m, name=name, search_name=name, kind=kind, area_ha=area
        )

    vakilabad = asset(district9, "پارک وکیل‌آباد", AssetKind.PARK, 120)
    neyshabur_park = asset(neyshabur, "بوستان خیام", AssetKind.PARK, 12)

    def domain(code, name, parent=None):
        return ServiceDomain.objects.create(organization=org, code=code, name=name, parent=parent)

    green = domain("green-space", "فضای سبز")
    furniture = domain("urban-furniture", "مبلمان شهری")
    lighting = domain("lighting", "روشنایی")

    def provider(name, kind, legal_id=""):
        return Provider.objects.create(
            organization=org, name=name, search_name=name, kind=kind, legal_id=legal_id
        )

    staff_unit = provider("معاونت بازرگانی", ProviderKind.STAFF_UNIT)
    affiliate = provider("شرکت فضای سبز همیار", ProviderKind.AFFILIATE, "14007650912")
    supplier = provider("نیمکت‌سازان توس", ProviderKind.SUPPLIER, "10320000002")
    other_supplier = provider("روشنایی پارس", ProviderKind.SUPPLIER, "10320000017")
    Capability.objects.create(organization=org, provider=affiliate, domain=green, level=5,
                              monthly_capacity=40)
    Capability.objects.create(organization=org, provider=supplier, domain=furniture, level=4,
                              monthly_capacity=500)
    today = timezone.localdate()
    agreement = AgencyAgreement.objects.create(
        organization=org, supplier=supplier, number=f"{slug}-A1", commission_percent=5,
        starts_on=today - dt.timedelta(days=100), ends_on=today + dt.timedelta(days=265),
    )
    agreement.domains.set([furniture])
    expired = AgencyAgreement.objects.create(
        organization=org, supplier=other_supplier, number=f"{slug}-A2", commission_percent=4,
        starts_on=today - dt.timedelta(days=500), ends_on=today - dt.timedelta(days=10),
    )
    expired.domains.set([lighting])
    tenant = Tenant(org, mashhad, district9, district10, neyshabur, vakilabad, neyshabur_park,
                    green, furniture, lighting, staff_unit, affiliate, supplier, other_supplier,
                    agreement, expired)
    tenant.users = {
        "admin": make_user(org, f"{slug}-admin", Role.ORG_ADMIN),
        "commerce": make_user(org, f"{slug}-commerce", Role.COMMERCE_OFFICER),
        "finance": make_user(org, f"{slug}-finance", Role.FINANCE_OFFICER),
        "executive": make_user(org, f"{slug}-ceo", Role.EXECUTIVE),
        "project_manager": make_user(org, f"{slug}-pm", Role.PROJECT_MANAGER, provider=affiliate),
        "supplier": make_user(org, f"{slug}-supplier", Role.SUPPLIER_USER, provider=supplier),
        "district9": make_user(org, f"{slug}-d9", Role.MUNICIPALITY_USER, municipality=district9,
                               post=MunicipalPost.PROCUREMENT),
        "district10": make_user(org, f"{slug}-d10", Role.MUNICIPALITY_USER,
                                municipality=district10),
    }
    # Outside `users`: the scoping tests walk that dict; the mayor only matters to approval chains.
    tenant.district9_mayor = make_user(org, f"{slug}-d9-mayor", Role.MUNICIPALITY_USER,
                                       municipality=district9, post=MunicipalPost.MAYOR)
    return tenant


@pytest.fixture
def tenant(db) -> Tenant:
    """Khorasan Razavi's organization, small."""
    return make_tenant("خراسان رضوی", "kr")


@pytest.fixture
def other_tenant(db) -> Tenant:
    """A second organization, whose rows the first must never see."""
    return make_tenant("خراسان جنوبی", "kj")


# The browser tests' Chromium (Debian's), launched headless with what a sandboxed CI allows.
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser_page():
    """A Persian desktop page (1366 × 900) in headless Chromium, closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
        page = context.new_page()
        yield page
        context.close()
        browser.close()
