"""The API's doors, for every route: who gets in, what each user sees, and how a refusal reads.

Routes are discovered from the OpenAPI schema, so a new route is covered by these
tests the day it is added (and fails them if it does not say which model it serves).
"""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from hamyar.accounts.models import ApiToken, Notification
from hamyar.accounts.services import api_token_create, api_token_revoke, notify
from hamyar.api import api
from hamyar.core.models import AuditEvent
from hamyar.core.roles import API_TOKEN_ROLES
from hamyar.core.scoping import scope

from . import scope_rows

PERSIAN = re.compile("[\u0600-\u06ff]")
SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method, path, op) for path, ops in SCHEMA["paths"].items() for method, op in ops.items()
]
# Routes that serve the caller rather than rows of a model, or the public no one's in particular.
# The published contracting data (OCDS): public, per organization, what its publication policy allows.
OCDS = {("get", "/api/v1/ocds/{slug}/releases"), ("get", "/api/v1/ocds/{slug}/records"),
        ("get", "/api/v1/ocds/{slug}/records/{ocid}"), ("get", "/api/v1/ocds/{slug}/releases.jsonl")}
UNSCOPED = {("get", "/api/v1/me"), ("get", "/api/v1/transparency/"), *OCDS}
# The routes declared public (`auth=None`): only transparency's (transparency/tests/test_public_reader.py).
PUBLIC = {(method, path) for method, path, op in OPERATIONS if "security" not in op}
LIST_ROUTES = [
    (path, op["x-hamyar-model"]) for method, path, op in OPERATIONS
    if method == "get" and "{" not in path and (method, path) not in UNSCOPED
]
ID_ROUTES = [(method, path, op["x-hamyar-model"]) for method, path, op in OPERATIONS if "{id}" in path]

TENANT_USERS = ["admin", "commerce", "finance", "executive", "project_manager", "supplier",
                "district9", "district10"]


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def call(client: Client, method: str, path: str, body=None, **extra):
    if method in {"post", "patch", "put"}:
        return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json",
                                       **extra)
    return getattr(client, method)(path, **extra)


def walk(client: Client, path: str, *, limit: int = 2, headers: dict | None = None, **params) -> list[int]:
    """Every id of a list route, page after page."""
    ids, cursor = [], None
    for _ in range(1000):
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, query, **(headers or {}))
        assert response.status_code == 200, response.content
        page = response.json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the pages never end")


def in_scope(label: str, user) -> set[int]:
    """The rows of a model the scoping function lets the user see; a token or a notification: its owner's."""
    model = apps.get_model(label)
    if model is ApiToken:
        return set(ApiToken.objects.filter(user=user).values_list("pk", flat=True))
    if model is Notification:
        return set(Notification.objects.filter(recipient=user).values_list("pk", flat=True))
    return set(scope(model.objects.all(), user).values_list("pk", flat=True))


# Models whose lists show their whole scope; lists of other models may show less (a
# catalog hides what is not offered today), never more.
WHOLE_SCOPE = {"directory.municipality", "directory.municipalasset", "directory.provider",
               "directory.servicedomain", "directory.capability", "directory.agencyagreement",
               "accounts.apitoken", "accounts.notification"}


@pytest.fixture
def tokens(tenant, other_tenant):
    """A token and a notification for several users of both tenants, so their routes have rows to hide."""
    for user in [tenant.users["admin"], tenant.users["district9"], tenant.users["supplier"],
                 other_tenant.users["admin"], other_tenant.users["district9"]]:
        if user.membership.role in API_TOKEN_ROLES:
            api_token_create(acting_user=user, name=f"{user.username} robot")
        org = user.membership.organization_id
        notify(organization_id=org, recipients=[user], subject="پیش‌فاکتور در انتظار تأیید شماست",
               url="/")


def test_every_route_declares_its_model_for_these_tests():
    undeclared = [(m, p) for m, p, op in OPERATIONS if "x-hamyar-model" not in op and (m, p) not in UNSCOPED]
    assert undeclared == []
    assert len(LIST_ROUTES) >= 7 and len(ID_ROUTES) >= 13


# ---------------------------------------------------------------- scope on every route


@pytest.mark.parametrize("who", TENANT_USERS)
@pytest.mark.parametrize(("path", "label"), LIST_ROUTES)
def test_every_list_shows_exactly_the_rows_in_the_users_scope(tenant, other_tenant, tokens, path, label, who):
    user = tenant.users[who]
    if label == "accounts.apitoken" and user.membership.role not in API_TOKEN_ROLES:
        assert session(user).get(path).status_code == 403  # a role without API use holds no tokens
        return
    ids = walk(session(user), path)
    assert len(ids) == len(set(ids))
    assert set(ids) <= in_scope(label, user)
    if label in WHOLE_SCOPE:
        assert set(ids) == in_scope(label, user)
    assert not apps.get_model(label).objects.filter(pk__in=ids, organization=other_tenant.org).exists()


