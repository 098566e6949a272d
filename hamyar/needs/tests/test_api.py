"""The needs API: keyset pages, create and update, every transition, matches with the score per factor,
errors as JSON with nothing written, and scope (District 10 never reaches District 9's need)."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from hamyar.api import api
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.testing import nothing_written
from hamyar.needs.models import Need

from .helpers import assigned, goods_need, submitted, triaged

BASE = LIST = "/api/v1/needs"


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def _post(client, url, body=None, **extra):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def _login(client, user):
    client.force_login(user)
    return client


def _walk(client, **params) -> list[int]:
    ids, cursor = [], None
    for _ in range(100):
        body = client.get(LIST, {**params, **({"cursor": cursor} if cursor else {})}).json()
        ids += [row["id"] for row in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return ids
    raise AssertionError("the pages never end")


def test_every_needs_route_declares_its_model():
    schema = api.get_openapi_schema()
    operations = [(m, p, op) for p, ops in schema["paths"].items() if p.startswith(BASE) for m,
                  op in ops.items()]
    assert len(operations) >= 14
    assert [(m, p) for m, p, op in operations if "x-hamyar-model" not in op] == []


def test_the_list_comes_in_keyset_pages_in_scope(client, tenant, other_tenant, catalog):
    mine = [goods_need(tenant, catalog, title=f"نیاز {i}") for i in range(5)]
    goods_need(tenant, catalog, user=tenant.users["district10"], site=None)
    goods_need(other_tenant, build_catalog(other_tenant))
    ids = _walk(_login(client, tenant.users["district9"]), limit=2)
    assert ids == [n.pk for n in sorted(mine, key=lambda n: (n.created_at, n.pk), reverse=True)]
    assert len(_walk(_login(client, tenant.users["commerce"]), limit=3)) == 6
    assert _walk(_login(client, tenant.users["supplier"])) == []


def test_filters_and_persian_search(client, tenant, catalog):
    need = submitted(tenant, goods_need(tenant, catalog, title="نیمکت پارک کوه"))
    goods_need(tenant, catalog, title="سطل زباله")
    client = _login(client, tenant.users["commerce"])
    assert _walk(client, q="پارك كوه") == [need.pk]  # typed with the Arabic kaf
    assert _walk(client, status="submitted") == [need.pk]
    assert _walk(client, number=need.number) != []
    assert _walk(client, q=need.number) == [need.pk]
    assert client.get(LIST, {"status": "nonsense"}).status_code == 422


def test_the_page_and_the_api_filter_by_the_one_declaration(client, tenant, catalog):
    submitted(tenant, goods_need(tenant, catalog))
    district10 = goods_need(tenant, catalog, user=tenant.users["district10"], site=None)
    client = _login(client, tenant.users["commerce"])
    params = {"municipality": district10.municipality_id, "kind": "goods", "domain": tenant.furniture.pk}
    assert _walk(client, **params) == [district10.pk]
    page = client.get(reverse("needs:need_list"), params)
    assert [n.pk for n in page.context["object_list"]] == [district10.pk]
    assert _walk(client, domain=2**62) == []  # an id no row can have finds nothing
    assert client.get(LIST, {"kind": "wish"}).status_code == 422


def test_create_a_goods_need_and_read_it_back(client, tenant, catalog):
    client = _login(client, tenant.users["district9"])
    body = {"kind": "goods", "title": "نیمکت برای پارک وکیل‌آباد", "site": tenant.vakilabad.pk,
            "budget_estimate": 8_000_000_000,
            "desired_date": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
            "lines": [{"item": catalog.bench.pk, "quantity": 40}]}
    response = _post(client, LIST, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["domain"]["id"] == tenant.furniture.pk
    assert data["municipality"]["id"] == tenant.district9.pk
    assert [(line["item"]["id"], line["quantity"]) for line in data["lines"]] == [(catalog.bench.pk, 40)]
    assert [c["state"] for c in data["clocks"]] == ["not_started"] * 3
    assert client.get(f"{BASE}/{data['id']}").json()["number"] == data["number"]


@pytest.mark.parametrize(("change", "field"), [
    ({"lines": [{"item": 987654, "quantity": 1}]}, "lines"),
    ({"site": 987654}, "site"),
    ({"budget_estimate": -1}, "budget_estimate"),
    ({"desired_date": "1405-09-04"}, "desired_date"),
    ({"desired_date": "2020-01-01"}, "desired_date"),
    ({"kind": "wish"}, "kind"),
    ({"colour": "blue"}, "colour"),
])
def test_bad_input_is_422_with_the_field_and_nothing_written(client, tenant, catalog, change, field):
    client = _login(client, tenant.users["district9"])
    body = {"kind": "goods", "title": "نیمکت", "lines": [{"item": catalog.bench.pk, "quantity": 4}], **change}
    with nothing_written("needs"):
        response = _post(client, LIST, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]


def test_the_lamp_of_an_unrepresented_supplier_cannot_be_asked_for(client, tenant, catalog):
    client = _login(client, tenant.users["district9"])
    with nothing_written("needs"):
        response = _post(client, LIST, {"kind": "goods", "title": "چراغ",
                                        "lines": [{"item": catalog.lamp.pk, "quantity": 2}]})
    assert response.status_code == 422 and "lines" in response.json()["fields"]


def test_wrong_roles_are_403(client, tenant, catalog):
    need = submitted(tenant, goods_need(tenant, catalog))
    client = _login(client, tenant.users["district9"])
    assert _post(client, f"{BASE}/{need.pk}/triage").status_code == 403
    assert client.get(f"{BASE}/{need.pk}/matches").status_code == 403
    client = _login(client, tenant.users["finance"])
    assert _post(client, LIST, {"kind": "project", "title": "x"}).status_code == 403
    assert _post(client, f"{BASE}/{need.pk}/reject", {"reason": "x"}).status_code == 403


def test_district10_and_another_tenant_get_404_on_every_route_of_district9s_need(client, tenant, other_tenant,
                                                                                  catalog):
    need = triaged(tenant, goods_need(tenant, catalog))
    routes = [("get", ""), ("patch", ""), ("post", "/submit"), ("post", "/triage"), ("get", "/matches"),
              ("post", "/assign"), ("post", "/request-competing"), ("post", "/reject"), ("post", "/cancel"),
              ("post", "/mark-gap")]
    for user in (tenant.users["district10"], tenant.users["project_manager"], other_tenant.users["commerce"]):
        client.force_login(user)
        with nothing_written("needs", "accounts"):
            for method, suffix in routes:
                url = f"{BASE}/{need.pk}{suffix}"
                if method == "get":
                    response = client.get(url)
                else:
                    response = getattr(client, method)(url, "{}", content_type="application/json")
                assert response.status_code == 404, (user, method, suffix, response.content)
                assert response.json()["code"] == "not_found"


def test_the_whole_path_to_assignment_over_the_api(client, tenant, catalog):
    need = goods_need(tenant, catalog)
    client = _login(client, tenant.users["district9"])
    assert _post(client, f"{BASE}/{need.pk}/submit").json()["status"] == "submitted"
    client = _login(client, tenant.users["commerce"])
    assert _post(client, f"{BASE}/{need.pk}/triage",
                 {"domain": tenant.furniture.pk}).json()["status"] == "triaged"
    matches = client.get(f"{BASE}/{need.pk}/matches").json()
    [top] = matches["candidates"]
    assert top["provider"]["id"] == tenant.supplier.pk and top["rank"] == 1
    assert [f["factor"] for f in top["factors"]] == ["capability", "capacity", "rating", "on_time", "load"]
    assert top["factors"][0] == {"factor": "capability", "label": top["factors"][0]["label"], "value": 4,
                                 "points": 32.0}
    assert top["score"] == 77.0 and top["agreement"] == tenant.agreement.number
    data = _post(client, f"{BASE}/{need.pk}/assign", {}).json()
    assert data["status"] == "assigned" and data["provider"]["id"] == tenant.supplier.pk
    assert data["assignments"][0]["breakdown"]["capability"]["points"] == 32.0
    with nothing_written("needs"):
        again = _post(client, f"{BASE}/{need.pk}/assign", {"provider": tenant.supplier.pk})
    assert again.status_code == 409 and again.json()["code"] == "need_state"


def test_reject_cancel_and_gap_over_the_api(client, tenant, catalog):
    need = submitted(tenant, goods_need(tenant, catalog))
    client = _login(client, tenant.users["commerce"])
    with nothing_written("needs"):
        response = _post(client, f"{BASE}/{need.pk}/reject", {})
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    assert _post(client, f"{BASE}/{need.pk}/reject", {"reason": "تکراری"}).json()["status"] == "rejected"
    other = assigned(tenant, goods_need(tenant, catalog))
    client = _login(client, tenant.users["district9"])
    assert _post(client, f"{BASE}/{other.pk}/cancel",
                 {"reason": "منصرف شدیم"}).json()["status"] == "cancelled"
    assert _post(client, f"{BASE}/{other.pk}/cancel", {"reason": "دوباره"}).status_code == 409


def test_competing_quotations_over_the_api(client, tenant, catalog):
    need = triaged(tenant, goods_need(tenant, catalog))
    client = _login(client, tenant.users["commerce"])
    assert _post(client, f"{BASE}/{need.pk}/request-competing", {"count": 0}).status_code == 422
    data = _post(client, f"{BASE}/{need.pk}/request-competing", {"count": 2}).json()
    assert [(a["provider"]["id"], a["kind"]) for a in data["assignments"]] == [(tenant.supplier.pk,
                                                                                "competing")]


def test_a_provider_sees_only_its_own_assignment(client, tenant, catalog):
    from hamyar.directory.models import Capability

    Capability.objects.create(organization=tenant.org, provider=tenant.staff_unit, domain=tenant.furniture,
                              level=2, monthly_capacity=50)
    need = triaged(tenant, goods_need(tenant, catalog))
    _post(_login(client, tenant.users["commerce"]), f"{BASE}/{need.pk}/request-competing", {"count": 2})
    data = _login(client, tenant.users["supplier"]).get(f"{BASE}/{need.pk}").json()
    assert [a["provider"]["id"] for a in data["assignments"]] == [tenant.supplier.pk]


def test_update_a_draft_over_the_api(client, tenant, catalog):
    need = goods_need(tenant, catalog)
    client = _login(client, tenant.users["district9"])
    response = client.patch(f"{BASE}/{need.pk}", json.dumps({"title": "نیمکت بیشتر",
                                                             "lines": [{"item": catalog.bench.pk,
                                                                        "quantity": 60}]}),
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["lines"][0]["quantity"] == 60
    submitted(tenant, need)
    with nothing_written("needs"):
        response = client.patch(f"{BASE}/{need.pk}", json.dumps({"title": "دیر"}),
                                content_type="application/json")
    assert response.status_code == 409
    assert Need.objects.get(pk=need.pk).title == "نیمکت بیشتر"


def test_a_retried_create_with_the_same_idempotency_key_makes_one_need(client, tenant, catalog):
    client = _login(client, tenant.users["district9"])
    body = {"kind": "goods", "title": "نیمکت", "lines": [{"item": catalog.bench.pk, "quantity": 4}]}
    first = _post(client, LIST, body, HTTP_IDEMPOTENCY_KEY="need-create-1")
    second = _post(client, LIST, body, HTTP_IDEMPOTENCY_KEY="need-create-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Need.objects.count() == 1
