"""Every directory write: who may make it, what it stores, its one audit event, and nothing on refusal."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.utils import timezone

from hamyar.core.errors import InvalidInput, NotFound, PermissionDenied
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.core.text import ZWNJ, normalize
from hamyar.directory import services
from hamyar.directory.choices import AssetKind, MunicipalityKind, ProviderKind
from hamyar.directory.models import AgencyAgreement, Capability, MunicipalAsset, Municipality, Provider

VALID_LEGAL_ID = "10862397500"
VALID_SHEBA = "IR062960000000100324200001"


@contextmanager
def refused(*errors: type[Exception]) -> Iterator[pytest.ExceptionInfo]:
    """One of `errors` is raised, and nothing is written in the directory or the audit log."""
    with nothing_written("directory"), pytest.raises(errors) as info:
        yield info


def assert_event(event, *, actor, action, obj, before, after_has):
    assert event.actor == actor
    assert event.action == action
    assert event.object_id == str(obj.pk)
    assert event.organization_id == obj.organization_id
    if before is None:
        assert event.before is None
    else:
        for key, value in before.items():
            assert event.before[key] == value
    for key, value in after_has.items():
        assert event.after[key] == value


# Municipalities -----------------------------------------------------------------------------------


def test_admin_creates_a_municipality_with_its_name_normalized(tenant):
    admin = tenant.users["admin"]
    with one_audit_event("municipality.create") as audit:
        town = services.municipality_create(acting_user=admin, data={
            "name": " طرقبه  شانديز ", "kind": MunicipalityKind.TOWN, "population": 20000,
            "parent": None, "county": "طرقبه شانديز",
        })
    town.refresh_from_db()
    assert town.name == "طرقبه شاندیز"
    assert town.county == "طرقبه شاندیز"
    assert town.search_name == normalize("طرقبه شاندیز").casefold()
    assert town.organization == tenant.org
    assert_event(audit.event, actor=admin, action="municipality.create", obj=town, before=None,
                 after_has={"name": "طرقبه شاندیز", "population": 20000})


def test_a_municipality_name_in_arabic_letters_is_a_duplicate_of_the_persian_one(tenant):
    data = {"name": "نيشابور", "kind": MunicipalityKind.CITY}
    with refused(InvalidInput):
        services.municipality_create(acting_user=tenant.users["admin"], data=data)


@pytest.mark.parametrize("role", ["commerce", "finance", "executive", "district9", "supplier"])
def test_only_an_admin_creates_municipalities(tenant, role):
    with refused(PermissionDenied):
        services.municipality_create(acting_user=tenant.users[role],
                                     data={"name": "قوچان", "kind": MunicipalityKind.CITY})


def test_a_municipality_cannot_be_placed_under_another_organizations_city(tenant, other_tenant):
    with refused(NotFound):
        services.municipality_create(acting_user=tenant.users["admin"], data={
            "name": "منطقه ۱۱ مشهد", "kind": MunicipalityKind.DISTRICT, "parent": other_tenant.mashhad})


@pytest.mark.parametrize(
    "bad", [{"grade": 13}, {"grade": 0}, {"area_ha": Decimal("0")}, {"kind": "village"}, {"name": ""}]
)
def test_a_municipality_with_bad_values_is_refused(tenant, bad):
    data = {"name": "قوچان", "kind": MunicipalityKind.CITY, **bad}
    with refused(InvalidInput):
        services.municipality_create(acting_user=tenant.users["admin"], data=data)


def test_admin_updates_a_municipality_and_the_event_has_before_and_after(tenant):
    admin = tenant.users["admin"]
    with one_audit_event("municipality.update") as audit:
        services.municipality_update(municipality=tenant.district9, acting_user=admin,
                                     data={"population": 370000})
    assert Municipality.objects.get(pk=tenant.district9.pk).population == 370000
    assert_event(audit.event, actor=admin, action="municipality.update", obj=tenant.district9,
                 before={"population": 365000}, after_has={"population": 370000})


def test_a_municipality_cannot_be_its_own_parent(tenant):
    with refused(InvalidInput):
        services.municipality_update(municipality=tenant.mashhad, acting_user=tenant.users["admin"],
                                     data={"parent": tenant.mashhad})



def test_a_city_cannot_be_placed_under_its_own_district(tenant):
    with refused(InvalidInput):
        services.municipality_update(municipality=tenant.mashhad, acting_user=tenant.users["admin"],
                                     data={"parent": tenant.district9})


def test_another_organizations_municipality_cannot_be_updated(tenant, other_tenant):
    with refused(NotFound):
        services.municipality_update(municipality=other_tenant.neyshabur,
                                     acting_user=tenant.users["admin"], data={"population": 1})


def test_a_municipality_user_cannot_update_its_own_municipality(tenant):
    with refused(PermissionDenied):
        services.municipality_update(municipality=tenant.district9, acting_user=tenant.users["district9"],
                                     data={"population": 1})


# Assets -------------------------------------------------------------------------------------------


def test_a_municipality_user_creates_an_asset_of_its_own_municipality(tenant):
    user = tenant.users["district9"]
    with one_audit_event("asset.create") as audit:
        asset = services.asset_create(acting_user=user, data={
            "municipality": tenant.district9, "name": "باغ وفا", "kind": AssetKind.GARDEN,
            "area_ha": Decimal("35.5")})
    assert asset.organization == tenant.org and asset.municipality == tenant.district9
    assert_event(audit.event, actor=user, action="asset.create", obj=asset, before=None,
                 after_has={"name": "باغ وفا", "municipality_id": tenant.district9.pk, "area_ha": "35.50"})


def test_a_municipality_user_cannot_create_an_asset_of_another_municipality(tenant):
    with refused(NotFound):
        services.asset_create(acting_user=tenant.users["district9"], data={
            "municipality": tenant.district10, "name": "پارک کوهسنگی", "kind": AssetKind.PARK})


def test_a_municipality_user_cannot_create_an_asset_of_its_parent_city(tenant):
    with refused(NotFound):
        services.asset_create(acting_user=tenant.users["district9"], data={
            "municipality": tenant.mashhad, "name": "میدان شهدا", "kind": AssetKind.SQUARE})


def test_an_officer_creates_an_asset_for_any_municipality_of_its_organization(tenant):
    with one_audit_event("asset.create"):
        asset = services.asset_create(acting_user=tenant.users["commerce"], data={
            "municipality": tenant.neyshabur, "name": "باغ  ملي", "kind": AssetKind.GARDEN})
    assert asset.name == "باغ ملی"


def test_an_asset_cannot_be_created_for_another_organizations_municipality(tenant, other_tenant):
    with refused(NotFound):
        services.asset_create(acting_user=tenant.users["commerce"], data={
            "municipality": other_tenant.district9, "name": "پارک", "kind": AssetKind.PARK})


@pytest.mark.parametrize("role", ["finance", "executive", "supplier", "project_manager"])
def test_other_roles_cannot_create_assets(tenant, role):
    with refused(PermissionDenied):
        services.asset_create(acting_user=tenant.users[role], data={
            "municipality": tenant.district9, "name": "پارک", "kind": AssetKind.PARK})


def test_an_asset_needs_a_municipality(tenant):
    with refused(InvalidInput):
        services.asset_create(acting_user=tenant.users["commerce"], data={"name": "پارک", "kind": "park"})


def test_an_asset_name_in_arabic_letters_duplicates_the_persian_one(tenant):
    with refused(InvalidInput):
        services.asset_create(acting_user=tenant.users["district9"], data={
            "municipality": tenant.district9, "name": f"پارك  وكيل{ZWNJ}{ZWNJ}آباد", "kind": AssetKind.PARK})


@pytest.mark.parametrize("area", [Decimal("0"), Decimal("-3")])
def test_an_asset_area_must_be_positive(tenant, area):
    with refused(InvalidInput):
        services.asset_create(acting_user=tenant.users["district9"], data={
            "municipality": tenant.district9, "name": "زمین بایر", "kind": AssetKind.BARREN_LAND,
            "area_ha": area})


def test_a_municipality_user_updates_its_own_asset(tenant):
    user = tenant.users["district9"]
    with one_audit_event("asset.update") as audit:
        services.asset_update(asset=tenant.vakilabad, acting_user=user, data={"area_ha": Decimal("125")})
    assert MunicipalAsset.objects.get(pk=tenant.vakilabad.pk).area_ha == Decimal("125")
    assert_event(audit.event, actor=user, action="asset.update", obj=tenant.vakilabad,
                 before={"area_ha": "120.00"}, after_has={"area_ha": "125.00"})


def test_a_municipality_user_cannot_update_another_municipalitys_asset(tenant):
    with refused(NotFound):
        services.asset_update(asset=tenant.neyshabur_park, acting_user=tenant.users["district9"],
                              data={"name": "بوستان"})


def test_a_municipality_user_cannot_move_its_asset_to_another_municipality(tenant):
    with refused(NotFound):
        services.asset_update(asset=tenant.vakilabad, acting_user=tenant.users["district9"],
                              data={"municipality": tenant.district10})


# Providers ----------------------------------------------------------------------------------------


def test_an_officer_creates_a_supplier_with_every_identifier_stored_in_its_canonical_form(tenant):
    officer = tenant.users["commerce"]
    with one_audit_event("provider.create") as audit:
        provider = services.provider_create(acting_user=officer, data={
            "name": "شركت روشنايي  خراسان", "kind": ProviderKind.SUPPLIER,
            "legal_id": "۱۰۸۶۲۳۹۷۵۰۰", "mobile": "+98 912 123 4567", "postal_code": "۹۱۷۷۹-۴۸۹۷۴",
            "sheba": "ir06 2960 0000 0010 0324 2000 01", "email": " Info@Example.COM ",
            "phone": "۰۵۱-۳۸۴۰۰۰۰۰",
        })
    provider.refresh_from_db()
    assert provider.name == "شرکت روشنایی خراسان"
    assert provider.search_name == normalize("شرکت روشنایی خراسان").casefold()
    assert (provider.legal_id, provider.mobile, provider.postal_code, provider.sheba) == (
        VALID_LEGAL_ID, "09121234567", "9177948974", VALID_SHEBA)
    assert provider.email == "info@example.com" and provider.phone == "05138400000"
    assert_event(audit.event, actor=officer, action="provider.create", obj=provider, before=None,
                 after_has={"name": "شرکت روشنایی خراسان", "legal_id": VALID_LEGAL_ID})


def test_a_staff_unit_needs_no_legal_id(tenant):
    with one_audit_event("provider.create"):
        unit = services.provider_create(acting_user=tenant.users["admin"],
                                        data={"name": "معاونت اداری مالی", "kind": ProviderKind.STAFF_UNIT})
    assert unit.legal_id == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("legal_id", "10862397501"),  # wrong check digit
        ("legal_id", "1086239750"),  # ten digits
        ("sheba", "IR072960000000100324200001"),  # wrong check digits
        ("sheba", "DE062960000000100324200001"),
        ("mobile", "0812123456"),
        ("mobile", "not a phone"),
        ("postal_code", "0177948974"),
        ("postal_code", "12345"),
        ("email", "not-an-email"),
    ],
)
def test_a_provider_with_a_bad_identifier_is_refused_and_the_field_is_named(tenant, field, value):
    data = {"name": "تأمین‌کننده نمونه", "kind": ProviderKind.SUPPLIER, "legal_id": VALID_LEGAL_ID,
            field: value}
    with refused(InvalidInput) as error:
        services.provider_create(acting_user=tenant.users["commerce"], data=data)
    assert field in error.value.extra["fields"]


@pytest.mark.parametrize("kind", [ProviderKind.SUPPLIER, ProviderKind.AFFILIATE])
def test_a_company_or_supplier_needs_its_legal_id(tenant, kind):
    with refused(InvalidInput) as error:
        services.provider_create(acting_user=tenant.users["commerce"], data={"name": "بی‌شناسه", "kind": kind})
    assert "legal_id" in error.value.extra["fields"]


def test_a_provider_name_in_arabic_letters_duplicates_the_persian_one(tenant):
    with refused(InvalidInput):
        services.provider_create(acting_user=tenant.users["commerce"], data={
            "name": "روشنايي پارس", "kind": ProviderKind.SUPPLIER, "legal_id": VALID_LEGAL_ID})


def test_two_providers_of_one_organization_cannot_share_a_legal_id(tenant):
    with refused(InvalidInput):
        services.provider_create(acting_user=tenant.users["commerce"], data={
            "name": "نام دیگر", "kind": ProviderKind.SUPPLIER, "legal_id": tenant.supplier.legal_id})


def test_another_organization_may_register_the_same_company(tenant, other_tenant):
    legal_id = tenant.supplier.legal_id
    Provider.objects.filter(pk=other_tenant.supplier.pk).update(legal_id="")  # free it in the other tenant
    with one_audit_event("provider.create"):
        services.provider_create(acting_user=other_tenant.users["commerce"], data={
            "name": "نیمکت توس", "kind": ProviderKind.SUPPLIER, "legal_id": legal_id})


@pytest.mark.parametrize("role", ["finance", "executive", "supplier", "district9", "project_manager"])
def test_other_roles_cannot_create_providers(tenant, role):
    with refused(PermissionDenied):
        services.provider_create(acting_user=tenant.users[role],
                                 data={"name": "واحد", "kind": ProviderKind.STAFF_UNIT})


def test_an_officer_updates_a_provider_and_the_event_has_before_and_after(tenant):
    officer = tenant.users["commerce"]
    with one_audit_event("provider.update") as audit:
        services.provider_update(provider=tenant.supplier, acting_user=officer, data={"sheba": VALID_SHEBA})
    assert Provider.objects.get(pk=tenant.supplier.pk).sheba == VALID_SHEBA
    assert_event(audit.event, actor=officer, action="provider.update", obj=tenant.supplier,
                 before={"sheba": ""}, after_has={"sheba": VALID_SHEBA})


def test_a_bad_update_leaves_the_provider_as_it_was(tenant):
    with refused(InvalidInput):
        services.provider_update(provider=tenant.supplier, acting_user=tenant.users["commerce"],
                                 data={"name": "نام تازه", "sheba": "IR00"})


def test_a_supplier_cannot_be_left_without_its_legal_id(tenant):
    with refused(InvalidInput):
        services.provider_update(provider=tenant.supplier, acting_user=tenant.users["commerce"],
                                 data={"legal_id": ""})


def test_another_organizations_provider_cannot_be_updated(tenant, other_tenant):
    with refused(NotFound):
        services.provider_update(provider=other_tenant.supplier, acting_user=tenant.users["commerce"],
                                 data={"name": "ربوده"})


def test_a_supplier_user_cannot_edit_its_own_provider(tenant):
    with refused(PermissionDenied):
        services.provider_update(provider=tenant.supplier, acting_user=tenant.users["supplier"],
                                 data={"name": "نام تازه"})


# Service domains ----------------------------------------------------------------------------------


def test_an_officer_creates_a_sub_domain(tenant):
    officer = tenant.users["commerce"]
    with one_audit_event("domain.create") as audit:
        domain = services.domain_create(acting_user=officer, data={
            "code": "parks", "name": "پارك‌ها", "parent": tenant.green})
    assert domain.name == "پارک‌ها" and domain.parent == tenant.green
    assert_event(audit.event, actor=officer, action="domain.create", obj=domain, before=None,
                 after_has={"code": "parks", "parent_id": tenant.green.pk})


@pytest.mark.parametrize("code", ["green-space", "not a slug", ""])
def test_a_domain_code_must_be_a_new_slug(tenant, code):
    with refused(InvalidInput):
        services.domain_create(acting_user=tenant.users["commerce"], data={"code": code, "name": "حوزه"})


def test_a_domain_cannot_be_placed_under_another_organizations_domain(tenant, other_tenant):
    with refused(NotFound):
        services.domain_create(acting_user=tenant.users["commerce"], data={
            "code": "parks", "name": "پارک‌ها", "parent": other_tenant.green})


def test_a_municipality_user_cannot_create_domains(tenant):
    with refused(PermissionDenied):
        services.domain_create(acting_user=tenant.users["district9"], data={"code": "x", "name": "x"})


def test_an_officer_renames_a_domain(tenant):
    with one_audit_event("domain.update") as audit:
        services.domain_update(domain=tenant.lighting, acting_user=tenant.users["commerce"],
                               data={"name": "روشنایی معابر"})
    assert audit.event.before["name"] == "روشنایی" and audit.event.after["name"] == "روشنایی معابر"


def test_a_domain_cannot_be_placed_under_its_own_sub_domain(tenant):
    child = services.domain_create(acting_user=tenant.users["commerce"],
                                   data={"code": "parks", "name": "پارک‌ها", "parent": tenant.green})
    with refused(InvalidInput):
        services.domain_update(domain=tenant.green, acting_user=tenant.users["commerce"],
                               data={"parent": child})


def test_a_domain_cannot_be_its_own_parent(tenant):
    with refused(InvalidInput):
        services.domain_update(domain=tenant.green, acting_user=tenant.users["commerce"],
                               data={"parent": tenant.green})


def test_a_domain_cannot_be_moved_under_another_organizations_domain(tenant, other_tenant):
    with refused(NotFound):
        services.domain_update(domain=tenant.lighting, acting_user=tenant.users["commerce"],
                               data={"parent": other_tenant.green})


# Capabilities -------------------------------------------------------------------------------------


def test_an_officer_records_a_capability(tenant):
    officer = tenant.users["commerce"]
    with one_audit_event("capability.create") as audit:
        capability = services.capability_create(acting_user=officer, data={
            "provider": tenant.affiliate, "domain": tenant.furniture, "level": 3,
            "monthly_capacity": 12, "capacity_unit": "پروژه"})
    assert_event(audit.event, actor=officer, action="capability.create", obj=capability, before=None,
                 after_has={"level": 3, "monthly_capacity": 12, "provider_id": tenant.affiliate.pk})


@pytest.mark.parametrize("bad", [{"level": 0}, {"level": 6}, {"monthly_capacity": -1}, {"level": None}])
def test_a_capability_level_is_1_to_5_and_capacity_not_negative(tenant, bad):
    data = {"provider": tenant.affiliate, "domain": tenant.furniture, "level": 3, "monthly_capacity": 12,
            **bad}
    with refused(InvalidInput):
        services.capability_create(acting_user=tenant.users["commerce"], data=data)


def test_a_provider_has_one_capability_per_domain(tenant):
    with refused(InvalidInput):
        services.capability_create(acting_user=tenant.users["commerce"], data={
            "provider": tenant.affiliate, "domain": tenant.green, "level": 2, "monthly_capacity": 1})


@pytest.mark.parametrize("missing", ["provider", "domain"])
def test_a_capability_needs_a_provider_and_a_domain(tenant, missing):
    data = {"provider": tenant.affiliate, "domain": tenant.furniture, "level": 3, "monthly_capacity": 1}
    del data[missing]
    with refused(InvalidInput):
        services.capability_create(acting_user=tenant.users["commerce"], data=data)


@pytest.mark.parametrize("foreign", ["provider", "domain"])
def test_a_capability_cannot_point_to_another_organizations_rows(tenant, other_tenant, foreign):
    data = {"provider": tenant.affiliate, "domain": tenant.furniture, "level": 3, "monthly_capacity": 1}
    data[foreign] = getattr(other_tenant, "affiliate" if foreign == "provider" else "furniture")
    with refused(NotFound):
        services.capability_create(acting_user=tenant.users["commerce"], data=data)


def test_a_supplier_user_cannot_declare_its_own_capability(tenant):
    with refused(PermissionDenied):
        services.capability_create(acting_user=tenant.users["supplier"], data={
            "provider": tenant.supplier, "domain": tenant.green, "level": 5, "monthly_capacity": 1})


def test_an_officer_changes_a_capability_level(tenant):
    capability = Capability.objects.get(provider=tenant.affiliate, domain=tenant.green)
    with one_audit_event("capability.update") as audit:
        services.capability_update(capability=capability, acting_user=tenant.users["commerce"],
                                   data={"level": 4})
    assert (audit.event.before["level"], audit.event.after["level"]) == (5, 4)


def test_a_capability_update_to_level_6_changes_nothing(tenant):
    capability = Capability.objects.get(provider=tenant.affiliate, domain=tenant.green)
    with refused(InvalidInput):
        services.capability_update(capability=capability, acting_user=tenant.users["commerce"],
                                   data={"level": 6})


def test_another_organizations_capability_cannot_be_changed(tenant, other_tenant):
    capability = Capability.objects.get(provider=other_tenant.affiliate, domain=other_tenant.green)
    with refused(NotFound):
        services.capability_update(capability=capability, acting_user=tenant.users["commerce"],
                                   data={"level": 1})


def test_a_capability_cannot_be_moved_to_another_organizations_domain(tenant, other_tenant):
    capability = Capability.objects.get(provider=tenant.affiliate, domain=tenant.green)
    with refused(NotFound):
        services.capability_update(capability=capability, acting_user=tenant.users["commerce"],
                                   data={"domain": other_tenant.lighting})


# Agency agreements --------------------------------------------------------------------------------


def agreement_data(tenant, **changes):
    today = timezone.localdate()
    return {"supplier": tenant.other_supplier, "number": "KR-1405-07", "starts_on": today,
            "ends_on": today + dt.timedelta(days=365), "commission_percent": Decimal("4.5"),
            "domains": [tenant.lighting, tenant.furniture], **changes}


def test_an_officer_makes_an_agreement_with_its_domains(tenant):
    officer = tenant.users["commerce"]
    with one_audit_event("agreement.create") as audit:
        agreement = services.agreement_create(acting_user=officer, data=agreement_data(tenant))
    assert set(agreement.domains.all()) == {tenant.lighting, tenant.furniture}
    assert_event(audit.event, actor=officer, action="agreement.create", obj=agreement, before=None,
                 after_has={"number": "KR-1405-07", "commission_percent": "4.50",
                            "domains": sorted([tenant.lighting.pk, tenant.furniture.pk])})


def test_an_agreement_may_start_and_end_on_one_day(tenant):
    today = timezone.localdate()
    with one_audit_event("agreement.create"):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, starts_on=today, ends_on=today))


def test_an_agreement_cannot_end_before_it_starts(tenant):
    today = timezone.localdate()
    with refused(InvalidInput) as error:
        services.agreement_create(acting_user=tenant.users["commerce"], data=agreement_data(
            tenant, starts_on=today, ends_on=today - dt.timedelta(days=1)))
    assert "ends_on" in error.value.extra["fields"]


@pytest.mark.parametrize("commission", [Decimal("100.01"), Decimal("-0.5"), Decimal("250")])
def test_commission_is_0_to_100_percent(tenant, commission):
    with refused(InvalidInput):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, commission_percent=commission))


@pytest.mark.parametrize("commission", [Decimal("0"), Decimal("100")])
def test_commission_bounds_are_allowed(tenant, commission):
    with one_audit_event("agreement.create"):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, commission_percent=commission))


@pytest.mark.parametrize("provider", ["staff_unit", "affiliate"])
def test_agreements_are_made_with_represented_suppliers_only(tenant, provider):
    with refused(InvalidInput):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, supplier=getattr(tenant, provider)))


def test_an_agreement_needs_a_supplier(tenant):
    with refused(InvalidInput):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, supplier=None))


def test_an_agreement_number_is_unique_in_the_organization(tenant):
    with refused(InvalidInput):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, number=tenant.agreement.number))


def test_an_agreement_cannot_be_made_with_another_organizations_supplier(tenant, other_tenant):
    with refused(NotFound):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, supplier=other_tenant.other_supplier))


def test_an_agreement_cannot_cover_another_organizations_domain(tenant, other_tenant):
    with refused(NotFound):
        services.agreement_create(acting_user=tenant.users["commerce"],
                                  data=agreement_data(tenant, domains=[tenant.lighting, other_tenant.green]))


@pytest.mark.parametrize("role", ["finance", "executive", "supplier", "district9"])
def test_other_roles_cannot_make_agreements(tenant, role):
    with refused(PermissionDenied):
        services.agreement_create(acting_user=tenant.users[role], data=agreement_data(tenant))


def test_an_officer_renews_an_expired_agreement(tenant):
    agreement = tenant.expired_agreement
    old_end = agreement.ends_on
    new_end = timezone.localdate() + dt.timedelta(days=365)
    with one_audit_event("agreement.update") as audit:
        services.agreement_update(agreement=agreement, acting_user=tenant.users["commerce"],
                                  data={"ends_on": new_end, "domains": [tenant.lighting, tenant.green]})
    agreement = AgencyAgreement.objects.get(pk=agreement.pk)
    assert agreement.ends_on == new_end and not agreement.is_expired
    assert set(agreement.domains.all()) == {tenant.lighting, tenant.green}
    assert audit.event.before["ends_on"] == old_end.isoformat()
    assert audit.event.after["ends_on"] == new_end.isoformat()
    assert audit.event.after["domains"] == sorted([tenant.lighting.pk, tenant.green.pk])


def test_an_update_without_domains_keeps_them(tenant):
    services.agreement_update(agreement=tenant.agreement, acting_user=tenant.users["commerce"],
                              data={"notes": "تمدید شد"})
    assert list(tenant.agreement.domains.all()) == [tenant.furniture]


def test_an_agreement_update_that_ends_before_the_start_changes_nothing(tenant):
    agreement = tenant.agreement
    with refused(InvalidInput):
        services.agreement_update(agreement=agreement, acting_user=tenant.users["commerce"], data={
            "ends_on": agreement.starts_on - dt.timedelta(days=1), "domains": [tenant.green]})


def test_an_agreement_cannot_be_moved_to_a_staff_unit(tenant):
    with refused(InvalidInput):
        services.agreement_update(agreement=tenant.agreement, acting_user=tenant.users["commerce"],
                                  data={"supplier": tenant.staff_unit})


def test_another_organizations_agreement_cannot_be_changed(tenant, other_tenant):
    with refused(NotFound):
        services.agreement_update(agreement=other_tenant.agreement, acting_user=tenant.users["commerce"],
                                  data={"commission_percent": Decimal("1")})


def test_a_supplier_user_cannot_change_its_own_agreement(tenant):
    with refused(PermissionDenied):
        services.agreement_update(agreement=tenant.agreement, acting_user=tenant.users["supplier"],
                                  data={"commission_percent": Decimal("1")})


# Organizations ------------------------------------------------------------------------------------


def test_a_new_organization_starts_its_own_audit_chain(db):
    with one_audit_event("organization.create") as audit:
        org = services.organization_create(name="سازمان همیاری شهرداری‌های استان يزد", slug="yazd",
                                           province="يزد")
    assert org.name == "سازمان همیاری شهرداری‌های استان یزد" and org.province == "یزد"
    event = audit.event
    assert (event.organization_id, event.sequence) == (org.pk, 1)
    assert (event.actor, event.actor_label) == (None, "system")
    assert event.after["slug"] == "yazd"



def test_a_duplicate_organization_is_refused_as_invalid_input(tenant):
    with refused(InvalidInput):
        services.organization_create(name=tenant.org.name, slug="another", province="x")
