"""Directory pages: scoping on every route, roles, live search, facts, the asset form, the admin.

The route tests discover the directory's routes from the URLconf, so a new page
is covered the day it is added; each page view declares its model and roles
through `hamyar.core.pages.page`.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from django.utils import timezone

from conftest import Tenant
from hamyar.core.models import AuditEvent
from hamyar.core.scoping import role_of
from hamyar.core.testing import url_patterns
from hamyar.directory.choices import AssetKind, MunicipalityKind, ProviderKind
from hamyar.directory.models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Provider,
    ServiceDomain,
)
from hamyar.directory.selectors import compute_facts

ORG_WIDE = {"admin", "commerce", "finance", "executive"}



ROUTES = [p for ns, p in url_patterns() if ns == "directory"]
DETAIL_ROUTES = [p for p in ROUTES if "pk" in p.pattern.converters]  # pages of one row
LIST_ROUTES = [p for p in ROUTES if not p.pattern.converters]


def is_detail(route: URLPattern) -> bool:
    return "pk" in route.pattern.converters


def url(route: URLPattern, obj=None) -> str:
    return reverse(f"directory:{route.name}", kwargs={"pk": obj.pk} if is_detail(route) else None)


def route_ids(route: URLPattern) -> str:
    return route.name


def may_see(tenant: Tenant, user_key: str, obj) -> bool:
    """Who sees which directory row, written out from DESIGN.md independently of the scoping code."""
    if obj.organization_id != tenant.org.pk:
        return False
    if user_key in ORG_WIDE:
        return True
    municipality = {"district9": tenant.district9, "district10": tenant.district10}.get(user_key)
    provider = {"supplier": tenant.supplier, "project_manager": tenant.affiliate}.get(user_key)
    if isinstance(obj, Municipality):
        return municipality is not None and obj.pk == municipality.pk
    if isinstance(obj, MunicipalAsset):
        return municipality is not None and obj.municipality_id == municipality.pk
    if isinstance(obj, Provider):
        # A municipality chooses among every provider; a provider sees only itself.
        return municipality is not None or obj.pk == provider.pk
    if isinstance(obj, AgencyAgreement):
        return provider is not None and obj.supplier_id == provider.pk
    raise AssertionError(f"Write the visibility rule for {type(obj).__name__} in may_see().")


def role_allowed(route: URLPattern, user) -> bool:
    return role_of(user) in route.callback.page_roles


def detail_url_of(obj) -> str | None:
    """The detail page of a row, if the directory has one."""
    for route in DETAIL_ROUTES:
        if route.name.endswith("_detail") and route.callback.page_model is type(obj):
            return url(route, obj)
    return None


def test_every_directory_route_declares_its_model_and_roles():
    assert ROUTES, "the directory URLconf was not found"
    for route in ROUTES:
        assert route.callback.page_model is not None, route.name
        assert route.callback.page_roles, route.name


# --- anonymous and wrong roles ------------------------------------------------------------------

@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_anonymous_user_is_sent_to_login(client, tenant, route):
    obj = route.callback.page_model.objects.first()
    response = client.get(url(route, obj))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_wrong_role_gets_403_on_every_route(client, tenant, route):
    own = {"district9": tenant.district9, "district10": tenant.district10}
    for key, user in tenant.users.items():
        if role_allowed(route, user):
            continue
        client.force_login(user)
        model = route.callback.page_model
        # Even a row in the user's own reach: the role, not the row, is refused.
        obj = (own.get(key) if model is Municipality else None) or model.objects.filter(
            organization=tenant.org).first()
        assert client.get(url(route, obj)).status_code == 403, (
            route.name, key)


def test_role_restricted_pages_refuse_the_obvious_outsiders(client, tenant):
    cases = [
        ("supplier", reverse("directory:municipality_list")),
        ("project_manager", reverse("directory:asset_list")),
        ("district9", reverse("directory:agreement_list")),
        ("district9", reverse("directory:capability_map")),
        ("finance", reverse("directory:capability_map")),
        ("executive", reverse("directory:asset_create", args=[tenant.district9.pk])),
    ]
    for key, path in cases:
        client.force_login(tenant.users[key])
        assert client.get(path).status_code == 403, (key, path)


# --- scoping: every detail and list route, every user, both tenants -----------------------------

@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=route_ids)
def test_detail_route_answers_404_outside_the_users_scope(client, tenant, other_tenant, route):
    """Every user of `tenant` against every row of both tenants (the other way round is the same
    code path, and `test_other_tenant_sees_nothing_of_tenant_on_any_route` walks it)."""
    objects = list(route.callback.page_model.objects.all())
    assert {o.organization_id for o in objects} == {tenant.org.pk, other_tenant.org.pk}
    for key, user in tenant.users.items():
        client.force_login(user)
        for obj in objects:
            status = client.get(url(route, obj)).status_code
            if not role_allowed(route, user):
                expected = 403
            else:
                expected = 200 if may_see(tenant, key, obj) else 404
            assert status == expected, (route.name, key, str(obj))


@pytest.mark.parametrize("route", LIST_ROUTES, ids=route_ids)
def test_list_route_shows_exactly_the_rows_in_scope(client, tenant, other_tenant, route):
    model = route.callback.page_model
    everything = list(model.objects.all())
    for t in (tenant, other_tenant):
        for key, user in t.users.items():
            client.force_login(user)
            response = client.get(url(route))
            if not role_allowed(route, user):
                assert response.status_code == 403, (route.name, key)
                continue
            assert response.status_code == 200, (route.name, key)
            shown = {o.pk for o in response.context["object_list"]}
            expected = {o.pk for o in everything if may_see(t, key, o)}
            assert shown == expected, (route.name, t.org.slug, key)
            html = response.content.decode()
            for obj in everything:
                link = detail_url_of(obj)
                if link and not may_see(t, key, obj):
                    assert f'href="{link}"' not in html, (route.name, key, str(obj))


def test_district9_user_gets_404_for_every_other_municipalitys_record(client, tenant, other_tenant):
    client.force_login(tenant.users["district9"])
    checked = 0
    for route in DETAIL_ROUTES:
        model = route.callback.page_model
        if model not in (Municipality, MunicipalAsset):
            continue
        for obj in model.objects.all():
            mine = obj.pk == tenant.district9.pk if model is Municipality else (
                obj.municipality_id == tenant.district9.pk)
            assert client.get(url(route, obj)).status_code == (200 if mine else 404), (route.name, str(obj))
            checked += 1
    assert checked > 10


def test_district9_user_lists_only_its_own_municipality_and_assets(client, tenant, other_tenant):
    client.force_login(tenant.users["district9"])
    municipalities = client.get(reverse("directory:municipality_list")).context["object_list"]
    assert [m.pk for m in municipalities] == [tenant.district9.pk]
    assets = client.get(reverse("directory:asset_list")).context["object_list"]
    assert [a.pk for a in assets] == [tenant.vakilabad.pk]


def test_supplier_user_sees_only_its_own_provider(client, tenant, other_tenant):
    client.force_login(tenant.users["supplier"])
    providers = client.get(reverse("directory:provider_list")).context["object_list"]
    assert [p.pk for p in providers] == [tenant.supplier.pk]
    for provider in Provider.objects.exclude(pk=tenant.supplier.pk):
        assert client.get(reverse("directory:provider_detail", args=[provider.pk])).status_code == 404
    agreements = client.get(reverse("directory:agreement_list")).context["object_list"]
    assert [a.pk for a in agreements] == [tenant.agreement.pk]


def test_other_tenant_sees_nothing_of_tenant_on_any_route(client, tenant, other_tenant):
    ours = [obj for model in (Municipality, MunicipalAsset, Provider, AgencyAgreement)
            for obj in model.objects.filter(organization=tenant.org)]
    for user in other_tenant.users.values():
        client.force_login(user)
        for route in LIST_ROUTES:
            response = client.get(url(route))
            if response.status_code == 200:
                assert not {o.organization_id for o in response.context["object_list"]} & {tenant.org.pk}
                html = response.content.decode()
                for obj in ours:
                    link = detail_url_of(obj)
                    assert not link or f'href="{link}"' not in html
        for route in DETAIL_ROUTES:
            for obj in route.callback.page_model.objects.filter(organization=tenant.org):
                assert client.get(url(route, obj)).status_code in (403, 404)


# --- query counts -------------------------------------------------------------------------------

def grow(tenant: Tenant, n: int) -> None:
    """Add n municipalities with assets and n suppliers with capabilities and agreements."""
    org = tenant.org
    today = timezone.localdate()
    for i in range(n):
        m = Municipality.objects.create(organization=org, name=f"شهر {i}", search_name=f"شهر {i}",
                                        kind=MunicipalityKind.TOWN, population=1000 + i,
                                        parent=tenant.mashhad)
        MunicipalAsset.objects.create(organization=org, municipality=m, name=f"بوستان {i}",
                                      search_name=f"بوستان {i}", kind=AssetKind.PARK, area_ha=1 + i)
        p = Provider.objects.create(organization=org, name=f"تامین‌کننده {i}", search_name=f"تامین‌کننده {i}",
                                    kind=ProviderKind.SUPPLIER)
        d = ServiceDomain.objects.create(organization=org, code=f"domain-{i}", name=f"حوزه {i}")
        Capability.objects.create(organization=org, provider=p, domain=d, level=1 + i % 5,
                                  monthly_capacity=10)
        a = AgencyAgreement.objects.create(organization=org, supplier=p, number=f"G-{i}",
                                           commission_percent=3, starts_on=today - dt.timedelta(days=5),
                                           ends_on=today + dt.timedelta(days=i))
        a.domains.set([d, tenant.green])


@pytest.mark.parametrize("route", LIST_ROUTES, ids=route_ids)
def test_list_page_query_count_stays_flat_as_rows_grow(client, tenant, route, django_assert_max_num_queries):
    client.force_login(tenant.users["commerce"])
    path = url(route)
    client.get(path)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    grow(tenant, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.context["object_list"]) > 20


# --- live search and filters --------------------------------------------------------------------

def test_municipality_search_matches_persian_however_typed(client, tenant):
    client.force_login(tenant.users["commerce"])
    # Arabic yeh (ي) typed for Persian yeh (ی).
    rows = client.get(reverse("directory:municipality_list"), {"q": "نيشابور"}).context["object_list"]
    assert [m.pk for m in rows] == [tenant.neyshabur.pk]


def test_provider_search_matches_arabic_kaf_and_yeh(client, tenant):
    client.force_login(tenant.users["commerce"])
    rows = client.get(reverse("directory:provider_list"), {"q": "نيمكت"}).context["object_list"]
    assert [p.pk for p in rows] == [tenant.supplier.pk]


def test_municipality_kind_filter(client, tenant):
    client.force_login(tenant.users["commerce"])
    rows = client.get(reverse("directory:municipality_list"), {"kind": "district"}).context["object_list"]
    assert {m.pk for m in rows} == {tenant.district9.pk, tenant.district10.pk}


def test_provider_kind_filter(client, tenant):
    client.force_login(tenant.users["district9"])
    rows = client.get(reverse("directory:provider_list"), {"kind": "supplier"}).context["object_list"]
    assert {p.pk for p in rows} == {tenant.supplier.pk, tenant.other_supplier.pk}


def test_unknown_filter_value_is_ignored_not_an_error(client, tenant):
    client.force_login(tenant.users["commerce"])
    response = client.get(reverse("directory:municipality_list"), {"kind": "castle"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 4


def test_htmx_search_answers_with_the_results_fragment_only(client, tenant):
    client.force_login(tenant.users["commerce"])
    path = reverse("directory:municipality_list")
    fragment = client.get(path, {"q": "نیشابور"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html and "نیشابور" in html and "منطقه" not in html
    assert "HX-Request" in fragment["Vary"]
    full = client.get(path, {"q": "نیشابور"})
    assert "<html" in full.content.decode()
    restore = client.get(path, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_agreement_list_flags_expired_and_filters_by_status(client, tenant):
    client.force_login(tenant.users["commerce"])
    path = reverse("directory:agreement_list")
    expired = client.get(path, {"status": "expired"}).context["object_list"]
    assert [a.pk for a in expired] == [tenant.expired_agreement.pk]
    valid = client.get(path, {"status": "valid"}).context["object_list"]
    assert [a.pk for a in valid] == [tenant.agreement.pk]
    soon = AgencyAgreement.objects.create(
        organization=tenant.org, supplier=tenant.supplier, number="kr-A3", commission_percent=5,
        starts_on=timezone.localdate() - dt.timedelta(days=300),
        ends_on=timezone.localdate() + dt.timedelta(days=20))
    expiring = client.get(path, {"status": "expiring"}).context["object_list"]
    assert [a.pk for a in expiring] == [soon.pk]


# --- profiles and facts -------------------------------------------------------------------------

def test_district9_profile_shows_per_capita_and_per_hectare_facts(client, tenant):
    client.force_login(tenant.users["district9"])
    response = client.get(reverse("directory:municipality_detail", args=[tenant.district9.pk]))
    facts = response.context["facts"]
    assert facts.residents_per_ha == pytest.approx(365000 / 4400)
    assert facts.m2_per_resident == pytest.approx(4400 * 10000 / 365000)
    assert facts.assets_m2_per_resident == pytest.approx(120 * 10000 / 365000)
    assert facts.assets_share_percent == pytest.approx(120 / 4400 * 100)
    html = response.content.decode()
    assert "۳۶۵٬۰۰۰" in html  # population in Persian digits
    assert "۸۳" in html  # residents per hectare, rounded
    assert "۱۲۰٫۵" in html  # square metres per resident
    assert "پارک وکیل‌آباد" in html


def test_unknown_area_shows_a_dash_never_an_invented_figure(client, tenant):
    client.force_login(tenant.users["commerce"])
    response = client.get(reverse("directory:municipality_detail", args=[tenant.neyshabur.pk]))
    facts = response.context["facts"]
    assert facts.area_ha is None
    assert facts.residents_per_ha is None and facts.m2_per_resident is None
    assert facts.assets_share_percent is None
    assert facts.assets_m2_per_resident == pytest.approx(12 * 10000 / 264375)
    assert "—" in response.content.decode()


def test_asset_without_area_is_counted_but_not_given_one(tenant):
    unknown = MunicipalAsset(organization=tenant.org, municipality=tenant.district9, name="زمین بایر",
                             kind=AssetKind.BARREN_LAND, area_ha=None)
    facts = compute_facts(tenant.district9, [tenant.vakilabad, unknown])
    assert facts.asset_count == 2
    assert facts.assets_unknown_area == 1
    assert facts.assets_area_ha == pytest.approx(120)
    only_unknown = compute_facts(tenant.district9, [unknown])
    assert only_unknown.assets_area_ha is None and only_unknown.assets_m2_per_resident is None


def test_metropolis_profile_lists_its_districts(client, tenant):
    client.force_login(tenant.users["commerce"])
    response = client.get(reverse("directory:municipality_detail", args=[tenant.mashhad.pk]))
    assert {d.pk for d in response.context["districts"]} == {tenant.district9.pk, tenant.district10.pk}


def test_district_user_sees_its_parent_city_named_but_not_linked(client, tenant):
    mashhad_link = f'href="{reverse("directory:municipality_detail", args=[tenant.mashhad.pk])}"'
    client.force_login(tenant.users["district9"])
    html = client.get(reverse("directory:municipality_detail", args=[tenant.district9.pk])).content.decode()
    assert "مشهد" in html and mashhad_link not in html
    client.force_login(tenant.users["commerce"])
    html = client.get(reverse("directory:municipality_detail", args=[tenant.district9.pk])).content.decode()
    assert mashhad_link in html


def test_provider_profile_shows_capabilities_and_flags_expired_agreements(client, tenant):
    client.force_login(tenant.users["commerce"])
    html = client.get(reverse("directory:provider_detail", args=[tenant.other_supplier.pk])).content.decode()
    assert "kr-A۲" in html
    assert "text-bg-danger" in html  # the expired badge
    html = client.get(reverse("directory:provider_detail", args=[tenant.supplier.pk])).content.decode()
    assert "مبلمان شهری" in html and "kr-A۱" in html and "text-bg-danger" not in html


def test_municipality_user_does_not_see_a_suppliers_agreements(client, tenant):
    client.force_login(tenant.users["district9"])
    response = client.get(reverse("directory:provider_detail", args=[tenant.supplier.pk]))
    assert response.status_code == 200
    assert "kr-A۱" not in response.content.decode()


def test_capability_map_shows_levels_strengths_and_gaps(client, tenant):
    client.force_login(tenant.users["commerce"])
    response = client.get(reverse("directory:capability_map"))
    assert [d.pk for d in response.context["gaps"]] == [tenant.lighting.pk]
    assert {d.pk for d in response.context["strong"]} == {tenant.green.pk, tenant.furniture.pk}
    html = response.content.decode()
    assert 'class="level level-5"' in html and 'class="level level-4"' in html
    assert "روشنایی" in html


# --- the asset form -----------------------------------------------------------------------------

def asset_post(client, municipality, **data):
    payload = {"name": "باغ وفا", "kind": AssetKind.GARDEN, "area_ha": "", "description": ""}
    payload.update(data)
    return client.post(reverse("directory:asset_create", args=[municipality.pk]), payload)


def test_district9_user_adds_an_asset_to_its_own_municipality(client, tenant):
    client.force_login(tenant.users["district9"])
    before = AuditEvent.objects.count()
    response = asset_post(client, tenant.district9, name="باغ وفاي", area_ha="۱۲٫۵")
    asset = MunicipalAsset.objects.get(municipality=tenant.district9, name="باغ وفای")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:asset_detail", args=[asset.pk])
    assert asset.area_ha == Decimal("12.5")
    assert AuditEvent.objects.count() == before + 1


def test_district9_user_cannot_add_an_asset_elsewhere(client, tenant, other_tenant):
    client.force_login(tenant.users["district9"])
    count = MunicipalAsset.objects.count()
    for other in (tenant.district10, tenant.neyshabur, other_tenant.district9):
        assert client.get(reverse("directory:asset_create", args=[other.pk])).status_code == 404
        assert asset_post(client, other).status_code == 404
    assert MunicipalAsset.objects.count() == count


def test_officer_adds_an_asset_to_any_municipality_of_the_organization(client, tenant):
    client.force_login(tenant.users["commerce"])
    assert asset_post(client, tenant.neyshabur, name="کوه پارک").status_code == 302
    asset = MunicipalAsset.objects.get(name="کوه پارک")
    assert asset.municipality_id == tenant.neyshabur.pk and asset.area_ha is None


def test_supplier_cannot_add_an_asset(client, tenant):
    client.force_login(tenant.users["supplier"])
    assert asset_post(client, tenant.district9).status_code == 403
    assert not MunicipalAsset.objects.filter(name="باغ وفا").exists()


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"kind": "castle"}, "kind"),
    ({"area_ha": "-3"}, "area_ha"),
    ({"area_ha": "دوازده"}, "area_ha"),
])
def test_bad_asset_input_answers_422_with_persian_errors_and_writes_nothing(client, tenant, data, field):
    client.force_login(tenant.users["district9"])
    count, events = MunicipalAsset.objects.count(), AuditEvent.objects.count()
    response = asset_post(client, tenant.district9, **data)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert 'id="asset-form"' in response.content.decode()
    assert MunicipalAsset.objects.count() == count and AuditEvent.objects.count() == events


def test_duplicate_asset_name_is_the_services_error_shown_on_the_form(client, tenant):
    client.force_login(tenant.users["district9"])
    count = MunicipalAsset.objects.count()
    response = asset_post(client, tenant.district9, name="پارک وکیل‌آباد", kind=AssetKind.PARK)
    assert response.status_code == 422
    errors = [e for errs in response.context["form"].errors.values() for e in errs]
    assert errors and all(any("\u0600" <= ch <= "\u06ff" for ch in e) for e in errors), errors
    assert MunicipalAsset.objects.count() == count


# --- admin --------------------------------------------------------------------------------------

DIRECTORY_ADMINS = [m for m in admin.site._registry if m._meta.app_label == "directory"]


def test_every_directory_model_is_in_the_admin():
    from django.apps import apps

    assert set(DIRECTORY_ADMINS) == set(apps.get_app_config("directory").get_models())


@pytest.mark.parametrize("model", DIRECTORY_ADMINS, ids=lambda m: m.__name__)
def test_admin_changelist_search_and_filters_answer(admin_client, tenant, model):
    model_admin = admin.site._registry[model]
    assert len(model_admin.list_display) > 1 and model_admin.search_fields and (
        model_admin.list_filter or model is not Municipality)
    base = reverse(f"admin:directory_{model._meta.model_name}_changelist")
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(base, {"q": "مشهد"}).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse(f"admin:directory_{model._meta.model_name}_change",
                                    args=[obj.pk])).status_code == 200


def test_admin_keeps_the_search_name_when_saving(admin_client, tenant):
    response = admin_client.post(reverse("admin:directory_municipality_add"), {
        "organization": tenant.org.pk, "name": "  فريمان ", "name_en": "Fariman", "kind": "town",
        "county": "", "population": "", "population_source": "", "area_ha": "", "grade": "",
        "parent": "", "assets-TOTAL_FORMS": "0", "assets-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Municipality.objects.get(name_en="Fariman")
    assert m.name == "فریمان" and m.search_name == "فریمان"