@pytest.mark.parametrize(("path", "label"), LIST_ROUTES)
def test_a_user_of_another_tenant_lists_nothing_of_this_one(tenant, other_tenant, tokens, path, label):
    model = apps.get_model(label)
    for user in other_tenant.users.values():
        if label == "accounts.apitoken" and user.membership.role not in API_TOKEN_ROLES:
            continue  # refused outright (403), tested above
        ids = walk(session(user), path, limit=200)
        assert not model.objects.filter(pk__in=ids, organization=tenant.org).exists(), user


def test_district9_lists_only_its_own_municipality_and_assets(tenant, other_tenant):
    client = session(tenant.users["district9"])
    assert walk(client, "/api/v1/municipalities") == [tenant.district9.pk]
    assert walk(client, "/api/v1/assets") == [tenant.vakilabad.pk]
    assert walk(client, "/api/v1/agreements") == []
    # Providers and domains are the organization's offer, which every municipality may browse.
    assert set(walk(client, "/api/v1/providers")) == {
        tenant.staff_unit.pk, tenant.affiliate.pk, tenant.supplier.pk, tenant.other_supplier.pk}


def test_a_supplier_sees_only_its_own_provider_capabilities_and_agreements(tenant, other_tenant):
    client = session(tenant.users["supplier"])
    assert walk(client, "/api/v1/providers") == [tenant.supplier.pk]
    assert walk(client, "/api/v1/capabilities") == list(
        tenant.supplier.capabilities.values_list("pk", flat=True))
    assert walk(client, "/api/v1/agreements") == [tenant.agreement.pk]
    assert walk(client, "/api/v1/municipalities") == []
    assert walk(client, "/api/v1/assets") == []


VIEWERS = [("tenant", "district9"), ("tenant", "supplier"), ("tenant", "project_manager"),
           ("other_tenant", "admin"), ("other_tenant", "district9")]


# The models of needs, commerce, projects and finance get their rows from one costly builder: their routes
# are checked once per route, for every viewer in turn, instead of once per route and viewer.
UPPER_ID_ROUTES = [r for r in ID_ROUTES if r[2].startswith(scope_rows.LABELS)]
LOWER_ID_ROUTES = [r for r in ID_ROUTES if not r[2].startswith(scope_rows.LABELS)]


@pytest.mark.parametrize(("tenant_name", "who"), VIEWERS)
@pytest.mark.parametrize(("method", "path", "label"), LOWER_ID_ROUTES)
def test_every_id_route_answers_404_for_a_row_outside_the_scope(
    request, tenant, other_tenant, tokens, method, path, label, tenant_name, who
):
    if label.startswith("catalog.") and not apps.get_model(label).objects.exists():
        from hamyar.catalog.tests.catalog_data import build_catalog

        build_catalog(tenant)
        build_catalog(other_tenant)
    _check_route_scope(request.getfixturevalue(tenant_name).users[who], method, path, label)


@pytest.mark.parametrize(("method", "path", "label"), UPPER_ID_ROUTES)
def test_every_id_route_of_needs_commerce_projects_and_finance_answers_404_outside_the_scope(
    request, tenant, other_tenant, settings, tmp_path, method, path, label
):
    settings.MEDIA_ROOT = tmp_path
    scope_rows.build_rows_of_every_kind(tenant, other_tenant)
    for tenant_name, who in VIEWERS + [("tenant", "district10")]:
        _check_route_scope(request.getfixturevalue(tenant_name).users[who], method, path, label)


def _check_route_scope(user, method: str, path: str, label: str) -> None:
    model = apps.get_model(label)
    if not model.objects.exists():
        pytest.skip(f"the shared fixtures have no {label} rows yet")
    outside = list(model.objects.exclude(pk__in=in_scope(label, user)).order_by("pk"))
    assert outside, "the fixtures must give every model a row outside this user's scope"
    before = (model.objects.count(), AuditEvent.objects.count(),
              sorted(model.objects.values_list("pk", "updated_at")))
    client = session(user)
    for obj in outside:
        response = call(client, method, path.format(id=obj.pk))
        assert response.status_code == 404, (obj, response.content)
        assert response.json()["code"] == "not_found"
    assert before == (model.objects.count(), AuditEvent.objects.count(),
                      sorted(model.objects.values_list("pk", "updated_at")))
    # A row the user can list is answered (read, changed, or refused for the role, the state or an empty
    # body): the 404 was the scope.
    listed = client.get(path.removesuffix("/{id}"), {"limit": 1})
    if listed.status_code == 200 and listed.json()["items"]:
        response = call(client, method, path.format(id=listed.json()["items"][0]["id"]))
        assert response.status_code in {200, 204, 403, 409, 422}, response.content


