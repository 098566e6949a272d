"""Provider scorecards from the rollup cells: the represented supplier's last twelve months on
`dealings_data` counted by hand — volume month by month, on-time, average rating, complaints (ratings
of 2 or less and rejected deliveries), the trend of the last six months against the six before and its
agreement's end — on the scorecard page, in its API and in the officers' sortable list with its Excel
export; a supplier sees its own scorecard only, another organization nothing."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from hamyar.commerce.tests.complaint_data import answered_complaint, file_complaint
from hamyar.core.errors import NotFound, PermissionDenied
from hamyar.insights import selectors

from .dealings_data import build_dealings, total

LIST = "/commerce/scorecards/"


@pytest.fixture
def dealings(tenant, other_tenant):
    return build_dealings(tenant, other_tenant)


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fa")
    client.force_login(user)
    return client


def scorecard_url(provider) -> str:
    return f"/commerce/providers/{provider.pk}/scorecard/"


def test_the_suppliers_figures_counted_by_hand(tenant, dealings):
    figures = selectors.provider_figures(user=tenant.users["commerce"], provider=tenant.supplier)
    assert (figures.orders, figures.amount) == (4, total(40) + total(10) + total(5) + total(20))
    assert figures.amount == 15_444_000_000
    assert (figures.closed, figures.on_time, figures.on_time_percent) == (3, 2, Decimal("66.7"))
    assert (figures.rated, figures.score_sum, figures.average) == (3, 11, Decimal("3.67"))
    assert (figures.low_ratings, figures.rejected_deliveries, figures.complaints) == (1, 1, 2)
    # Order 4 was placed 240 days ago, in the earlier six months; the other three in the last six.
    assert figures.recent_amount == total(40) + total(10) + total(5) == 11_325_600_000
    assert figures.earlier_amount == total(20) == 4_118_400_000
    assert figures.trend == "up" and figures.trend_percent == Decimal("175.0")
    assert figures.agreement_ends_on == tenant.agreement.ends_on
    by_month = {m.month: (m.orders, m.amount) for m in figures.months}
    assert len(figures.months) == 12
    assert by_month[dealings.month(dealings.order1)] == (2, total(40) + total(5))
    assert by_month[dealings.month(dealings.order2)] == (1, total(10))
    assert by_month[dealings.month(dealings.order4)] == (1, total(20))
    assert sum(orders for orders, _ in by_month.values()) == 4


def test_the_scorecards_counts_over_all_time_counted_by_hand(tenant, dealings):
    """Summed from the orders' facts: 4 orders, order 3 open, 3 closed; 3 deliveries received (orders 1,
    2, 4) and order 3's rejected; ratings 4, 2 and 5. District 9 counts only its own three orders."""
    card = selectors.provider_scorecard(user=tenant.users["commerce"], provider=tenant.supplier)
    assert (card.orders, card.open, card.closed) == (4, 1, 3)
    assert (card.deliveries_received, card.deliveries_rejected) == (3, 1)
    assert card.score_counts == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    mine = selectors.provider_scorecard(user=tenant.users["district9"], provider=tenant.supplier)
    assert (mine.orders, mine.open, mine.closed, mine.deliveries_received) == (3, 1, 2, 2)
    assert mine.score_counts == {5: 0, 4: 1, 3: 0, 2: 1, 1: 0}


def test_a_provider_without_dealings_has_no_made_up_figures(tenant, dealings):
    figures = selectors.provider_figures(user=tenant.users["commerce"], provider=tenant.affiliate)
    assert (figures.orders, figures.amount, figures.complaints) == (0, 0, 0)
    assert figures.on_time_percent is None and figures.average is None and figures.trend is None
    assert figures.agreement_ends_on is None  # a staff unit or company has no agency agreement
    expired = selectors.provider_figures(user=tenant.users["commerce"], provider=tenant.other_supplier)
    assert expired.agreement_ends_on == tenant.expired_agreement.ends_on


def test_the_scorecard_page_shows_the_last_twelve_months(tenant, dealings):
    html = client_of(tenant.users["commerce"]).get(scorecard_url(tenant.supplier)).content.decode()
    assert 'id="months-orders" data-value="4"' in html
    assert 'id="months-on-time" data-value="66.7"' in html
    assert 'id="months-rating" data-value="3.67"' in html
    assert 'id="months-complaints" data-value="2"' in html
    assert 'id="months-trend" data-value="up"' in html
    assert html.count("<tr>") >= 12  # a row per month


def test_a_supplier_sees_its_own_scorecard_only(tenant, other_tenant, dealings):
    supplier = client_of(tenant.users["supplier"])
    own = supplier.get(scorecard_url(tenant.supplier)).content.decode()
    assert 'id="months-orders" data-value="4"' in own
    assert supplier.get(scorecard_url(tenant.other_supplier)).status_code == 404
    assert supplier.get(LIST).status_code == 403
    with pytest.raises(NotFound):
        selectors.provider_scorecard_get(user=other_tenant.users["commerce"], pk=tenant.supplier.pk)
    assert client_of(other_tenant.users["commerce"]).get(scorecard_url(tenant.supplier)).status_code == 404
    # The other organization's supplier counts only its own organization's order.
    theirs = selectors.provider_figures(user=other_tenant.users["commerce"], provider=other_tenant.supplier)
    assert (theirs.orders, theirs.low_ratings) == (1, 1)


