"""The executive dashboard: every figure equals the hand-worked value of `dashboard_data`, read from the
rollup cells of the reader's own organization; each drills down to a list that holds what it counts;
each table exports the same rows to Excel."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hamyar.core.errors import PermissionDenied
from hamyar.core.jalali import add_months, month_label
from hamyar.insights.selectors import dashboard as figures
from hamyar.insights.selectors.dashboard import current_month

from .dashboard_data import build_dealings

READERS = ["executive", "admin", "commerce", "finance"]
NOT_READERS = ["district9", "supplier", "project_manager"]
DASHBOARD = "/insights/"


@pytest.fixture
def dealings(tenant, other_tenant):
    return build_dealings(tenant, other_tenant)


@pytest.fixture
def ceo(tenant):
    return tenant.users["executive"]


def test_volume_by_municipality(tenant, dealings, ceo):
    rows = figures.volume_by_municipality(user=ceo)
    assert [(r.municipality_id, r.orders, r.amount, r.needs) for r in rows] == [
        (tenant.district9.pk, 2, 1_500_000_000, 2),
        (tenant.neyshabur.pk, 1, 300_000_000, 1),
        (dealings.shandiz.pk, 1, 200_000_000, 1),
        (tenant.district10.pk, 0, 0, 1),
    ]


def test_volume_by_domain(tenant, dealings, ceo):
    rows = figures.volume_by_domain(user=ceo)
    assert [(r.domain_id, r.orders, r.amount, r.needs, r.gaps) for r in rows] == [
        (tenant.green.pk, 2, 1_300_000_000, 2, 0),
        (tenant.furniture.pk, 2, 700_000_000, 2, 0),
        (tenant.lighting.pk, 0, 0, 1, 1),
    ]


def test_volume_by_month_runs_36_months_with_the_empty_ones(dealings, ceo):
    rows = figures.volume_by_month(user=ceo)
    assert len(rows) == 36 and rows[-1].month == current_month()
    assert rows[0].month == add_months(current_month(), -35)
    by_month = {r.month: (r.orders, r.amount, r.needs) for r in rows}
    assert by_month[dealings.m1] == (2, 1_300_000_000, 3)
    assert by_month[dealings.m2] == (2, 700_000_000, 2)
    assert by_month[dealings.m13] == (1, 9_999_000_000, 1)
    assert sum(r.orders for r in rows) == 5
    # a 12-month window leaves E out
    assert sum(r.orders for r in figures.volume_by_month(user=ceo, months=12)) == 4
    assert figures.volume_by_month(user=ceo, months=(dealings.m2, dealings.m1))[0].amount == 700_000_000


def test_service_levels_overall_and_by_domain(tenant, dealings, ceo):
    levels = figures.service_levels(user=ceo)
    # triage met for A, C and District 10's need; missed for B; D's clock still runs (not measured)
    assert (levels.overall.part, levels.overall.whole, levels.overall.percent) == (3, 4, Decimal("75.0"))
    by_domain = {r.domain_id: (r.part, r.whole, r.percent) for r in levels.by_domain}
    assert by_domain == {tenant.green.pk: (2, 2, Decimal("100.0")),
                         tenant.furniture.pk: (0, 1, Decimal("0.0")),
                         tenant.lighting.pk: (1, 1, Decimal("100.0"))}


def test_delivery_on_time_and_average_rating(tenant, dealings, ceo):
    on_time = figures.delivery_on_time(user=ceo)
    assert (on_time.overall.part, on_time.overall.whole, on_time.overall.percent) == (1, 2, Decimal("50.0"))
    rating = figures.average_rating(user=ceo)
    assert (rating.rated, rating.score_sum, rating.value) == (2, 6, Decimal("3.0"))


def test_coverage_matrix(tenant, dealings, ceo):
    cover = figures.coverage(user=ceo)
    # the most orders first, then by name (شاندیز before نیشابور)
    assert [m[0] for m in cover.municipalities] == [tenant.district9.pk, dealings.shandiz.pk,
                                                   tenant.neyshabur.pk]
    assert [d[0] for d in cover.domains] == [tenant.green.pk, tenant.furniture.pk]
    assert cover.matrix() == [[1, 1], [0, 1], [1, 0]]
    amounts = figures.coverage(user=ceo, measure="amount")
    assert amounts.value(tenant.district9.pk, tenant.green.pk) == 1_000_000_000
    assert amounts.value(dealings.shandiz.pk, tenant.green.pk) == 0


def test_per_capita_and_per_hectare(tenant, dealings, ceo):
    rows = {r.municipality_id: (r.per_resident, r.per_hectare) for r in figures.per_capita(user=ceo)}
    assert rows == {
        dealings.shandiz.pk: (5_000, 100_000),  # 200,000,000 / 40,000 residents, / 2,000 ha
        tenant.district9.pk: (4_109, 340_909),  # 1,500,000,000 / 365,000, / 4,400 ha
        tenant.neyshabur.pk: (1_134, None),  # 300,000,000 / 264,375; its area is unknown
    }
    assert [r.municipality_id for r in figures.per_capita(user=ceo)][0] == dealings.shandiz.pk


def test_small_municipalities_share_and_its_trend(dealings, ceo):
    share = figures.small_share_by_month(user=ceo)
    assert (share.small_amount, share.amount, share.percent) == (200_000_000, 2_000_000_000, Decimal("10.0"))
    by_month = {m.month: m.percent for m in share.by_month}
    assert len(share.by_month) == 12
    assert by_month[dealings.m2] == Decimal("28.6")  # 200,000,000 of 700,000,000
    assert by_month[dealings.m1] == Decimal("0.0")
    assert by_month[current_month()] is None  # nothing ordered this month


def test_another_organization_sees_only_its_own(other_tenant, dealings):
    ceo = other_tenant.users["executive"]
    assert [(r.orders, r.amount) for r in figures.volume_by_municipality(user=ceo)] == [(1, 7_777_000_000)]
    assert figures.small_share_by_month(user=ceo).amount == 7_777_000_000
    assert figures.average_rating(user=ceo).rated == 0


@pytest.mark.parametrize("who", READERS)
def test_the_organizations_readers_see_the_same_figures(tenant, dealings, who):
    assert sum(r.amount for r in figures.volume_by_domain(user=tenant.users[who])) == 2_000_000_000


@pytest.mark.parametrize("who", NOT_READERS)
def test_other_roles_are_refused(tenant, dealings, who, client):
    with pytest.raises(PermissionDenied):
        figures.volume_by_municipality(user=tenant.users[who])
    client.force_login(tenant.users[who])
    assert client.get(DASHBOARD).status_code == 403


# ---------------------------------------------------------------- the page


def test_the_executive_home_is_the_dashboard(client, tenant, dealings, ceo):
    client.force_login(ceo)
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-months"' in html and 'id="chart-coverage"' in html and 'id="chart-levels"' in html
    assert 'data-amount="2000000000"' in html and "۲٬۰۰۰٬۰۰۰٬۰۰۰" in html
    assert 'data-percent="75.0"' in html and 'data-percent="50.0"' in html and 'data-rating="3.0"' in html
    assert "۷٬۷۷۷" not in html  # the other organization's order
    assert 'id="as-of"' in html and response.context["as_of"] is not None
    # every chart's table is one click away
    for chart, table in (("chart-months", "table-months"), ("chart-coverage", "table-coverage"),
                         ("chart-levels", "table-domains")):
        assert f'href="#{table}"' in html and f'id="{table}"' in html, chart


def test_the_page_keeps_to_the_home_budget(client, tenant, dealings, ceo):
    client.force_login(ceo)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    assert len(queries) <= 20


def test_a_domain_drills_down_to_its_needs_and_orders(client, tenant, dealings, ceo):
    client.force_login(ceo)
    context = client.get(DASHBOARD).context
    first = context["first_month"]
    domains = context["tables"]["domains"]
    green = next(i for i, row in enumerate(domains.table.rows) if row[0] == tenant.green.name)
    needs_link, _needs = domains.cells[green][1][1], domains.cells[green][1][0]
    assert needs_link == f"/needs/?domain={tenant.green.pk}&since={first}"
    needs = client.get(needs_link).context["page_obj"].paginator.count
    assert needs == 2 == domains.table.rows[green][1]  # A and C: not E (M13), not the draft
    orders_link = domains.cells[green][3][1]
    response = client.get(orders_link)
    assert {o.pk for o in response.context["page_obj"].object_list} == {dealings.orders["A"].pk,
                                                                         dealings.orders["C"].pk}


def test_a_month_drills_down_to_the_orders_placed_in_it(client, tenant, dealings, ceo):
    client.force_login(ceo)
    months = client.get(DASHBOARD).context["tables"]["months"]
    label = month_label(dealings.m2)
    index = next(i for i, row in enumerate(months.table.rows) if row[0] == label)
    link = months.cells[index][2][1]
    assert link == f"/commerce/orders/?month={dealings.m2}"
    orders = client.get(link).context["page_obj"].object_list
    assert {o.pk for o in orders} == {dealings.orders["B"].pk, dealings.orders["D"].pk}
    needs = client.get(months.cells[index][1][1]).context["page_obj"].paginator.count
    assert needs == months.table.rows[index][1] == 2


def test_a_municipality_drills_down_to_its_needs(client, tenant, dealings, ceo):
    client.force_login(ceo)
    table = client.get(DASHBOARD).context["tables"]["municipalities"]
    assert table.cells[0][0][1] == f"/directory/municipalities/{tenant.district9.pk}/"
    count = client.get(table.cells[0][1][1]).context["page_obj"].paginator.count
    assert count == table.table.rows[0][1] == 2


def test_links_are_shown_only_where_they_open(client, tenant, dealings):
    """The finance officer reads the dashboard; every list it links opens for it."""
    client.force_login(tenant.users["finance"])
    tables = client.get(DASHBOARD).context["tables"]
    for shown in tables.values():
        for row in shown.cells:
            for _value, href in row:
                if href:
                    assert client.get(href).status_code == 200, href


@pytest.mark.parametrize("key", ["municipalities", "domains", "months", "coverage", "savings"])
def test_every_table_exports_the_rows_it_shows(client, tenant, dealings, ceo, key):
    client.force_login(ceo)
    shown = client.get(DASHBOARD).context["tables"][key]
    response = client.get(f"{DASHBOARD}?export={key}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{key}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row[0] == str(shown.table.columns[0].label))
    assert values[header] == [str(c.label) for c in shown.table.columns]
    written = values[header + 1:header + 1 + len(shown.table.rows)]
    body = [[None if v in ("", None) else v for v in row] for row in written]

    def plain(value):
        return float(value) if isinstance(value, Decimal) else value

    assert body == [[plain(v) for v in row] for row in shown.table.rows]


def test_the_domains_sheet_holds_the_hand_worked_figures(client, tenant, dealings, ceo):
    client.force_login(ceo)
    response = client.get(f"{DASHBOARD}?export=domains")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True)}
    assert rows[tenant.green.name] == (2, 0, 2, 1_300_000_000, 100, 100)
    assert rows[tenant.lighting.name][:4] == (1, 1, 0, 0)


def test_an_unknown_export_is_404(client, dealings, ceo):
    client.force_login(ceo)
    assert client.get(f"{DASHBOARD}?export=nothing").status_code == 404


def test_the_dashboard_with_no_dealings_still_renders(client, tenant, ceo):
    client.force_login(ceo)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["as_of"] is None
    assert "No dealings" in response.content.decode() or "معامله‌ای نبوده" in response.content.decode()


def test_the_receivables_page_draws_the_aging_with_its_table(client, tenant):
    client.force_login(tenant.users["finance"])
    html = client.get(reverse("finance:statement_list")).content.decode()
    assert 'id="chart-aging"' in html and 'href="#aging-table"' in html and 'id="aging-table"' in html
