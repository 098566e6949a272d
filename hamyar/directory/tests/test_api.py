"""The directory API: writes through the services by the right roles, bad input refused whole, keyset pages.

Create, update and list routes are discovered from the OpenAPI schema; a new one
fails `test_every_write_route_has_an_example_here` until it gets an example below,
and is then covered by every generic test in this file.
"""

import datetime as dt
import json
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamyar.accounts.services import api_token_create
from hamyar.api import api
from hamyar.core.models import AuditEvent
from hamyar.core.scoping import scope
from hamyar.core.validators import is_legal_national_id, is_sheba
from hamyar.directory.choices import MunicipalityKind, ProviderKind
from hamyar.directory.models import (
    AgencyAgreement,
    Capability,
    MunicipalAsset,
    Municipality,
    Provider,
    ServiceDomain,
)

PERSIAN = re.compile("[\u0600-\u06ff]")
SCHEMA = api.get_openapi_schema()
# The directory's routes; other apps test their own writes (scope on every route is in accounts).
OPERATIONS = [(m, p, op) for p, ops in SCHEMA["paths"].items() for m, op in ops.items()
              if op.get("x-hamyar-model", "").startswith("directory.")]
CREATE_ROUTES = [p for m, p, _ in OPERATIONS if m == "post" and "{" not in p]
UPDATE_ROUTES = [p for m, p, _ in OPERATIONS if m == "patch"]
# Keyset pages are checked on every list whose rows the `crowd` fixture multiplies.
# (The directory's routes are at the API's root; another app's list of directory rows, such as
# finance's totals per municipality, is tested with that app.)
LIST_ROUTES = [(p, op["x-hamyar-model"]) for p, ops in SCHEMA["paths"].items() for m, op in ops.items()
               if m == "get" and "{" not in p and p.count("/") == 3
               and op.get("x-hamyar-model", "").startswith(("directory.", "accounts.apitoken"))]


def legal_id(first_ten: str) -> str:
    return next(first_ten + d for d in "0123456789" if is_legal_national_id(first_ten + d))


def sheba(account: str) -> str:
    check = 98 - int(account + "182700") % 97
    value = f"IR{check:02d}{account}"
    assert is_sheba(value)
    return value


LEGAL_ID = legal_id("1086045678")
SHEBA = sheba("0170000000110040120006")

# A valid body for each create route, made for one tenant and the acting user.
EXAMPLES = {
    "/api/v1/municipalities": lambda t, user: {
        "name": "سرخس", "kind": "city", "population": 40000, "area_ha": 850.5, "county": "سرخس"},
    "/api/v1/assets": lambda t, user: {
        "municipality": (getattr(user.membership, "municipality", None) or t.district9).pk,
        "name": "باغ وفا", "kind": "garden", "area_ha": 12.5},
    "/api/v1/providers": lambda t, user: {
        "name": "آسفالت توس", "kind": "supplier", "legal_id": LEGAL_ID, "mobile": "09151234567",
        "postal_code": "9177948974", "sheba": SHEBA, "email": "info@asphalt.example"},
    "/api/v1/domains": lambda t, user: {"code": "waste", "name": "پسماند", "parent": t.green.pk},
    "/api/v1/capabilities": lambda t, user: {
        "provider": t.staff_unit.pk, "domain": t.lighting.pk, "level": 3, "monthly_capacity": 10},
    "/api/v1/agreements": lambda t, user: {
        "supplier": t.supplier.pk, "number": "kr-A9", "starts_on": "2026-03-21", "ends_on": "2027-03-20",
        "commission_percent": 7.5, "domains": [t.furniture.pk, t.lighting.pk]},
}
# Who may create and update on each route (the services' rules, restated as the contract).
EDITORS = {
    "/api/v1/municipalities": {"admin"},
    "/api/v1/assets": {"admin", "commerce", "district9", "district10"},
    "/api/v1/providers": {"admin", "commerce"},
    "/api/v1/domains": {"admin", "commerce"},
    "/api/v1/capabilities": {"admin", "commerce"},
    "/api/v1/agreements": {"admin", "commerce"},
}
ROLES = ["admin", "commerce", "finance", "executive", "project_manager", "supplier", "district9",
         "district10"]


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, path: str, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return getattr(client, method)(path, data, content_type="application/json", **extra)