def test_the_api_keeps_its_fields_and_adds_the_last_twelve_months(tenant, dealings):
    response = client_of(tenant.users["supplier"]).get(
        f"/api/v1/commerce/providers/{tenant.supplier.pk}/scorecard")
    assert response.status_code == 200
    card = response.json()
    assert {"provider", "average", "rated", "on_time_rate", "orders", "open", "closed", "deliveries_received",
            "deliveries_rejected", "score_counts", "ratings"} <= set(card)
    months = card["last_months"]
    assert (months["orders"], months["amount"], months["complaints"], months["trend"]) == (
        4, 15_444_000_000, 2, "up")
    assert months["on_time_percent"] == 66.7 and months["average"] == 3.67
    assert months["agreement_ends_on"] == tenant.agreement.ends_on.isoformat()
    assert len(months["months"]) == 12 and sum(m["orders"] for m in months["months"]) == 4


def test_the_list_has_every_provider_with_its_figures(tenant, dealings):
    rows, sort = selectors.provider_scorecards(user=tenant.users["executive"])
    assert sort == "-amount"
    assert [f.provider for f in rows][0] == tenant.supplier  # the largest volume first
    assert {f.provider for f in rows} == {tenant.staff_unit, tenant.affiliate, tenant.supplier,
                                          tenant.other_supplier}
    first = rows[0]
    assert (first.orders, first.amount, first.complaints, first.trend) == (4, 15_444_000_000, 2, "up")
    with pytest.raises(PermissionDenied):
        selectors.provider_scorecards(user=tenant.users["finance"])


@pytest.mark.parametrize(("sort", "first"), [("name", "other_supplier"), ("-name", "supplier"),
                                             ("-complaints", "supplier"), ("rating", "supplier"),
                                             ("agreement", "other_supplier"), ("-agreement", "supplier")])
def test_the_list_sorts_by_its_sort_parameter(tenant, dealings, sort, first):
    """Names: روشنایی پارس < شرکت فضای سبز همیار < معاونت بازرگانی < نیمکت‌سازان توس. A provider without
    the figure (no rating, no agreement) comes last either way."""
    html = client_of(tenant.users["commerce"]).get(f"{LIST}?sort={sort}").content.decode()
    order = [p for p in ("staff_unit", "affiliate", "supplier", "other_supplier")
             if f'id="provider-{getattr(tenant, p).pk}"' in html]
    assert len(order) == 4
    positions = sorted(order, key=lambda p: html.index(f'id="provider-{getattr(tenant, p).pk}"'))
    assert positions[0] == first, positions
    if sort in ("agreement", "-agreement"):
        assert set(positions[2:]) == {"staff_unit", "affiliate"}  # no agreement: last
    assert f'aria-sort="{"descending" if sort.startswith("-") else "ascending"}"' in html


def test_an_unknown_sort_falls_back_to_volume(tenant, dealings):
    rows, sort = selectors.provider_scorecards(user=tenant.users["commerce"], sort="drop table")
    assert sort == "-amount" and rows[0].provider == tenant.supplier


def test_the_list_is_for_officers_and_links_each_scorecard(tenant, other_tenant, dealings):
    for who in ("admin", "commerce", "executive"):
        response = client_of(tenant.users[who]).get(LIST)
        assert response.status_code == 200, who
        assert f'href="{scorecard_url(tenant.supplier)}"' in response.content.decode()
    for who in ("finance", "supplier", "project_manager", "district9"):
        assert client_of(tenant.users[who]).get(LIST).status_code == 403, who
    theirs = client_of(other_tenant.users["commerce"]).get(LIST).content.decode()
    assert f'id="provider-{tenant.supplier.pk}"' not in theirs
    assert f'id="provider-{other_tenant.supplier.pk}"' in theirs


def test_the_list_exports_its_rows(tenant, dealings):
    response = client_of(tenant.users["commerce"]).get(f"{LIST}?sort=-amount&export=scorecards")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    found = [row for row in rows if row[0] == tenant.supplier.name]
    assert found, rows[:3]
    row = found[0]
    assert row[2:4] == [4, 15_444_000_000] and row[6:9] == [1, 1, 2] and row[9:11] == [11_325_600_000,
                                                                                       4_118_400_000]


def test_complaints_filed_about_the_supplier_count_on_its_scorecard(tenant, dealings):
    file_complaint(tenant, dealings.order1)  # filed: officers count it at once
    answered_complaint(tenant, dealings.order2)
    officer = selectors.provider_figures(user=tenant.users["commerce"], provider=tenant.supplier)
    assert (officer.filed_complaints, officer.complaints) == (2, 1 + 1 + 2)
    # The supplier sees a complaint about it once it is answered, as on the complaints list.
    own = selectors.provider_figures(user=tenant.users["supplier"], provider=tenant.supplier)
    assert own.filed_complaints == 1
