"""The demo loader: the article's facts, enough rows for every page, all audited, idempotent."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hamyar.accounts.models import Membership, User
from hamyar.core.audit import audit_verify_chain
from hamyar.core.models import AuditEvent
from hamyar.core.roles import Role
from hamyar.core.text import normalize
from hamyar.core.validators import is_legal_national_id, is_mobile, is_postal_code, is_sheba
from hamyar.directory import demo
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

SHARED_CSV = settings.BASE_DIR.parent / "shared" / "data" / "khorasan_razavi_municipalities.csv"
AUDITED_MODELS = [Municipality, MunicipalAsset, ServiceDomain, Provider, Capability, AgencyAgreement,
                  Membership]


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of every Hamyar app (the demo loaders of other apps included)."""
    models = [m for m in apps.get_models(include_auto_created=True) if m.__module__.startswith("hamyar.")]
    counts = {model._meta.label: model._default_manager.count() for model in models}
    counts[User._meta.label] = User.objects.count()
    return counts


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker):
    """The demo loaded once for a class of tests; each test's changes roll back to it, and it to empty."""
    with django_db_blocker.unblock(), transaction.atomic():
        run("load_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_org(loaded_demo, db) -> Organization:
    return Organization.objects.get(slug="khorasan-razavi")


class TestTheLoadedDemo:
    """Loading the demo takes seconds (every row through its service), so its tests share one load."""

    def test_district9_has_the_article_area_population_and_four_assets(self, demo_org):
        district9 = Municipality.objects.get(organization=demo_org, name_en="Mashhad District 9")
        assert district9.area_ha == Decimal("4400")
        assert district9.population == 365_000
        assert district9.kind == MunicipalityKind.DISTRICT
        assert district9.parent.name_en == "Mashhad"
        assets = {(a.name, a.kind) for a in district9.assets.all()}
        assert assets == {
            ("پارک وکیل‌آباد", AssetKind.PARK),
            ("بوستان وفا", AssetKind.GARDEN),
            ("کوه پارک", AssetKind.MOUNTAIN_PARK),
            ("اراضی بایر رو به توسعه", AssetKind.BARREN_LAND),
        }
        assert all(a.area_ha is None for a in district9.assets.all())  # unknown, not invented

    def test_mashhad_districts_without_a_source_are_marked_illustrative_with_unknown_area(self, demo_org):
        districts = Municipality.objects.filter(organization=demo_org, parent__name_en="Mashhad")
        assert districts.count() == 13  # districts 1-12 and Samen
        others = districts.exclude(name_en__in=["Mashhad District 9", "Mashhad Samen District"])
        assert {d.population_source for d in others} == {normalize(demo.SOURCES_FA[demo.ILLUSTRATIVE])}
        assert all(d.area_ha is None for d in others)
        samen = districts.get(name_en="Mashhad Samen District")
        assert (samen.population, samen.area_ha, samen.population_source) == (14000, Decimal("366"),
                                                                              normalize(demo.SOURCES_FA["approximate"]))

    def test_census_municipalities_keep_their_source_county_and_unknown_area(self, demo_org):
        cities = Municipality.objects.filter(organization=demo_org, parent__isnull=True)
        assert cities.count() == 25
        neyshabur = cities.get(name_en="Neyshabur")
        assert (neyshabur.population, neyshabur.population_source) == (
            264375, normalize(demo.SOURCES_FA["census 1395 (2016)"]))
        assert neyshabur.area_ha is None
        assert neyshabur.kind == MunicipalityKind.CITY and neyshabur.county == "نیشابور"
        assert cities.get(name_en="Mashhad").kind == MunicipalityKind.METROPOLIS
        kariz = cities.get(name_en="Kariz")
        assert (kariz.kind, kariz.county) == (MunicipalityKind.TOWN, "تایباد")
        towns = cities.filter(kind=MunicipalityKind.TOWN)
        assert towns.count() >= 10 and all(t.population < 50_000 for t in towns)
        assert MunicipalAsset.objects.filter(municipality__in=towns).exists()

    def test_at_least_ten_suppliers_with_agreements_one_expired_and_one_expiring_soon(self, demo_org):
        today = timezone.localdate()
        suppliers = Provider.objects.filter(organization=demo_org, kind=ProviderKind.SUPPLIER)
        assert suppliers.count() >= 10
        assert not suppliers.annotate(n=Count("agreements")).filter(n=0).exists()
        agreements = AgencyAgreement.objects.filter(organization=demo_org)
        assert agreements.filter(ends_on__lt=today).count() >= 1
        assert agreements.filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=30)).exists()
        assert agreements.filter(ends_on__gt=today + timedelta(days=30)).count() >= 8
        assert all(Decimal(3) <= a.commission_percent <= Decimal(8) for a in agreements)
        assert not agreements.annotate(n=Count("domains")).filter(n=0).exists()

    def test_staff_units_and_at_least_three_affiliated_companies(self, demo_org):
        providers = Provider.objects.filter(organization=demo_org)
        assert providers.filter(kind=ProviderKind.AFFILIATE).count() >= 3
        staff = set(providers.filter(kind=ProviderKind.STAFF_UNIT).values_list("name", flat=True))
        assert {"معاونت بازرگانی", "معاونت اداری و مالی", "دفتر مدیرعامل"} <= staff

    def test_every_company_has_valid_legal_id_mobile_postal_code_and_sheba(self, demo_org):
        companies = Provider.objects.filter(organization=demo_org).exclude(kind=ProviderKind.STAFF_UNIT)
        assert companies.count() >= 13
        for company in companies:
            assert is_legal_national_id(company.legal_id), company.name
            assert is_mobile(company.mobile), company.name
            assert is_postal_code(company.postal_code), company.name
            assert is_sheba(company.sheba), company.name

    def test_capabilities_leave_a_gap_in_the_capability_map(self, demo_org):
        domains = ServiceDomain.objects.filter(organization=demo_org).annotate(n=Count("capabilities"))
        assert domains.count() >= 12 + 10
        assert domains.filter(parent__isnull=True).count() == 12
        gaps = set(domains.filter(n=0).values_list("code", flat=True))
        assert gaps == set(demo.GAP_DOMAINS)
        levels = set(Capability.objects.filter(organization=demo_org).values_list("level", flat=True))
        assert levels <= {1, 2, 3, 4, 5} and len(levels) >= 3

    def test_one_demo_user_per_role_bound_where_the_role_needs_it(self, demo_org):
        memberships = Membership.objects.filter(organization=demo_org).select_related(
            "user", "municipality", "provider")
        assert {m.role for m in memberships} == set(Role.values)
        by_username = {m.user.username: m for m in memberships}
        assert by_username["district9"].municipality.name_en == "Mashhad District 9"
        assert by_username["shandiz"].municipality.kind == MunicipalityKind.TOWN
        assert by_username["projects"].provider.kind == ProviderKind.AFFILIATE
        assert by_username["supplier"].provider.kind == ProviderKind.SUPPLIER
        assert by_username["ceo"].role == Role.EXECUTIVE
        assert all(m.user.check_password(demo.DEMO_PASSWORD) for m in memberships)

    def test_running_twice_changes_no_counts(self, demo_org):
        before = row_counts()
        output = run("load_demo")
        assert row_counts() == before
        assert "nothing to add" in output

    def test_running_again_restores_a_missing_row_only(self, demo_org):
        # A row removed after loading (here: one asset) comes back; nothing else is duplicated.
        MunicipalAsset.objects.filter(organization=demo_org, name="کوه پارک").delete()
        before = row_counts()
        run("load_demo")
        after = row_counts()
        changed = {label: after[label] - before[label] for label in before if after[label] != before[label]}
        assert changed == {"directory.MunicipalAsset": 1, "core.AuditEvent": 1}

    def test_every_created_row_has_an_audit_event_and_the_chain_verifies(self, demo_org):
        events = AuditEvent.objects.filter(organization=demo_org, action__endswith=".create")
        assert events.filter(object_type="directory.organization", object_id=str(demo_org.pk)).exists()
        for model in AUDITED_MODELS:
            rows = model.objects.filter(organization=demo_org).values_list("pk", flat=True)
            ids = {str(pk) for pk in rows}
            audited = set(events.filter(object_type=model._meta.label_lower)
                          .values_list("object_id", flat=True))
            assert ids and ids == audited, model.__name__
        assert audit_verify_chain(demo_org.pk) is None

    def test_the_demo_loaders_of_other_apps_run_with_the_directory(self, demo_org):
        from hamyar.web.management.commands.load_demo import app_demo_loaders

        loaders = app_demo_loaders()
        assert all(loader.__name__.startswith("load_") for loader in loaders)
        if apps.is_installed("hamyar.catalog"):
            from hamyar.catalog.models import CatalogItem

            assert CatalogItem.objects.filter(organization=demo_org).exists()

    def test_demo_logins_prints_each_demo_user_with_the_password(self, demo_org):
        output = run("demo_logins")
        for spec in demo.USERS:
            line = next(line for line in output.splitlines() if f"  {spec['username']}  " in line)
            assert demo.DEMO_PASSWORD in line and spec["sees_en"] in line
        assert "Executive" in output and "مدیر" in output


