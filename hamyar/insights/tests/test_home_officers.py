"""The commerce and finance officers' homes are their work: each count links to the list it counts,
and that list, opened by the same user, shows exactly that many rows; another organization's officer
sees none of them."""

import datetime as dt
import os
import re
import shutil

import pytest
from django.utils import timezone

from conftest import PASSWORD
from hamyar.commerce.choices import QuotationStatus
from hamyar.commerce.models import Quotation
from hamyar.commerce.tests.group_data import bench_pool
from hamyar.commerce.tests.order_data import approved_quotation
from hamyar.directory.models import AgencyAgreement
from hamyar.finance.choices import SettlementStatus
from hamyar.finance.models import CommissionSettlement
from hamyar.finance.tests.finance_data import (
    issued_invoice,
    received_delivery,
    requested_payment,
    tenant_catalog,
)
from hamyar.insights import selectors
from hamyar.needs.models import Need
from hamyar.needs.tests.helpers import project_need, submitted

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)
WORK = re.compile(r'href="([^"]+)" data-work="([^"]+)"')
COUNT = re.compile(r'data-work="([^"]+)"[^>]*>.*?data-count="(\d+)"', re.S)

COMMERCE_KEYS = {"triage", "overdue", "awaiting-deputy", "sent", "pools", "expiring", "gaps"}
FINANCE_KEYS = {"deliveries", "milestones", "overdue-invoices", "settle", "owing"}


@pytest.fixture
def commerce_rows(tenant):
    """Three submitted needs (one waiting three days: past the 24-hour triage clock), a capability gap,
    quotations awaiting the deputy, sent and awaiting the mayor (and an approved one, counted nowhere),
    a pool closing in five days, an agreement ending in a month."""
    catalog = tenant_catalog(tenant)
    for i in range(3):
        submitted(tenant, project_need(tenant, title=f"نیاز {i}"))
    late = Need.objects.filter(organization=tenant.org, status="submitted").order_by("pk").first()
    Need.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - 3 * DAY)
    Need.objects.filter(pk=project_need(tenant).pk).update(is_capability_gap=True)
    for status in (QuotationStatus.AWAITING_DEPUTY, QuotationStatus.AWAITING_DEPUTY, QuotationStatus.SENT,
                   QuotationStatus.AWAITING_MAYOR, QuotationStatus.APPROVED):
        quotation = approved_quotation(tenant, catalog)
        Quotation.objects.filter(pk=quotation.pk).update(status=status)
    bench_pool(tenant, catalog, days=5)
    AgencyAgreement.objects.filter(pk=tenant.agreement.pk).update(ends_on=TODAY() + 30 * DAY)
    return tenant


@pytest.fixture
def finance_rows(tenant):
    """A received delivery and a milestone's payment request not billed; an invoice 40 days overdue and
    one not yet due; a settlement to settle and one settled."""
    received_delivery(tenant, ordered=10)
    requested_payment(tenant)
    issued_invoice(tenant, issue_date=TODAY() - 70 * DAY, due_date=TODAY() - 40 * DAY)
    issued_invoice(tenant, issue_date=TODAY() - 2 * DAY, due_date=TODAY() + 28 * DAY)
    officer = tenant.users["finance"]
    for status, ends, settled in ((SettlementStatus.CALCULATED, 1, False),
                                  (SettlementStatus.SETTLED, 30, True)):
        CommissionSettlement.objects.create(
            organization=tenant.org, agreement=tenant.agreement, supplier=tenant.supplier,
            period_start=TODAY() - 60 * DAY, period_end=TODAY() - ends * DAY, sales_total=1_000_000,
            commission_percent=5, commission_amount=50_000, invoice_count=1, status=status,
            calculated_by=officer, settled_by=officer if settled else None,
            settled_on=TODAY() if settled else None, reference="R-1" if settled else "")
    return tenant


def _rows_shown(response) -> int:
    """How many rows the list page shows: its paginator's count, or the rows it was given."""
    context = response.context
    if "page_obj" in context:
        return context["page_obj"].paginator.count
    url = response.request["PATH_INFO"]
    fragment = response.wsgi_request.get_full_path()
    if url.endswith("/to-bill/"):
        return len(context["payment_requests" if "payment-requests" in fragment else "deliveries"])
    if url.endswith("/commissions/"):
        return len(context["settlements"])
    return len(context["rows"])


