"""The catalog API: keyset pages, search and filters, item detail with tiers, price lists and their
export, item writes by the roles allowed, errors in the directory API's shape, and scope on every route."""

import pytest
from django.urls import reverse

from hamyar.api import api
from hamyar.catalog.models import CatalogItem, PriceList
from hamyar.core.testing import nothing_written

from .catalog_data import add_item, build_catalog

BASE = "/api/v1/catalog"


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def _login(client, user):
    client.force_login(user)
    return client


def _all_pages(client, url: str, **params) -> list[dict]:
    rows, cursor = [], None
    for _ in range(50):
        body = client.get(url, {**params, **({"cursor": cursor} if cursor else {})}).json()
        rows += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return rows
    raise AssertionError("the pages never end")


# ---------------------------------------------------------------- items


def test_items_come_in_keyset_pages_without_repeats_or_gaps(client, tenant, catalog):
    for i in range(5):
        add_item(tenant, tenant.supplier, tenant.furniture, f"EXTRA-{i}", f"نیمکت اضافه {i}")
    _login(client, tenant.users["commerce"])
    rows = _all_pages(client, f"{BASE}/items", limit=2)
    ids = [row["id"] for row in rows]
    in_order = CatalogItem.objects.filter(organization=tenant.org).order_by("name", "pk")
    assert ids == list(in_order.values_list("pk", flat=True))


def test_search_through_the_api_is_ranked_and_paged(client, tenant, catalog):
    _login(client, tenant.users["district9"])
    rows = _all_pages(client, f"{BASE}/items", q="نيمكت", limit=1)
    assert {row["id"] for row in rows} == {catalog.bench.pk, catalog.concrete_bench.pk}


def test_filters_apply_to_the_api_list(client, tenant, catalog):
    _login(client, tenant.users["commerce"])

    def ids(**params):
        return {row["id"] for row in client.get(f"{BASE}/items", params).json()["items"]}

    assert ids(price_max=150_000_000) == {catalog.concrete_bench.pk, catalog.lamp.pk, catalog.sapling.pk}
    assert ids(domain=tenant.furniture.pk) == {catalog.bench.pk, catalog.concrete_bench.pk}
    assert ids(provider=tenant.affiliate.pk) == {catalog.sapling.pk}
    assert ids(in_stock=True, provider=tenant.supplier.pk) == {catalog.bench.pk}
    assert ids(max_lead_time=10) == {catalog.sapling.pk}
    assert ids(q="نیمکت", price_min=190_000_000) == {catalog.bench.pk}


def test_item_detail_carries_the_current_tiers(client, tenant, catalog):
    _login(client, tenant.users["district9"])
    body = client.get(f"{BASE}/items/{catalog.bench.pk}").json()
    assert body["current_price"] == 195_000_000
    assert body["price_list"]["id"] == catalog.bench_list.pk
    assert [(t["min_quantity"], t["unit_price"]) for t in body["tiers"]] == [
        (1, 195_000_000), (10, 187_200_000), (50, 179_400_000)]
    assert body["provider"] == {"id": tenant.supplier.pk, "name": tenant.supplier.name}
    assert body["attributes"] == {"طول": "200 سانتی‌متر"}