def model_of(path: str):
    op = SCHEMA["paths"][path]
    return apps.get_model(next(iter(op.values()))["x-hamyar-model"])


def body_schema(method: str, path: str) -> dict:
    ref = SCHEMA["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[1]]


def wrong_value(prop: dict):
    """A value of the wrong JSON type for a property of the request schema."""
    kinds = {p.get("type") for p in prop.get("anyOf", [prop])} | {"ref" for p in prop.get("allOf", [])}
    if "$ref" in prop:
        kinds.add("ref")
    if kinds & {"integer", "number"}:
        return "abc"
    if "ref" in kinds:
        return "no-such-choice"
    if "boolean" in kinds:
        return "yes"
    if "array" in kinds:
        return "x"
    return 12345


def state(model) -> tuple:
    """What a refused request must leave as it was."""
    return (model.objects.count(), AuditEvent.objects.count(),
            sorted(model.objects.values_list("pk", "updated_at")))


def target(path: str, tenant):
    """The row a PATCH route edits in these tests: a row of the tenant."""
    return model_of(path).objects.filter(organization=tenant.org).order_by("pk").first()


def assert_refused(response, *fields: str, status: int = 422) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert PERSIAN.search(body["detail"]), body
    for field in fields:
        assert field in body["fields"], body
        assert all(PERSIAN.search(m) for m in body["fields"][field]), body
    return body


# ---------------------------------------------------------------- coverage of the routes


def test_every_write_route_has_an_example_here():
    assert set(CREATE_ROUTES) == set(EXAMPLES) == set(EDITORS)
    assert {p.removesuffix("/{id}") for p in UPDATE_ROUTES} == set(EXAMPLES)
    assert len(LIST_ROUTES) == 7


# ---------------------------------------------------------------- creating and updating


@pytest.mark.parametrize("path", EXAMPLES)
def test_an_admin_creates_through_every_create_route_with_one_audit_event(tenant, path):
    model, admin = model_of(path), tenant.users["admin"]
    rows, events = model.objects.count(), AuditEvent.objects.count()
    response = send(session(admin), "post", path, EXAMPLES[path](tenant, admin))
    assert response.status_code == 201, response.content
    created = model.objects.get(pk=response.json()["id"])
    assert created.organization == tenant.org
    assert model.objects.count() == rows + 1
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(object_id=str(created.pk), actor=admin).exists()


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("path", EXAMPLES)
def test_only_the_editor_roles_create_and_a_wrong_role_gets_403(tenant, path, who):
    user, model = tenant.users[who], model_of(path)
    before = state(model)
    response = send(session(user), "post", path, EXAMPLES[path](tenant, user))
    if who in EDITORS[path]:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden"
        assert PERSIAN.search(response.json()["detail"])
        assert state(model) == before


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("path", UPDATE_ROUTES)
def test_only_the_editor_roles_update_and_a_wrong_role_gets_403(tenant, path, who):
    user, model = tenant.users[who], model_of(path)
    mine = scope(model.objects.all(), user).order_by("pk").first()
    obj = mine or target(path, tenant)
    before = state(model)
    response = send(session(user), "patch", path.format(id=obj.pk), {})
    if mine is None:
        assert response.status_code == 404
    elif who in EDITORS[path.removesuffix("/{id}")]:
        assert response.status_code == 200, response.content
        return
    else:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden"
    assert state(model) == before


def test_an_update_changes_only_the_fields_sent(tenant):
    client = session(tenant.users["admin"])
    response = send(client, "patch", f"/api/v1/municipalities/{tenant.district9.pk}", {"population": 370000})
    assert response.status_code == 200, response.content
    tenant.district9.refresh_from_db()
    assert (tenant.district9.population, tenant.district9.name, tenant.district9.parent) == (
        370000, "منطقه ۹ مشهد", tenant.mashhad)
    event = AuditEvent.objects.get(action="municipality.update")
    assert (event.before["population"], event.after["population"]) == (365000, 370000)


def test_null_clears_a_nullable_field_and_is_refused_for_a_required_one(tenant):
    client = session(tenant.users["admin"])
    path = f"/api/v1/municipalities/{tenant.district9.pk}"
    assert send(client, "patch", path, {"parent": None}).json()["parent"] is None
    before = state(Municipality)
    assert_refused(send(client, "patch", path, {"name": None}), "name")
    assert_refused(send(client, "patch", path, {"kind": None}), "kind")
    assert state(Municipality) == before


def test_a_municipality_user_adds_an_asset_to_its_own_municipality_only(tenant):
    client = session(tenant.users["district9"])
    body = {"municipality": tenant.district9.pk, "name": "بوستان کوهسار", "kind": "mountain_park"}
    assert send(client, "post", "/api/v1/assets", body).status_code == 201
    before = state(MunicipalAsset)
    body = {"municipality": tenant.district10.pk, "name": "بوستان ملت", "kind": "park"}
    assert_refused(send(client, "post", "/api/v1/assets", body), "municipality")
    response = send(client, "patch", f"/api/v1/assets/{tenant.vakilabad.pk}",
                    {"municipality": tenant.district10.pk})
    assert_refused(response, "municipality")
    assert state(MunicipalAsset) == before
    assert MunicipalAsset.objects.get(pk=tenant.vakilabad.pk).municipality == tenant.district9


def test_arabic_letters_persian_digits_and_phone_forms_are_normalized_on_save(tenant):
    body = {**EXAMPLES["/api/v1/providers"](tenant, tenant.users["admin"]),
            "name": "شركت  كاشي يزد", "legal_id": "".join("۰۱۲۳۴۵۶۷۸۹"[int(d)] for d in LEGAL_ID),
            "mobile": "+98 915 123 4567", "sheba": SHEBA.lower(), "city": "يزد"}
    response = send(session(tenant.users["commerce"]), "post", "/api/v1/providers", body)
    assert response.status_code == 201, response.content
    provider = Provider.objects.get(pk=response.json()["id"])
    assert (provider.name, provider.city) == ("شرکت کاشی یزد", "یزد")
    assert (provider.legal_id, provider.mobile, provider.sheba) == (LEGAL_ID, "09151234567", SHEBA)
    assert response.json()["name"] == "شرکت کاشی یزد"
    found = session(tenant.users["district9"]).get("/api/v1/providers", {"q": "كاشي"}).json()["items"]
    assert [p["id"] for p in found] == [provider.pk]


def test_outputs_carry_iso_and_jalali_dates_numbers_and_expiry(tenant):
    client = session(tenant.users["commerce"])
    body = EXAMPLES["/api/v1/agreements"](tenant, tenant.users["commerce"])
    created = send(client, "post", "/api/v1/agreements", body).json()
    assert created["starts_on"] == "2026-03-21" and created["starts_on_jalali"] == "1405/01/01"
    assert created["ends_on"] == "2027-03-20" and created["ends_on_jalali"] == "1405/12/29"
    assert created["commission_percent"] == 7.5
    assert {d["id"] for d in created["domains"]} == {tenant.furniture.pk, tenant.lighting.pk}
    assert created["supplier"] == {"id": tenant.supplier.pk, "name": tenant.supplier.name}
    expired = client.get(f"/api/v1/agreements/{tenant.expired_agreement.pk}").json()
    assert expired["is_expired"] is True
    assert client.get(f"/api/v1/agreements/{tenant.agreement.pk}").json()["is_expired"] is False
    district9 = client.get(f"/api/v1/municipalities/{tenant.district9.pk}").json()
    assert (district9["area_ha"], district9["population"], district9["kind"]) == (4400.0, 365000, "district")


# ---------------------------------------------------------------- bad input, refused whole


@pytest.mark.parametrize("path", EXAMPLES)
def test_a_create_with_no_fields_names_every_required_one(tenant, path):
    model = model_of(path)
    before = state(model)
    body = assert_refused(send(session(tenant.users["admin"]), "post", path, {}))
    assert set(body["fields"]) == set(body_schema("post", path)["required"])
    assert body["code"] == "invalid"
    assert state(model) == before


def _fields(method: str, path: str):
    return [(method, path, name) for name in body_schema(method, path)["properties"]]


WRITE_FIELDS = [f for p in EXAMPLES for f in _fields("post", p)] + [
    f for p in UPDATE_ROUTES if p.removesuffix("/{id}") in EXAMPLES for f in _fields("patch", p)]


@pytest.mark.parametrize(("method", "path", "field"), WRITE_FIELDS)
def test_a_wrong_type_in_any_field_is_refused_and_writes_nothing(tenant, method, path, field):
    admin = tenant.users["admin"]
    prop = body_schema(method, path)["properties"][field]
    if method == "post":
        url, body = path, {**EXAMPLES[path](tenant, admin), field: wrong_value(prop)}
    else:
        url, body = path.format(id=target(path, tenant).pk), {field: wrong_value(prop)}
    model = model_of(path)
    before = state(model)
    assert_refused(send(session(admin), method, url, body), field)
    assert state(model) == before


STRING_FIELDS = [f for f in WRITE_FIELDS if "maxLength" in body_schema(f[0], f[1])["properties"][f[2]]]


@pytest.mark.parametrize(("method", "path", "field"), STRING_FIELDS)
def test_an_oversized_string_in_any_field_is_refused_and_writes_nothing(tenant, method, path, field):
    prop = body_schema(method, path)["properties"][field]
    admin = tenant.users["admin"]
    oversized = "ی" * (prop["maxLength"] + 1)
    if method == "post":
        url, body = path, {**EXAMPLES[path](tenant, admin), field: oversized}
    else:
        url, body = path.format(id=target(path, tenant).pk), {field: oversized}
    model = model_of(path)
    before = state(model)
    assert_refused(send(session(admin), method, url, body), field)
    assert state(model) == before


@pytest.mark.parametrize("path", EXAMPLES)
@pytest.mark.parametrize(("mutation", "field"), [
    (lambda body: {**body, "surprise": 1}, "surprise"),
    (lambda body: {**body, "name" if "name" in body else "number": "نام\x00"}, None),
    (lambda body: "[1, 2]", "__all__"),
    (lambda body: json.dumps(body)[:-2], None),
    (lambda body: json.dumps(body).replace("}", ', "x": NaN}'), None),
])
def test_unknown_fields_nul_characters_and_broken_json_are_refused(tenant, path, mutation, field):
    model = model_of(path)
    before = state(model)
    response = send(session(tenant.users["admin"]), "post", path,
                    mutation(EXAMPLES[path](tenant, tenant.users["admin"])))
    body = assert_refused(response, *([field] if field else []))
    assert body["code"] in {"invalid", "malformed_json"}
    assert state(model) == before


# Each case: route, change to the valid example, the field that must be named.
RULE_BREAKS = [
    ("/api/v1/providers", {"legal_id": "12345678901"}, "legal_id"),
    ("/api/v1/providers", {"legal_id": ""}, "legal_id"),  # a supplier needs one
    ("/api/v1/providers", {"sheba": "IR000000000000000000000000"}, "sheba"),
    ("/api/v1/providers", {"sheba": SHEBA[:-1] + str((int(SHEBA[-1]) + 1) % 10)}, "sheba"),
    ("/api/v1/providers", {"mobile": "0915123"}, "mobile"),
    ("/api/v1/providers", {"postal_code": "0000000000"}, "postal_code"),
    ("/api/v1/providers", {"email": "not-an-address"}, "email"),
    ("/api/v1/providers", {"kind": "bank"}, "kind"),
    ("/api/v1/providers", {"is_active": "yes"}, "is_active"),
    ("/api/v1/capabilities", {"level": 9}, "level"),
    ("/api/v1/capabilities", {"level": 0}, "level"),
    ("/api/v1/capabilities", {"level": "5"}, "level"),
    ("/api/v1/capabilities", {"level": True}, "level"),
    ("/api/v1/capabilities", {"level": 3.5}, "level"),
    ("/api/v1/capabilities", {"monthly_capacity": -5}, "monthly_capacity"),
    ("/api/v1/capabilities", {"monthly_capacity": 10**30}, "monthly_capacity"),
    ("/api/v1/municipalities", {"population": -1}, "population"),
    ("/api/v1/municipalities", {"area_ha": 0}, "area_ha"),
    ("/api/v1/municipalities", {"area_ha": 1e12}, "area_ha"),
    ("/api/v1/municipalities", {"grade": 13}, "grade"),
    ("/api/v1/municipalities", {"kind": "village"}, "kind"),
    ("/api/v1/municipalities", {"name": "   "}, "name"),
    ("/api/v1/assets", {"area_ha": -3}, "area_ha"),
    ("/api/v1/assets", {"municipality": 10**30}, "municipality"),
    ("/api/v1/assets", {"municipality": 0}, "municipality"),
    ("/api/v1/domains", {"code": "فضای سبز!"}, "code"),
    ("/api/v1/agreements", {"starts_on": "2027-03-21", "ends_on": "2027-03-20"}, "ends_on"),
    ("/api/v1/agreements", {"starts_on": "2648-02-21"}, "starts_on"),  # neither Jalali nor Gregorian
    ("/api/v1/agreements", {"ends_on": "2027-02-30"}, "ends_on"),
    ("/api/v1/agreements", {"ends_on": "20/03/2027"}, "ends_on"),
    ("/api/v1/agreements", {"ends_on": 1800000000}, "ends_on"),
    ("/api/v1/agreements", {"commission_percent": 150}, "commission_percent"),
    ("/api/v1/agreements", {"commission_percent": -1}, "commission_percent"),
    ("/api/v1/agreements", {"commission_percent": 5.555}, "commission_percent"),
    ("/api/v1/agreements", {"domains": [1, "two"]}, "domains.1"),
    ("/api/v1/agreements", {"number": ""}, "number"),
]


@pytest.mark.parametrize(("path", "change", "field"), RULE_BREAKS)
def test_input_that_breaks_a_rule_is_refused_in_persian_and_writes_nothing(tenant, path, change, field):
    model = model_of(path)
    body = {**EXAMPLES[path](tenant, tenant.users["admin"]), **change}
    before = state(model)
    assert_refused(send(session(tenant.users["admin"]), "post", path, body), field)
    assert state(model) == before


def test_an_agreement_is_made_with_a_represented_supplier_only(tenant):
    body = {**EXAMPLES["/api/v1/agreements"](tenant, tenant.users["admin"]), "supplier": tenant.affiliate.pk}
    before = state(AgencyAgreement)
    assert_refused(send(session(tenant.users["admin"]), "post", "/api/v1/agreements", body))
    assert state(AgencyAgreement) == before


def test_an_update_that_puts_the_end_before_the_start_is_refused(tenant):
    path = f"/api/v1/agreements/{tenant.agreement.pk}"
    before = state(AgencyAgreement)
    response = send(session(tenant.users["commerce"]), "patch", path,
                    {"ends_on": (tenant.agreement.starts_on - dt.timedelta(days=1)).isoformat()})
    assert_refused(response, "ends_on")
    assert state(AgencyAgreement) == before


def test_a_domain_cannot_be_moved_under_its_own_child(tenant):
    child = ServiceDomain.objects.create(organization=tenant.org, code="parks", name="پارک‌ها",
                                         parent=tenant.green)
    before = state(ServiceDomain)
    response = send(session(tenant.users["admin"]), "patch", f"/api/v1/domains/{tenant.green.pk}",
                    {"parent": child.pk})
    assert_refused(response)
    assert state(ServiceDomain) == before


def test_a_duplicate_name_is_refused_not_a_500(tenant):
    body = {**EXAMPLES["/api/v1/municipalities"](tenant, tenant.users["admin"]), "name": "مشهد"}
    before = state(Municipality)
    assert_refused(send(session(tenant.users["admin"]), "post", "/api/v1/municipalities", body))
    assert state(Municipality) == before


def _foreign_refs(t, o):
    """(route, body change, field) pointing at `o`, another tenant, from a body of tenant `t`."""
    return [
        ("/api/v1/municipalities", {"parent": o.mashhad.pk}, "parent"),
        ("/api/v1/assets", {"municipality": o.district9.pk}, "municipality"),
        ("/api/v1/domains", {"parent": o.green.pk}, "parent"),
        ("/api/v1/capabilities", {"provider": o.staff_unit.pk}, "provider"),
        ("/api/v1/capabilities", {"domain": o.lighting.pk}, "domain"),
        ("/api/v1/agreements", {"supplier": o.supplier.pk}, "supplier"),
        ("/api/v1/agreements", {"domains": [t.furniture.pk, o.furniture.pk]}, "domains"),
    ]


@pytest.mark.parametrize("case", range(7))
@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_reference_to_another_tenants_row_is_refused_and_writes_nothing(tenant, other_tenant, case, method):
    path, change, field = _foreign_refs(tenant, other_tenant)[case]
    model, admin = model_of(path), tenant.users["admin"]
    if method == "post":
        url, body = path, {**EXAMPLES[path](tenant, admin), **change}
    else:
        url, body = f"{path}/{target(path, tenant).pk}", change
    before = (state(model), AuditEvent.objects.count())
    assert_refused(send(session(admin), method, url, body), field)
    assert (state(model), AuditEvent.objects.count()) == before


# ---------------------------------------------------------------- filters


def test_list_filters_narrow_within_the_scope(tenant, other_tenant):
    client = session(tenant.users["admin"])

    def ids(path, **params):
        return [item["id"] for item in client.get(path, {"limit": 200, **params}).json()["items"]]

    assert ids("/api/v1/municipalities", q="منطقه") == [tenant.district9.pk, tenant.district10.pk]
    assert ids("/api/v1/municipalities", q="نيشابور") == [tenant.neyshabur.pk]  # Arabic yeh
    assert ids("/api/v1/municipalities", kind="district") == [tenant.district9.pk, tenant.district10.pk]
    districts = [tenant.district9.pk, tenant.district10.pk]
    assert ids("/api/v1/municipalities", parent=tenant.mashhad.pk) == districts
    assert ids("/api/v1/municipalities", parent=other_tenant.mashhad.pk) == []
    assert ids("/api/v1/assets", municipality=tenant.neyshabur.pk) == [tenant.neyshabur_park.pk]
    assert ids("/api/v1/assets", q="وكيل") == [tenant.vakilabad.pk]
    assert ids("/api/v1/assets", kind="garden") == []
    assert ids("/api/v1/providers", kind="supplier") == [tenant.other_supplier.pk, tenant.supplier.pk]
    assert ids("/api/v1/providers", domain=tenant.green.pk) == [tenant.affiliate.pk]
    assert ids("/api/v1/domains", parent=tenant.green.pk) == []
    assert ids("/api/v1/capabilities", provider=tenant.supplier.pk) == list(
        tenant.supplier.capabilities.values_list("pk", flat=True))
    assert ids("/api/v1/capabilities", domain=tenant.green.pk, min_level=5) == list(
        tenant.affiliate.capabilities.values_list("pk", flat=True))
    assert ids("/api/v1/capabilities", min_level=5, provider=tenant.supplier.pk) == []
    assert ids("/api/v1/agreements", supplier=tenant.supplier.pk) == [tenant.agreement.pk]
    assert ids("/api/v1/agreements", status="valid") == [tenant.agreement.pk]
    assert ids("/api/v1/agreements", status="expired") == [tenant.expired_agreement.pk]
    assert ids("/api/v1/agreements", status="upcoming") == []


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/api/v1/municipalities", {"kind": "village"}, "kind"),
    ("/api/v1/municipalities", {"parent": "abc"}, "parent"),
    ("/api/v1/municipalities", {"parent": str(10**30)}, "parent"),
    ("/api/v1/municipalities", {"q": "x" * 201}, "q"),
    ("/api/v1/capabilities", {"min_level": 9}, "min_level"),
    ("/api/v1/agreements", {"status": "old"}, "status"),
    ("/api/v1/providers", {"limit": 0}, "limit"),
    ("/api/v1/providers", {"limit": 201}, "limit"),
    ("/api/v1/providers", {"limit": "many"}, "limit"),
])
def test_a_bad_filter_is_a_422_naming_it(tenant, path, params, field):
    assert_refused(session(tenant.users["admin"]).get(path, params), field)