def _home_counts(client, user) -> dict[str, tuple[str, int]]:
    client.force_login(user)
    html = client.get("/").content.decode()
    counts = dict(COUNT.findall(html))
    return {key: (href, int(counts.get(key, -1))) for href, key in WORK.findall(html)}


def _check_each_count_is_its_list(client, user, keys) -> dict[str, int]:
    work = _home_counts(client, user)
    assert set(work) == keys
    seen = {}
    for key, (href, count) in work.items():
        if key == "owing":  # the receivables link: its count is in the link's text
            count = len(list(selectors.receivables_by_municipality(user=user)))
        path, _hash, anchor = href.partition("#")
        response = client.get(path)
        assert response.status_code == 200, href
        if anchor == "billable-payment-requests":
            shown = len(response.context["payment_requests"])
        elif anchor == "billable-deliveries":
            shown = len(response.context["deliveries"])
        else:
            shown = _rows_shown(response)
        assert shown == count, (key, href)
        seen[key] = count
    return seen


def test_commerce_counts_equal_their_lists(client, commerce_rows):
    seen = _check_each_count_is_its_list(client, commerce_rows.users["commerce"], COMMERCE_KEYS)
    assert seen == {"triage": 3, "overdue": seen["overdue"], "awaiting-deputy": 2, "sent": 1, "pools": 1,
                    "expiring": 1, "gaps": 1}
    assert seen["overdue"] >= 1  # the need past its triage clock (the quotations' needs may be late too)
    work = selectors.commerce_work(user=commerce_rows.users["commerce"])
    assert (work.triage_overdue, work.awaiting_mayor, work.pools_closing, work.gap_needs) == (1, 1, 1, 1)


def test_finance_counts_equal_their_lists(client, finance_rows):
    seen = _check_each_count_is_its_list(client, finance_rows.users["finance"], FINANCE_KEYS)
    # the two issued invoices' deliveries were billed: one delivery of 10 benches is left to bill
    assert seen == {"deliveries": 1, "milestones": 1, "overdue-invoices": 1, "settle": 1, "owing": 1}
    work = selectors.finance_work(user=finance_rows.users["finance"])
    aging = {key: amount for key, _label, amount in work.aging.rows}
    assert aging["d0_30"] > 0 and aging["d31_60"] > 0 and aging["d61_90"] == aging["d90_plus"] == 0


def test_another_organization_sees_none_of_it(client, commerce_rows, finance_rows, other_tenant):
    for role, keys in (("commerce", COMMERCE_KEYS), ("finance", FINANCE_KEYS)):
        seen = _check_each_count_is_its_list(client, other_tenant.users[role], keys)
        assert set(seen.values()) == {0}, role


def test_the_home_shows_no_link_a_user_cannot_open(client, tenant):
    """The finance officer opens no triage queue: the commerce home's links are the commerce officer's."""
    client.force_login(tenant.users["finance"])
    html = client.get("/").content.decode()
    assert "/needs/triage/" not in html and 'data-work="deliveries"' in html


# ---------------------------------------------------------------- in a browser

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.browser
@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}")
def test_officers_open_their_home_and_follow_a_count(live_server, commerce_rows, finance_rows, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = tmp_path / "officer-homes"
    shots.mkdir()
    print(f"\nscreenshots: {shots}")
    cases = (("commerce", "awaiting-deputy", "#results tbody tr"),
             ("finance", "overdue-invoices", "#results tbody tr"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for role, key, rows in cases:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", commerce_rows.users[role].username)
            page.fill("input[name=password]", PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            assert page.get_attribute("html", "dir") == "rtl"
            page.screenshot(path=str(shots / f"{role}-home.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(shots / f"{role}-home-phone.png"), full_page=True)
            page.set_viewport_size({"width": 1366, "height": 900})
            count = int(page.get_attribute(f"#work-{key} .stat-value", "data-count"))
            assert count > 0
            with page.expect_navigation():
                page.click(f"a[data-work='{key}']")
            page.wait_for_load_state("networkidle")
            assert page.locator(rows).count() == count, role
            page.screenshot(path=str(shots / f"{role}-{key}.png"), full_page=True)
            context.close()
        browser.close()
