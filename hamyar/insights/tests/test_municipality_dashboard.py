"""A municipality's own dashboard: its dealings from its cells, its open items, the ratings it gave and
its service against the province's, each equal to the figure counted by hand on `dealings_data`; only
its own users open it, and each sees its own municipality's figures, never another's."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hamyar.commerce.models import Rating
from hamyar.insights import selectors
from hamyar.insights.selectors.monthly import last_months, month_label

from .dealings_data import BENCH_PRICE, build_dealings, total

URL = "/insights/municipality/"


@pytest.fixture
def dealings(tenant, other_tenant):
    return build_dealings(tenant, other_tenant)


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fa")
    client.force_login(user)
    return client


def dashboard(user):
    return selectors.municipality_dashboard(user=user, membership=user.membership)


def test_the_url_and_its_name():
    assert reverse("insights:municipality_dashboard") == URL


def test_district9s_dealings_are_its_three_orders(tenant, dealings):
    board = dashboard(tenant.users["district9"])
    assert board["totals"] == {
        "needs": 3,
        "orders": 3,
        "amount": total(40) + total(10) + total(5),  # 11,325,600,000
        "received_amount": (40 + 10) * BENCH_PRICE,  # the rejected 2 benches are not received
        "invoiced_amount": dealings.invoice.total,
    }
    assert board["totals"]["amount"] == 11_325_600_000
    months = {row[0]: row[1:] for row in board["tables"][0].rows}
    assert list(months) == [month_label(m) for m in last_months(12)]
    # Needs, orders, ordered, received, invoiced of a month: order 2 counts in the month it was placed.
    this_month, earlier = dealings.month(dealings.order1), dealings.month(dealings.order2)
    assert this_month != earlier
    assert months[month_label(earlier)][1:4] == [1, total(10), 10 * BENCH_PRICE]
    assert months[month_label(this_month)][1:] == [2, total(40) + total(5), 40 * BENCH_PRICE,
                                                   dealings.invoice.total]
    domains = board["tables"][1]
    assert [row[:3] for row in domains.rows] == [[tenant.furniture.name, 3, 3]]
    assert domains.links == [f"/needs/?domain={tenant.furniture.pk}"]


def test_service_against_the_province(tenant, dealings):
    """Clocks: District 9 met 8 of 8 (its open order's delivery clock still runs), District 10 2 of 3 (a
    late triage), the province 10 of 11. On time: District 9 1 of 2 closed, the province 2 of 3. Ratings:
    District 9 gave 4 and 2, the province's orders got 4, 2 and 5."""
    compared = {c.key: c for c in dashboard(tenant.users["district9"])["comparisons"]}
    clocks, on_time, rating = compared["clocks"], compared["on_time"], compared["rating"]
    assert (clocks.own, clocks.own_of, clocks.province, clocks.province_of) == (
        Decimal("100.0"), 8, Decimal("90.9"), 11)
    assert (on_time.own, on_time.own_of, on_time.province, on_time.province_of) == (
        Decimal("50.0"), 2, Decimal("66.7"), 3)
    assert (rating.own, rating.own_of, rating.province, rating.province_of) == (
        Decimal("3.00"), 2, Decimal("3.67"), 3)
    assert clocks.better is True and on_time.better is False and rating.better is False


def test_district10_sees_its_own_figures_and_the_same_province(tenant, dealings):
    board = dashboard(tenant.users["district10"])
    assert board["totals"]["orders"] == 1 and board["totals"]["amount"] == total(20)
    compared = {c.key: c for c in board["comparisons"]}
    assert (compared["clocks"].own, compared["clocks"].province) == (Decimal("66.7"), Decimal("90.9"))
    assert (compared["on_time"].own, compared["on_time"].province) == (Decimal("100.0"), Decimal("66.7"))
    assert [r.order_id for r in board["ratings"]] == [dealings.order4.pk]


def test_the_ratings_it_gave_and_its_open_items(tenant, dealings):
    board = dashboard(tenant.users["district9"])
    assert board["ratings_given"] == 2 and board["ratings_average"] == Decimal("3.00")
    assert {r.order_id for r in board["ratings"]} == {dealings.order1.pk, dealings.order2.pk}
    assert Rating.objects.filter(order=dealings.order4).exists()  # District 10's, not shown
    states = {s.status: s.count for s in board["work"]["need_states"]}
    assert states["approved"] == 1  # order 3's need, still being delivered
    assert board["work"]["invoices_issued"] == 1
    assert board["group_savings"].pools == 0


def test_another_organization_counts_only_its_own(other_tenant, dealings):
    board = dashboard(other_tenant.users["district9"])
    assert board["totals"]["orders"] == 1 and board["totals"]["amount"] == total(30)
    compared = {c.key: c for c in board["comparisons"]}
    # Its province is its own organization: one order, closed on time, rated 1.
    assert compared["on_time"].province_of == 1 and compared["rating"].province == Decimal("1.00")


def test_the_page_shows_district9s_figures_and_never_names_another_municipality(tenant, dealings):
    response = client_of(tenant.users["district9"]).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="total-orders" data-value="3"' in html
    assert f'id="total-invoiced" data-value="{dealings.invoice.total}"' in html
    assert tenant.district9.name in html
    for other in (tenant.district10, tenant.neyshabur):
        assert other.name not in html
    assert 'id="open-needs-approved"' in html and 'data-count="1"' in html


def test_district10s_page_has_its_own_figures(tenant, dealings):
    html = client_of(tenant.users["district10"]).get(URL).content.decode()
    assert 'id="total-orders" data-value="1"' in html
    assert tenant.district9.name not in html


def test_no_one_opens_another_municipalitys_dashboard(tenant, other_tenant, dealings):
    """Only a municipality's own users open it: `?municipality=` is not read, officers and providers are
    refused (an officer has the organization's dashboards), and another organization's clerk sees its
    own municipality."""
    d9 = client_of(tenant.users["district9"]).get(f"{URL}?municipality={tenant.district10.pk}")
    assert 'id="total-orders" data-value="3"' in d9.content.decode()
    for who in ("commerce", "executive", "admin", "finance", "supplier", "project_manager"):
        client = client_of(tenant.users[who])
        assert client.get(URL).status_code == 403, who
        assert client.get(f"{URL}?municipality={tenant.district9.pk}").status_code == 403, who
    other = client_of(other_tenant.users["district9"]).get(f"{URL}?municipality={tenant.district9.pk}")
    assert 'id="total-orders" data-value="1"' in other.content.decode()
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_mayor_and_the_finance_officer_see_the_same_dashboard(tenant, dealings):
    html = client_of(tenant.district9_mayor).get(URL).content.decode()
    assert 'id="total-orders" data-value="3"' in html


def test_every_table_exports_what_the_page_shows(tenant, dealings):
    client = client_of(tenant.users["district9"])
    response = client.get(f"{URL}?export=domains")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('"domains.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    found = [row for row in values if tenant.furniture.name in row]
    assert found and found[0][1:4] == [3, 3, total(40) + total(10) + total(5)]
    for key in ("months", "service", "ratings"):
        assert client.get(f"{URL}?export={key}").status_code == 200
    assert client.get(f"{URL}?export=unknown").status_code == 404


def test_the_home_links_to_the_dashboard(tenant):
    html = client_of(tenant.users["district9"]).get("/").content.decode()
    assert f'id="open-dashboard" href="{URL}"' in html
    assert URL not in client_of(tenant.users["commerce"]).get("/").content.decode()