def test_an_officer_creates_and_updates_an_item(client, tenant, catalog):
    _login(client, tenant.users["commerce"])
    response = client.post(f"{BASE}/items", {
        "provider": tenant.supplier.pk, "domain": tenant.furniture.pk, "code": "API-1",
        "name": "نیمكت پارکي", "unit": "piece", "lead_time_days": 9, "attributes": {"رنگ": "سبز"},
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    item_id = response.json()["id"]
    assert response.json()["name"] == "نیمکت پارکی"
    response = client.patch(f"{BASE}/items/{item_id}", {"lead_time_days": 12, "in_stock": False},
                            content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["lead_time_days"], response.json()["in_stock"]) == (12, False)


def test_a_supplier_user_writes_only_its_own_items(client, tenant, catalog):
    _login(client, tenant.users["supplier"])
    mine = {"provider": tenant.supplier.pk, "domain": tenant.furniture.pk, "code": "API-2", "name": "نیمکت",
            "unit": "piece"}
    assert client.post(f"{BASE}/items", mine, content_type="application/json").status_code == 201
    with nothing_written("catalog"):
        response = client.post(f"{BASE}/items", {**mine, "provider": tenant.affiliate.pk, "code": "API-3"},
                               content_type="application/json")
    assert response.status_code == 422 and "provider" in response.json()["fields"]
    with nothing_written("catalog"):
        response = client.patch(f"{BASE}/items/{catalog.sapling.pk}", {"name": "x"},
                                content_type="application/json")
    assert response.status_code == 404


@pytest.mark.parametrize("user_key", ["district9", "finance", "executive"])
def test_roles_that_do_not_edit_the_catalog_get_403(client, tenant, catalog, user_key):
    _login(client, tenant.users[user_key])
    with nothing_written("catalog"):
        created = client.post(f"{BASE}/items", {
            "provider": tenant.supplier.pk, "domain": tenant.furniture.pk, "code": "API-4", "name": "نیمکت",
            "unit": "piece"}, content_type="application/json")
        updated = client.patch(f"{BASE}/items/{catalog.bench.pk}", {"name": "x"},
                               content_type="application/json")
    assert created.status_code == 403 and created.json()["code"] == "forbidden"
    assert updated.status_code == 403


@pytest.mark.parametrize("payload", [
    {"unit": "barrel"},
    {"lead_time_days": -1},
    {"lead_time_days": 5000},
    {"lead_time_days": "12"},
    {"name": ""},
    {"name": "ن" * 201},
    {"code": "PRS-BN-01"},  # taken
    {"domain": 999999999},
    {"attributes": ["not", "a", "dict"]},
    {"colour": "green"},  # unknown field
    {"name": "bad\x00text"},
])
def test_bad_item_input_is_422_in_the_directory_error_shape_and_writes_nothing(client, tenant, catalog,
                                                                               payload):
    _login(client, tenant.users["commerce"])
    body = {"provider": tenant.supplier.pk, "domain": tenant.furniture.pk, "code": "API-5", "name": "نیمکت",
            "unit": "piece", **payload}
    with nothing_written("catalog"):
        response = client.post(f"{BASE}/items", body, content_type="application/json")
    assert response.status_code == 422
    assert set(response.json()) <= {"detail", "code", "fields"} and response.json()["detail"]


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 100000}, {"price_min": -1}, {"price_min": "abc"}, {"max_lead_time": 5000},
    {"cursor": "forged"}, {"price_min": 10, "price_max": 5}, {"q": "x" * 201}, {"domain": 0},
])
def test_bad_list_parameters_are_422(client, tenant, catalog, params):
    _login(client, tenant.users["district9"])
    response = client.get(f"{BASE}/items", params)
    assert response.status_code == 422 and response.json()["code"] in {"invalid", "invalid_cursor"}


def test_a_search_cursor_is_bound_to_its_query(client, tenant, catalog):
    _login(client, tenant.users["district9"])
    cursor = client.get(f"{BASE}/items", {"q": "نیمکت", "limit": 1}).json()["next_cursor"]
    assert cursor
    assert client.get(f"{BASE}/items", {"q": "نهال", "cursor": cursor}).status_code == 422


# ---------------------------------------------------------------- price lists


def test_price_lists_come_in_pages_and_with_their_prices(client, tenant, catalog):
    _login(client, tenant.users["district9"])
    rows = _all_pages(client, f"{BASE}/price-lists", limit=1)
    expected = {catalog.old_list.pk, catalog.bench_list.pk, catalog.sapling_list.pk}
    assert {row["id"] for row in rows} == expected
    body = client.get(f"{BASE}/price-lists/{catalog.bench_list.pk}").json()
    assert body["price_count"] == 4 and body["valid_until"] is None
    assert {(p["item"]["code"], p["min_quantity"], p["unit_price"]) for p in body["prices"]} == {
        ("PRS-BN-02", 1, 148_000_000),
        ("PRS-BN-01", 1, 195_000_000), ("PRS-BN-01", 10, 187_200_000), ("PRS-BN-01", 50, 179_400_000),
    }