# ---------------------------------------------------------------- keyset pages


@pytest.fixture
def crowd(tenant):
    """Rows that tie on every sort column but the id, and rows with NULL sort values."""
    org, today = tenant.org, timezone.localdate()
    for i in range(4):
        Municipality.objects.create(organization=org, name=f"شهر {i}", search_name=f"شهر {i}",
                                    kind=MunicipalityKind.TOWN, population=None)
        Municipality.objects.create(organization=org, name=f"بخش {i}", search_name=f"بخش {i}",
                                    kind=MunicipalityKind.TOWN, population=20000)
        supplier = Provider.objects.create(organization=org, name=f"تامین {i}", search_name=f"تامین {i}",
                                           kind=ProviderKind.SUPPLIER, legal_id=legal_id(f"108604560{i}"))
        AgencyAgreement.objects.create(organization=org, supplier=supplier, number=f"T-{i}",
                                       starts_on=today, ends_on=today, commission_percent=1)
        Capability.objects.create(organization=org, provider=supplier, domain=tenant.furniture, level=2,
                                  monthly_capacity=1)
        MunicipalAsset.objects.create(organization=org, municipality=tenant.neyshabur, name=f"میدان {i}",
                                      search_name=f"میدان {i}", kind="square")
        ServiceDomain.objects.create(organization=org, code=f"d-{i}", name=f"حوزه {i}")
        api_token_create(acting_user=tenant.users["admin"], name=f"robot {i}")


