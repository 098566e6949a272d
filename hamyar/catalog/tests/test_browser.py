"""Live search in a browser: District 9 types «نيمكت» with Arabic ي and ك and sees the Persian benches."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from conftest import PASSWORD

from .catalog_data import build_catalog

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# fixtures happen outside it, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "browser"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
        yield context.new_page()
        context.close()
        browser.close()


def test_municipality_user_types_arabic_letters_and_sees_the_persian_results(live_server, tenant, page):
    catalog = build_catalog(tenant)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", tenant.users["district9"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/catalog/")
    page.wait_for_load_state("networkidle")
    assert "نیمکت پارکی فلزی" in page.inner_text("#search-results")
    assert "کاشت نهال" in page.inner_text("#search-results")  # every offered item before typing

    # Typed key by key, as a clerk with an Arabic keyboard layout would: ي (U+064A) and ك (U+0643).
    page.locator("#id_q").press_sequentially("نيمكت", delay=80)
    page.wait_for_function(
        "() => !document.querySelector('#search-results')?.innerText.includes('کاشت نهال')"
    )
    results = page.inner_text("#search-results")
    assert "نیمکت پارکی فلزی" in results and "نیمکت بتنی" in results
    assert "چراغ خیابانی" not in results  # the supplier whose agreement expired stays hidden
    assert "۲" in page.inner_text("#result-count")
    # The page was updated in place (HTMX), and its address keeps the query for the back button.
    assert "q=" in page.url
    assert page.evaluate("document.activeElement.id") == "id_q"
    assert page.get_attribute("html", "dir") == "rtl"
    assert catalog.lamp.name not in page.content()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "catalog-live-search-district9.png"), full_page=True)