def test_an_id_that_does_not_exist_is_the_same_404(tenant):
    client = session(tenant.users["admin"])
    response = client.get("/api/v1/municipalities/987654321")
    assert response.json() == {"detail": "پیدا نشد.", "code": "not_found"}


# ---------------------------------------------------------------- authentication


def test_the_public_routes_are_transparencys():
    assert PUBLIC == {("get", "/api/v1/transparency/"), *OCDS}


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in OPERATIONS if (m, p) not in PUBLIC])
def test_every_route_refuses_an_anonymous_call_with_401_json(db, method, path):
    response = call(Client(), method, path.format(id=1))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["code"] == "not_authenticated"
    assert "Bearer" in response["WWW-Authenticate"]


def test_a_bearer_token_works_without_a_session_or_csrf(tenant):
    _token, secret = api_token_create(acting_user=tenant.users["commerce"], name="ERP")
    machine = Client(enforce_csrf_checks=True)
    assert machine.get("/api/v1/me", **bearer(secret)).json()["user"]["username"] == "kr-commerce"
    response = call(machine, "post", "/api/v1/domains", {"code": "waste", "name": "پسماند"}, **bearer(secret))
    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(action="domain.create", actor=tenant.users["commerce"]).exists()


def test_a_bearer_token_carries_its_users_scope(tenant):
    _token, secret = api_token_create(acting_user=tenant.users["supplier"], name="ERP")
    assert walk(Client(), "/api/v1/providers", headers=bearer(secret)) == [tenant.supplier.pk]
    response = Client().get(f"/api/v1/providers/{tenant.affiliate.pk}", **bearer(secret))
    assert response.status_code == 404


def test_a_revoked_token_is_refused(tenant):
    user = tenant.users["admin"]
    token, secret = api_token_create(acting_user=user, name="old")
    api_token_revoke(token=token, acting_user=user)
    response = Client().get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_expired_token_is_refused(tenant):
    token, secret = api_token_create(acting_user=tenant.users["admin"], name="short",
                                     expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(tenant):
    user = tenant.users["admin"]
    _token, secret = api_token_create(acting_user=user, name="leaver")
    user.is_active = False
    user.save()
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401


@pytest.mark.parametrize("header", [
    "Bearer hmy_not-a-real-token", "Bearer ", "Bearer not-even-our-prefix", "Token hmy_x",
    "Basic a2V5OnZhbHVl",
])
def test_a_wrong_token_is_refused(tenant, header):
    api_token_create(acting_user=tenant.users["admin"], name="real")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_does_not_fall_back_to_the_session(tenant):
    client = session(tenant.users["admin"])
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me", **bearer("hmy_wrong")).status_code == 401


def test_a_token_with_one_character_changed_is_refused(tenant):
    _token, secret = api_token_create(acting_user=tenant.users["admin"], name="real")
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert Client().get("/api/v1/me", **bearer(tampered)).status_code == 401


def test_the_browser_session_needs_the_csrf_token_to_write(tenant):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tenant.users["commerce"])
    assert browser.get("/api/v1/domains").status_code == 200
    body = {"code": "waste", "name": "پسماند"}
    refused = call(browser, "post", "/api/v1/domains", body)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert not AuditEvent.objects.filter(action="domain.create").exists()
    browser.cookies["csrftoken"] = "a" * 32
    accepted = call(browser, "post", "/api/v1/domains", body, HTTP_X_CSRFTOKEN="a" * 32)
    assert accepted.status_code == 201, accepted.content


# ---------------------------------------------------------------- /me and /tokens


def test_me_tells_a_district9_user_its_municipality(tenant):
    me = session(tenant.users["district9"]).get("/api/v1/me").json()
    assert me["user"]["username"] == "kr-d9"
    assert me["role"] == "municipality_user"
    assert me["organization"] == {"id": tenant.org.pk, "name": tenant.org.name}
    assert me["municipality"] == {"id": tenant.district9.pk, "name": tenant.district9.name}
    assert me["provider"] is None


def test_me_tells_a_supplier_user_its_provider(tenant):
    me = session(tenant.users["supplier"]).get("/api/v1/me").json()
    assert me["role"] == "supplier_user"
    assert me["provider"] == {"id": tenant.supplier.pk, "name": tenant.supplier.name}
    assert me["municipality"] is None