@pytest.mark.parametrize(("path", "label"), LIST_ROUTES)
def test_keyset_pages_walk_every_row_exactly_once_in_order(tenant, crowd, path, label):
    client = session(tenant.users["admin"])
    everything = client.get(path, {"limit": 200}).json()
    assert everything["next_cursor"] is None
    expected = [item["id"] for item in everything["items"]]
    assert len(expected) >= 4
    for limit in (1, 2, 3):
        seen, cursor = [], None
        while True:
            page = client.get(path, {"limit": limit, **({"cursor": cursor} if cursor else {})}).json()
            assert len(page["items"]) <= limit
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, limit


def test_a_row_added_between_pages_is_neither_repeated_nor_skipped(tenant, crowd):
    client = session(tenant.users["admin"])
    first = client.get("/api/v1/domains", {"limit": 3}).json()
    ServiceDomain.objects.create(organization=tenant.org, code="a-first", name="پیش از همه")  # sorts before
    ServiceDomain.objects.create(organization=tenant.org, code="zz-last", name="پس از همه")  # sorts after
    rest, cursor = [], first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/domains", {"limit": 3, "cursor": cursor}).json()
        rest += [d["code"] for d in page["items"]]
        cursor = page["next_cursor"]
    codes = [d["code"] for d in first["items"]] + rest
    assert len(codes) == len(set(codes))
    assert "a-first" not in codes and codes[-1] == "zz-last"


