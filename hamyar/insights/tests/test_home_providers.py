"""The project manager's and the supplier's homes show their work: each count links to the list it
counts, and opening that link as the same user shows exactly that many rows; another organization's
rows and another provider's never count."""

import datetime as dt
import os
import re
import shutil
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.services import (
    LineInput,
    delivery_record,
    quotation_create,
    receipt_reject,
)
from hamyar.commerce.tests.factories import assigned_need
from hamyar.commerce.tests.order_data import placed_order
from hamyar.finance.services import commission_calculate
from hamyar.finance.tests.finance_data import open_order
from hamyar.projects.choices import ConstraintStatus, ProjectStatus
from hamyar.projects.models import ProjectConstraint
from hamyar.projects.tests.project_data import vakilabad_project
from hamyar.web.tests.pool_data import group_purchase

LINKED = re.compile(r'<a [^>]*href="([^"]+)"[^>]*data-count="(\d+)"|<a [^>]*href="([^"]+)" data-state="[^"]*"'
                    r' data-count="(\d+)"')


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def projects_of(tenant, today):
    """The affiliated company's projects: one late by a milestone, one blocked, one just planned; and a
    late project of the supplier (not the project manager's)."""
    late = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, start=today - dt.timedelta(days=60),
                             title="پروژه عقب‌افتاده")
    blocked = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, start=today, title="پروژه متوقف")
    ProjectConstraint.objects.create(organization=tenant.org, project=blocked.project, kind="traffic",
                                     title="طرح ترافیک", owner="پلیس راهور", status=ConstraintStatus.BLOCKING)
    vakilabad_project(tenant, status=ProjectStatus.PLANNING, start=today, title="پروژه در برنامه")
    vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, start=today - dt.timedelta(days=60),
                      provider=tenant.supplier, title="پروژه تأمین‌کننده")
    return late, blocked


def supplier_rows(tenant, catalog):
    """The supplier's work: a need to quote and a draft quotation, orders placed and in fulfilment, a
    rejected delivery, a group purchase and a commission settlement."""
    assigned_need(tenant, catalog)
    need = assigned_need(tenant, catalog)
    line = LineInput(need_line=need.lines.get(), unit_price=9_000_000, price_reason="تخفیف")
    quotation_create(need=need, acting_user=tenant.users["supplier"], lines=[line])
    placed_order(tenant, catalog, quantity=5)
    order = open_order(tenant, catalog, quantity=10)
    line = order.lines.get()
    delivery = delivery_record(order=order, acting_user=tenant.users["supplier"], quantities={line.pk: 4},
                               delivered_on=timezone.localdate())
    receipt_reject(delivery=delivery, acting_user=tenant.users["district9"], reason="رنگ نیمکت‌ها متفاوت است")
    group_purchase(tenant, catalog, 0)
    commission_calculate(agreement=tenant.agreement, acting_user=tenant.users["finance"],
                         period_start=tenant.agreement.starts_on, period_end=tenant.agreement.starts_on)
    placed_order(tenant, catalog, quantity=3, provider=tenant.affiliate)  # not the supplier's


def list_length(response) -> int:
    """How many rows the list page shows: its paginator's count, or the commission settlements."""
    context = response.context
    if "page_obj" in context:
        return context["page_obj"].paginator.count
    return len(context["settlements"])


def linked_counts(html: str) -> list[tuple[str, int]]:
    found = []
    for match in LINKED.finditer(html):
        href, count = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        found.append((unescape(href), int(count)))
    return found


