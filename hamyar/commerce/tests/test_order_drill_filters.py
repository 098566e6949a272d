"""The orders list's `domain` (the need's), `month` and `since` filters (Jalali yyyymm it was placed in,
in Tehran): what a dashboard figure links to; a bad month is a clear error, never a 500."""

import pytest

from hamyar.commerce.filters import OrderFilter
from hamyar.commerce.selectors import order_list
from hamyar.insights.tests.dashboard_data import build_dealings


@pytest.fixture
def dealings(tenant, other_tenant):
    return build_dealings(tenant, other_tenant)


def keys(dealings, rows) -> set[str]:
    by_pk = {order.pk: key for key, order in dealings.orders.items()}
    return {by_pk.get(order.pk, "other") for order in rows}


def test_domain_selects_the_orders_of_needs_in_it(tenant, dealings):
    rows = order_list(user=tenant.users["commerce"], filters={"domain": tenant.green.pk})
    assert keys(dealings, rows) == {"A", "C", "E"}


def test_month_and_since(tenant, dealings):
    user = tenant.users["executive"]
    assert keys(dealings, order_list(user=user, filters={"month": dealings.m2})) == {"B", "D"}
    assert keys(dealings, order_list(user=user, filters={"month": dealings.m13})) == {"E"}
    assert keys(dealings, order_list(user=user, filters={"since": dealings.m2})) == {"A", "B", "C", "D"}
    both = order_list(user=user, filters={"since": dealings.m2, "domain": tenant.furniture.pk,
                                          "municipality": tenant.district9.pk})
    assert keys(dealings, both) == {"B"}


def test_the_other_organizations_orders_stay_out(tenant, other_tenant, dealings):
    assert keys(dealings, order_list(user=other_tenant.users["executive"], filters={"month": dealings.m1})) \
        == {"other"}
    assert "other" not in keys(dealings, order_list(user=tenant.users["executive"],
                                                    filters={"month": dealings.m1}))


@pytest.mark.parametrize("typed", ["140513", "14050", "x", "150101"])
def test_a_bad_month_is_refused(typed):
    form = OrderFilter({"month": typed})
    assert not form.is_valid() and "month" in form.errors


def test_the_page_filters_and_keeps_the_filters_on_its_links(client, tenant, dealings):
    client.force_login(tenant.users["executive"])
    response = client.get(f"/commerce/orders/?domain={tenant.furniture.pk}&since={dealings.m2}")
    assert keys(dealings, response.context["page_obj"].object_list) == {"B", "D"}
    html = response.content.decode()
    assert 'id="drill-filters"' in html and tenant.furniture.name in html
    assert f'name="since" value="{dealings.m2}"' in html
    assert f"status=closed&amp;domain={tenant.furniture.pk}&amp;since={dealings.m2}" in html


def test_the_page_shows_a_bad_month_as_an_error(client, tenant, dealings):
    client.force_login(tenant.users["commerce"])
    response = client.get("/commerce/orders/?month=140599")
    assert response.status_code == 200
    assert 'id="filter-errors"' in response.content.decode()


def test_the_api_filters_by_domain_and_month(client, tenant, dealings):
    client.force_login(tenant.users["commerce"])
    response = client.get(f"/api/v1/commerce/orders?domain={tenant.green.pk}&month={dealings.m1}")
    assert response.status_code == 200
    assert {row["number"] for row in response.json()["items"]} == {dealings.orders["A"].number,
                                                                    dealings.orders["C"].number}
    assert client.get("/api/v1/commerce/orders?month=abc").status_code == 422