def test_if_empty_does_nothing_when_an_organization_exists(tenant):
    before = row_counts()
    run("load_demo", "--if-empty")
    assert row_counts() == before
    assert not Organization.objects.filter(slug="khorasan-razavi").exists()


def test_if_empty_loads_an_empty_database(db):
    run("load_demo", "--if-empty")
    assert Organization.objects.filter(slug="khorasan-razavi").exists()


def test_a_taken_username_stops_the_load_and_nothing_is_written(tenant):
    User.objects.create_user(username="orgadmin", password="x")
    before = row_counts()
    with pytest.raises(CommandError, match="orgadmin"):
        run("load_demo")
    assert row_counts() == before


def test_demo_logins_without_the_demo_says_how_to_load_it(db):
    assert "load_demo" in run("demo_logins")


@pytest.mark.skipif(not SHARED_CSV.exists(), reason="the shared data folder is not on this machine")
def test_embedded_municipalities_match_the_shared_csv():
    with SHARED_CSV.open(encoding="utf-8") as shared:
        expected = list(csv.DictReader(shared))
    assert list(csv.DictReader(io.StringIO(demo.MUNICIPALITIES_CSV))) == expected


def test_the_demo_writes_no_english_where_the_pages_show_persian():
    """Population sources and asset notes are shown on Persian pages: no English left in them."""
    english = re.compile(r"[A-Za-z]{2,}")
    shown = [row["population_source"] for row in demo.municipality_rows()]
    shown += [asset[4] for asset in demo.ASSETS]
    assert [text for text in shown if english.search(text)] == []
