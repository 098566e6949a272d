"""In a real browser, the demo's District 9 clerk opens the municipality's dashboard from the home page
and sees its figures, Persian and right to left, on a desktop and on a phone (screenshots saved to
test-output/browser/)."""

import io
import os
import shutil

import pytest
from django.core.management import call_command

from hamyar.accounts.models import User
from hamyar.directory.demo.users import DEMO_PASSWORD
from hamyar.directory.models import Organization
from hamyar.insights.models import MunicipalityMonth
from hamyar.insights.services.rollups import rebuild
from hamyar.web.tests.test_browser import SCREENSHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="Chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_district9_clerk_opens_the_dashboard_from_the_home(live_server, browser_page, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())
    for organization in Organization.objects.all():
        rebuild(organization.pk)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "district9")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("#open-dashboard")
    page.wait_for_url("**/insights/municipality/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "منطقه ۹ مشهد" in page.inner_text("h1")
    clerk = User.objects.get(username="district9")
    district9 = MunicipalityMonth.objects.filter(municipality_id=clerk.membership.municipality_id)
    orders = sum(district9.values_list("orders", flat=True))
    assert orders > 0  # the demo has dealings to show
    shown = int(page.get_attribute("#total-orders", "data-value"))
    assert shown <= orders  # the last twelve months of them
    assert page.locator("#compare-clocks").is_visible()
    assert page.locator("#table-months tbody tr").count() == 12
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-district9.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "dashboard-district9-phone.png"), full_page=True)
