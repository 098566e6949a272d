"""The shell in a real browser: headless Chromium signs in as District 9 and sees its Persian home page."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import CHROMIUM, LAUNCH_ARGS, PASSWORD  # noqa: F401  (used by other browser tests)
from hamyar.core.jalali import format_jalali_date

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# fixtures happen outside it, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "browser"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


def sign_in(page, live_server, username: str) -> list[str]:
    """Sign in through the login form; returns the static files that failed to load."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if "/static/" in r.url and r.status >= 400 else None)
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    return failed


def test_district9_user_signs_in_and_sees_the_persian_rtl_home(live_server, tenant, browser_page):
    page = browser_page
    failed = sign_in(page, live_server, tenant.users["district9"].username)

    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    today = format_jalali_date(timezone.localdate(), long=True)
    assert today in page.inner_text("#today")
    assert "منطقه ۹ مشهد" in page.inner_text("h1")
    assert page.is_visible("#new-need")  # the home is its work: a need starts here
    # The CSS and the font really loaded: Bootstrap's RTL sheet lays out the header, Vazirmatn renders.
    assert failed == []
    assert page.evaluate("getComputedStyle(document.querySelector('.app-header')).display") == "flex"
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'همیار')")
    assert "Vazirmatn" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # RTL: the side navigation sits on the right of the content.
    nav_x = page.evaluate("document.querySelector('.app-sidebar').getBoundingClientRect().x")
    main_x = page.evaluate("document.querySelector('.app-main').getBoundingClientRect().x")
    assert nav_x > main_x

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-district9.png"), full_page=True)


def test_live_search_updates_the_results_without_reloading(live_server, tenant, browser_page):
    page = browser_page
    sign_in(page, live_server, tenant.users["commerce"].username)
    page.goto(f"{live_server.url}/directory/municipalities/")
    page.evaluate("window.__same_document = true")
    page.fill("input[name=q]", "نيشابور")  # typed with an Arabic yeh
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
    assert "نیشابور" in page.inner_text("#results")
    assert page.evaluate("window.__same_document") is True  # HTMX swapped the fragment only
    assert "q=" in page.url  # and pushed the search into the address bar


def test_language_switch_turns_the_shell_english_and_left_to_right(live_server, tenant, browser_page):
    page = browser_page
    sign_in(page, live_server, tenant.users["district9"].username)
    page.click(".lang-switch button[value=en]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.get_attribute("html", "lang") == "en"
    assert "Sign out" in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-district9-en.png"), full_page=True)
