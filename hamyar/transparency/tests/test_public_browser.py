"""The public page in a real browser, signed out: from the transparency page to the organization's
processes, a search for District 9's bench purchase typed with Arabic letters, and its timeline from the
need to the payments; at desktop and phone width, without scrolling sideways. Screenshots are saved in
test-output/browser/public-*.png."""

import io
import os
import shutil

import pytest
from django.core.management import call_command

from hamyar.web.tests.test_browser import CHROMIUM, LAUNCH_ARGS, SCREENSHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


@pytest.mark.django_db(transaction=True)
def test_a_visitor_finds_the_bench_purchase_and_follows_its_timeline(live_server, tmp_path, settings):
    from playwright.sync_api import expect, sync_playwright

    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for width, name in ((1366, "desktop"), (390, "phone")):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="fa-IR")
            page = context.new_page()
            page.goto(f"{live_server.url}/transparency/")
            assert "/accounts/" not in page.url  # no sign-in asked
            expect(page.locator("#figure-volume")).to_contain_text("ریال")
            page.screenshot(path=str(SCREENSHOTS / f"public-index-{name}.png"), full_page=True)
            page.click("#processes-khorasan-razavi")
            page.wait_for_url("**/transparency/khorasan-razavi/processes/")
            page.fill("input[name=q]", "نيمكت وكيل")  # Arabic yeh and kaf, as some keyboards type them
            page.keyboard.press("Enter")
            row = page.locator("#process-N-1405-00001")
            expect(row).to_be_visible()
            expect(page.locator("#processes tbody tr")).to_have_count(1)
            expect(row).to_contain_text("منطقه ۹ مشهد")
            page.screenshot(path=str(SCREENSHOTS / f"public-search-{name}.png"), full_page=True)
            row.get_by_role("link").click()
            page.wait_for_url("**/processes/ocds-*-N-1405-00001/")
            expect(page.locator("h1")).to_contain_text("نیمکت پارکی")
            steps = page.locator("#timeline > li")
            expect(steps).to_have_count(9)
            expect(steps.first).to_contain_text("نیاز ثبت شد")
            expect(steps.nth(2)).to_contain_text("صنایع مبلمان شهری پارسه")
            expect(steps.last).to_contain_text("پرداخت")
            expect(page.locator("#process-stage")).to_have_text("پایان‌یافته")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(SCREENSHOTS / f"public-timeline-{name}.png"), full_page=True)
            context.close()
        browser.close()