def check_every_count_equals_its_list(client: Client) -> dict[str, int]:
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    counts = linked_counts(home.content.decode())
    assert counts, "the home links no count"
    for href, count in counts:
        response = client.get(href)
        assert response.status_code == 200, href
        assert list_length(response) == count, href
    return dict(counts)


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def test_the_project_managers_home_counts_equal_the_filtered_lists(tenant, other_tenant, catalog):
    today = timezone.localdate()
    late, blocked = projects_of(tenant, today)
    vakilabad_project(other_tenant, status=ProjectStatus.IN_PROGRESS, start=today - dt.timedelta(days=60))
    assigned_need(tenant, catalog, provider=tenant.affiliate)
    counts = check_every_count_equals_its_list(session(tenant.users["project_manager"]))
    projects = reverse("projects:project_list")
    assert counts[f"{projects}?late=1"] == 1
    assert counts[f"{projects}?blocked=1"] == 1
    assert counts[projects] == 3  # its own three, not the supplier's nor another organization's
    assert counts[f"{projects}?status=in_progress"] == 2 and counts[f"{projects}?status=planning"] == 1
    assert counts[reverse("needs:work_queue")] == 1


def test_the_project_managers_home_lists_its_late_milestones_and_blocking_constraints(tenant, catalog):
    today = timezone.localdate()
    late, blocked = projects_of(tenant, today)
    html = session(tenant.users["project_manager"]).get(reverse("web:home")).content.decode()
    milestones = html[html.index('id="late-milestones"'):html.index('id="blocking-constraints"')]
    assert "طراحی و اخذ مجوزها" in milestones and "پروژه عقب‌افتاده" in milestones
    assert "پروژه تأمین‌کننده" not in html  # the supplier's late project
    assert "طرح ترافیک" in html[html.index('id="blocking-constraints"'):]


def test_the_suppliers_home_counts_equal_the_filtered_lists(tenant, other_tenant, catalog):
    supplier_rows(tenant, catalog)
    supplier_rows(other_tenant, build_catalog(other_tenant))
    client = session(tenant.users["supplier"])
    counts = check_every_count_equals_its_list(client)
    orders = reverse("commerce:order_list")
    assert counts[reverse("needs:work_queue")] == 4  # two to quote, and the two ordered needs (approved)
    assert counts[reverse("commerce:quotation_list") + "?status=draft"] == 1
    assert counts[f"{orders}?status=placed"] == 1
    assert counts[f"{orders}?status=in_fulfilment"] + counts[f"{orders}?status=partially_delivered"] == 1
    assert counts[reverse("commerce:group_purchase_list")] == 1
    assert counts[reverse("finance:commission_list")] == 1
    html = client.get(reverse("web:home")).content.decode()
    rejected = html[html.index('id="rejected-deliveries"'):]
    assert 'data-count="1"' in rejected and "رنگ نیمکت‌ها متفاوت است" in rejected


def test_a_supplier_with_no_work_sees_zeros(tenant, catalog):
    supplier_rows(tenant, catalog)
    from conftest import make_user
    from hamyar.core.roles import Role

    other = make_user(tenant.org, "other-supplier-user", Role.SUPPLIER_USER, provider=tenant.other_supplier)
    counts = check_every_count_equals_its_list(session(other))
    assert set(counts.values()) == {0}


# ---------------------------------------------------------------- in the browser

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}")
def test_in_the_browser_each_providers_home_count_equals_its_list(live_server, tenant, catalog, tmp_path):
    """The project manager and the supplier sign in; a count on the home, followed, shows as many rows."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    projects_of(tenant, timezone.localdate())
    supplier_rows(tenant, catalog)
    shots = tmp_path / "provider-homes"
    shots.mkdir()
    checks = (("project_manager", "#late-projects a"), ("supplier", "#draft-quotations a"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for who, selector in checks:
            for width in (1366, 390):
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="fa-IR")
                page = context.new_page()
                page.goto(f"{live_server.url}/accounts/login/")
                page.fill("input[name=username]", tenant.users[who].username)
                page.fill("input[name=password]", PASSWORD)
                page.click("#login-form button[type=submit]")
                page.wait_for_url(f"{live_server.url}/")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(shots / f"{who}-{width}.png"), full_page=True)
                count = int(page.get_attribute(selector, "data-count"))
                assert count == 1
                with page.expect_navigation():
                    page.click(selector)
                rows = page.locator("#results tbody tr, #results .list-group-item").count()
                assert rows == count, (who, page.url)
                page.context.close()
        browser.close()
    print(f"screenshots: {shots}")