def test_a_cursor_is_opaque_and_bound_to_its_list(tenant, crowd):
    client = session(tenant.users["admin"])
    cursor = client.get("/api/v1/domains", {"limit": 1}).json()["next_cursor"]
    assert "d-" not in cursor and "green" not in cursor
    for path, value in [("/api/v1/providers", cursor), ("/api/v1/domains", cursor[:-1] + "x"),
                        ("/api/v1/domains", "not-a-cursor"), ("/api/v1/domains", "\x00")]:
        body = client.get(path, {"cursor": value}).json()
        assert body["code"] in {"invalid_cursor", "invalid"}, body
        assert "cursor" in body["fields"]


@pytest.mark.parametrize(("path", "label"), LIST_ROUTES)
def test_a_list_costs_the_same_queries_for_one_row_as_for_many(tenant, crowd, path, label):
    client = session(tenant.users["admin"])
    client.get(path, {"limit": 1})  # warm the session and the content types
    counts = []
    for limit in (1, 200):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {"limit": limit}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], (path, counts)


def test_a_bearer_client_reads_the_same_page_as_the_browser(tenant):
    _token, secret = api_token_create(acting_user=tenant.users["executive"], name="BI")
    browser = session(tenant.users["executive"]).get("/api/v1/capabilities").json()
    machine = Client().get("/api/v1/capabilities", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert browser == machine
