"""In a browser: District 9's finance officer opens its statement, picks a Jalali month, sees the
opening and closing balances and the month's rows, and downloads the statement as a PDF."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import PASSWORD, make_user
from hamyar.core.jalali import format_jalali_date, to_jalali
from hamyar.core.money import group_thousands
from hamyar.core.roles import MunicipalPost, Role
from hamyar.core.text import to_persian_digits
from hamyar.finance import services
from hamyar.finance.statement import jalali_month

from .finance_data import issued_invoice

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
def browser_context():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR",
                                      accept_downloads=True)
        yield context
        context.close()
        browser.close()


def rial(amount: int) -> str:
    return group_thousands(amount, persian_digits=True)


def test_district9_finance_opens_its_statement_for_a_jalali_month_and_downloads_the_pdf(
        live_server, tenant, browser_context, tmp_path):
    officer = make_user(tenant.org, "kr-d9-finance", Role.MUNICIPALITY_USER, municipality=tenant.district9,
                        post=MunicipalPost.FINANCE)
    # Last month: an invoice from the month before it (the opening balance), one issued in the month,
    # and a part payment of the first.
    today = timezone.localdate()
    this_month = jalali_month(to_jalali(today).year, to_jalali(today).month)
    last = to_jalali(this_month[0] - dt.timedelta(days=1))
    start, end = jalali_month(last.year, last.month)
    older = issued_invoice(tenant, issue_date=start - dt.timedelta(days=5),
                           due_date=start + dt.timedelta(days=10))
    newer = issued_invoice(tenant, issue_date=start + dt.timedelta(days=3))
    services.payment_record(invoice=older, acting_user=tenant.users["finance"], amount=2_000_000_000,
                            paid_on=start + dt.timedelta(days=6), reference="SATNA-4410")
    closing = older.total + newer.total - 2_000_000_000

    page = browser_context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # The navigation's «Our statement» opens this month's statement.
    page.click("nav.app-sidebar a[href='/finance/statement/']")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "dir") == "rtl"
    assert to_persian_digits(format_jalali_date(this_month[0])) in page.inner_text("#statement-range")

    # Pick last month in the month picker: the statement is replaced in place (HTMX).
    page.select_option("#id_month", f"{last.year:04d}/{last.month:02d}")
    first_day = format_jalali_date(start)
    page.wait_for_function(
        "(day) => document.querySelector('#statement-range')?.innerText.includes(day)", arg=first_day)
    assert format_jalali_date(end) in page.inner_text("#statement-range")
    assert "month=" in page.url
    assert rial(older.total) in page.inner_text("#opening-balance")
    assert rial(closing) in page.inner_text("#closing-balance")
    rows = page.inner_text("#movements")
    assert to_persian_digits(newer.number) in rows and "SATNA-۴۴۱۰" in rows
    assert page.locator("#movements tr.movement").count() == 2

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "finance-statement-district9.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("#statement-pdf")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    j_start = format_jalali_date(start, persian_digits=False).replace("/", "")
    assert j_start in download.suggested_filename

    # Its invoice page, for the record.
    page.click(f"#movements a:has-text('{to_persian_digits(newer.number)}')")
    page.wait_for_load_state("networkidle")
    assert rial(newer.total) in page.inner_text("#total")
    page.screenshot(path=str(SCREENSHOTS / "finance-invoice-district9.png"), full_page=True)