def test_price_list_export_downloads_the_xlsx(client, tenant, catalog):
    _login(client, tenant.users["supplier"])
    response = client.get(f"{BASE}/price-lists/{catalog.bench_list.pk}/export")
    assert response.status_code == 200 and response.content[:4] == b"PK\x03\x04"
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"{BASE}/price-lists/{catalog.sapling_list.pk}/export").status_code == 404


# ---------------------------------------------------------------- every route: scope and authentication


def _catalog_routes() -> list[tuple[str, str, str | None]]:
    """(method, path template, model label) of every catalog route in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    routes = []
    for path, operations in schema["paths"].items():
        if not path.startswith(BASE + "/"):
            continue
        for method, operation in operations.items():
            routes.append((method, path, operation.get("x-hamyar-model")))
    return routes


def _fill(path: str, model: str | None, catalog) -> str:
    obj = {"catalog.catalogitem": catalog.bench, "catalog.pricelist": catalog.bench_list}.get(model)
    return path.replace("{id}", str(obj.pk)) if obj else path


def test_every_catalog_route_is_described_with_its_model():
    routes = _catalog_routes()
    assert len(routes) >= 7
    assert all(model in {"catalog.catalogitem", "catalog.pricelist"} for _m, _p, model in routes)


def test_every_catalog_route_needs_authentication(client, tenant, catalog):
    for method, path, model in _catalog_routes():
        response = getattr(client, method)(_fill(path, model, catalog), content_type="application/json")
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"


def test_every_catalog_route_hides_another_organizations_rows(client, tenant, other_tenant, catalog):
    build_catalog(other_tenant)
    for key in ("admin", "commerce", "district9"):
        _login(client, other_tenant.users[key])
        for method, path, model in _catalog_routes():
            if "{id}" not in path:
                continue
            with nothing_written("catalog"):
                response = getattr(client, method)(_fill(path, model, catalog), {"name": "x"},
                                                   content_type="application/json")
            assert response.status_code in (403, 404), (key, method, path)
            if method == "get" or key != "district9":
                assert response.status_code == 404, (key, method, path)
        listed = {row["id"] for row in client.get(f"{BASE}/items").json()["items"]}
        assert not listed & {catalog.bench.pk, catalog.sapling.pk, catalog.concrete_bench.pk}
        lists = {row["id"] for row in client.get(f"{BASE}/price-lists").json()["items"]}
        assert not lists & set(PriceList.objects.filter(organization=tenant.org).values_list("pk", flat=True))


def test_api_urls_are_mounted_under_v1():
    assert reverse("api:list_items") == f"{BASE}/items"


def test_api_lists_run_the_same_number_of_queries_as_rows_grow(client, tenant, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .catalog_data import publish

    _login(client, tenant.users["commerce"])
    urls = [f"{BASE}/items", f"{BASE}/items?q=%D9%86%DB%8C%D9%85%DA%A9%D8%AA", f"{BASE}/price-lists"]

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    before = [count(url) for url in urls]
    small_list = count(f"{BASE}/price-lists/{catalog.bench_list.pk}")
    extra = [add_item(tenant, tenant.supplier, tenant.furniture, f"MORE-{i}", f"نیمکت دیگر {i}")
             for i in range(8)]
    tiers = [(item, quantity, 1_000_000) for item in extra for quantity in (1, 5)]
    larger = publish(tenant, tenant.supplier, "فهرست دیگر", tiers, days_ago=3)
    assert [count(url) for url in urls] == before
    assert count(f"{BASE}/price-lists/{larger.pk}") == small_list
