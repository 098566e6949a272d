"""In a real browser, the demo's CEO lands on the executive dashboard, reads a domain's needs, follows
the figure to the needs list, and finds that domain's needs there, as many as the figure said."""

import io
import shutil

import pytest
from django.core.management import call_command

from hamyar.directory.demo.users import DEMO_PASSWORD
from hamyar.web.tests.test_browser import CHROMIUM, LAUNCH_ARGS, SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


@pytest.mark.django_db(transaction=True)
def test_the_ceo_drills_from_a_domain_into_its_needs(live_server, tmp_path, settings):
    from playwright.sync_api import sync_playwright

    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())
    call_command("rebuild_rollups", stdout=io.StringIO())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "ceo")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.wait_for_load_state("networkidle")
        assert page.is_visible("#chart-months") and page.is_visible("#chart-coverage")
        assert page.is_visible("#as-of")
        page.screenshot(path=str(SCREENSHOTS / "dashboard-ceo.png"), full_page=True)

        # the first domain of the table (the largest amount), its needs figure and link
        row = page.locator("#table-domains tbody tr").first
        domain = row.locator("th").inner_text().strip()
        figure = row.locator("td").first.locator("a")
        count = int(figure.get_attribute("data-value"))
        assert count >= 1
        figure.click()
        page.wait_for_url("**/needs/?domain=*")
        page.wait_for_load_state("networkidle")
        rows = page.locator("#need-table tbody tr")
        assert rows.count() == count
        domains = {rows.nth(i).locator("td").nth(2).inner_text().strip() for i in range(rows.count())}
        assert domains == {domain}
        page.screenshot(path=str(SCREENSHOTS / "dashboard-ceo-domain-needs.png"), full_page=True)

        # on a phone the dashboard does not scroll sideways
        page.go_back()
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SCREENSHOTS / "dashboard-ceo-phone.png"), full_page=True)
        context.close()
        browser.close()