def test_a_new_token_shows_its_secret_once_and_the_database_keeps_only_its_hash(tenant):
    client = session(tenant.users["finance"])
    created = call(client, "post", "/api/v1/tokens", {"name": "bank reconciliation"})
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("hmy_") and len(secret) > 40
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12] == created.json()["prefix"]
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    stored += json.dumps(list(AuditEvent.objects.values("before", "after", "object_repr")), default=str)
    assert secret not in stored and secret[12:] not in stored
    listed = client.get("/api/v1/tokens").content.decode()
    assert secret[12:] not in listed and token.key_hash not in listed
    assert set(json.loads(listed)["items"][0]) == {
        "id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "is_usable"}
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200


def test_revoking_a_token_through_the_api_stops_it_at_once(tenant):
    client = session(tenant.users["admin"])
    secret = call(client, "post", "/api/v1/tokens", {"name": "ci"}).json()["secret"]
    token = ApiToken.objects.get(prefix=secret[:12])
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1


def test_no_one_revokes_another_persons_token_through_the_api(tenant):
    token, secret = api_token_create(acting_user=tenant.users["supplier"], name="ERP")
    response = session(tenant.users["admin"]).delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200


@pytest.mark.parametrize("body", [
    {},
    {"name": ""},
    {"name": "x" * 101},
    {"name": 5},
    {"name": "ci", "expires_at": "2020-01-01T00:00:00+03:30"},
    {"name": "ci", "expires_at": "2099-01-01T00:00:00"},
    {"name": "ci", "expires_at": "tomorrow"},
    {"name": "ci", "secret": "hmy_chosen-by-me"},
])
def test_a_bad_token_request_is_refused_and_creates_nothing(tenant, body):
    response = call(session(tenant.users["admin"]), "post", "/api/v1/tokens", body)
    assert response.status_code == 422, response.content
    assert PERSIAN.search(response.json()["detail"])
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


# ---------------------------------------------------------------- errors, always JSON, in the user's language


def test_the_openapi_schema_and_the_docs_are_served(db):
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["paths"].keys() == SCHEMA["paths"].keys()
    assert {"BearerTokenAuth", "BrowserSessionAuth"} <= schema.json()["components"]["securitySchemes"].keys()
    assert client.get("/api/v1/docs").status_code == 200


def test_an_unexpected_error_is_a_json_500_not_an_html_page(rf, caplog):
    request = rf.get("/api/v1/anything")
    response = api.on_exception(request, RuntimeError("a bug"))
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"
    assert "a bug" not in response.content.decode()  # the cause goes to the log, not to the client
    assert "a bug" in caplog.text


def test_an_oversized_body_is_refused_as_json(tenant):
    client = session(tenant.users["admin"])
    body = json.dumps({"code": "x", "name": "ی" * 2_000_000})
    response = client.post("/api/v1/domains", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not AuditEvent.objects.exists()


def _errors(tenant):
    """One request for each kind of refusal, with the code it must carry."""
    admin = session(tenant.users["admin"])
    finance = session(tenant.users["finance"])
    return {
        "not_authenticated": lambda h: Client().get("/api/v1/me", **h),
        "not_found": lambda h: admin.get("/api/v1/municipalities/987654321", **h),
        "forbidden": lambda h: call(finance, "post", "/api/v1/domains", {"code": "x", "name": "x"}, **h),
        "invalid": lambda h: call(admin, "post", "/api/v1/domains", {"code": 5}, **h),
        "invalid_cursor": lambda h: admin.get("/api/v1/domains?cursor=forged", **h),
        "malformed_json": lambda h: admin.post("/api/v1/domains", "{", content_type="application/json", **h),
        "method_not_allowed": lambda h: admin.put("/api/v1/domains", "{}", content_type="application/json",
                                                  **h),
        "unknown_path": lambda h: admin.get("/api/v1/no/such/thing", **h),
    }


@pytest.mark.parametrize("kind", ["not_authenticated", "not_found", "forbidden", "invalid", "invalid_cursor",
                                  "malformed_json", "method_not_allowed", "unknown_path"])
def test_every_refusal_is_json_in_persian_and_in_english_on_request(tenant, kind):
    request = _errors(tenant)[kind]
    persian, english = request({}), request({"HTTP_ACCEPT_LANGUAGE": "en"})
    assert 400 <= persian.status_code < 500
    assert persian.status_code == english.status_code
    for response in (persian, english):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["code"] == ("not_found" if kind == "unknown_path" else kind)
    assert PERSIAN.search(persian.json()["detail"]), persian.json()
    assert not PERSIAN.search(english.json()["detail"]), english.json()
    if kind == "invalid":
        assert PERSIAN.search(persian.json()["fields"]["code"][0])
        assert persian.json()["fields"].keys() == {"code", "name"}
