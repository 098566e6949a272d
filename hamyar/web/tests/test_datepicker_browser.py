"""The Jalali date picker in a real browser: opened, moved and picked by keyboard, typed past, on a phone.

A municipality user writes a need and chooses its desired date without the mouse; what is stored is the
Jalali day the calendar showed. Screenshots go to test-output/browser/datepicker-*.png.
"""

import datetime as dt
import re
import shutil

import jdatetime
import pytest
from django.utils import timezone

from hamyar.core.jalali import MONTHS_FA, format_jalali_date, to_jalali
from hamyar.core.text import to_latin_digits
from hamyar.needs.models import Need
from hamyar.web.tests.test_browser import CHROMIUM, LAUNCH_ARGS, SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no Chromium at {CHROMIUM}")]

DAY_FOCUSED = "() => document.activeElement && document.activeElement.classList.contains('jdp-day')"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _page(browser, width: int = 1366, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fa-IR")
    return context.new_page()


def _focused_day(page) -> jdatetime.date:
    """The day that has the keyboard focus in the calendar, read from its accessible name (۱۵ دی ۱۴۰۵)."""
    name = to_latin_digits(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    day, month, year = re.fullmatch(r"(\d+) (\S+) (\d+)", name).groups()
    return jdatetime.date(int(year), MONTHS_FA.index(month) + 1, int(day))


def _next_month(day: jdatetime.date) -> jdatetime.date:
    """The same day a Jalali month later, or that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    after = jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)
    return jdatetime.date(year, month, min(day.day, (after - jdatetime.date(year, month, 1)).days))


def _save(page) -> None:
    page.click("#save-need")
    page.wait_for_load_state("load")
    errors = page.locator(".invalid-feedback, #form-errors")
    assert re.search(r"/needs/\d+/$", page.url), errors.all_inner_texts()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"datepicker-{name}.png"))


def _new_service_need(page, live_server, title: str, domain) -> None:
    page.goto(f"{live_server.url}/needs/new/")
    page.check("input[name=kind][value=service]")
    page.fill("input[name=title]", title)
    page.select_option("#id_domain", str(domain.pk))
    page.fill("#id_description", "هر هفته، در همه چمن‌های پارک.")


def test_the_desired_date_is_chosen_with_the_keyboard_alone(live_server, tenant, browser):
    page = _page(browser)
    sign_in(page, live_server, tenant.users["district9"].username)
    _new_service_need(page, live_server, "نگهداری فضای سبز پارک وکیل‌آباد", tenant.green)
    box = page.locator("#id_desired_date")
    # The box names the format and holds no sample date; the hint under it is tied to it.
    assert box.get_attribute("placeholder") == "سال/ماه/روز"
    assert page.inner_text("#id_desired_date_format").startswith("سال/ماه/روز")
    assert "id_desired_date_format" in box.get_attribute("aria-describedby")

    # Tab into the box: the calendar opens, right to left, in Persian; the box keeps the focus.
    page.focus("#id_budget_estimate")
    page.keyboard.press("Tab")
    popup = page.locator("jdp-container")
    popup.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "id_desired_date"
    assert box.get_attribute("aria-expanded") == "true" and box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-controls") == popup.get_attribute("id")
    assert popup.get_attribute("role") == "dialog" and popup.get_attribute("aria-label") == "انتخاب تاریخ"
    assert page.evaluate("getComputedStyle(document.querySelector('jdp-container')).direction") == "rtl"
    # Escape in the box closes the calendar and leaves the focus where it was.
    page.keyboard.press("Escape")
    popup.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "id_desired_date"
    today = to_jalali(timezone.localdate())
    months = page.locator("jdp-container .jdp-months select option").all_inner_texts()
    assert MONTHS_FA[today.month - 1] in months
    assert page.locator("jdp-container .jdp-day.today").inner_text() == format_jalali_date(
        timezone.localdate())[-2:].lstrip("۰")

    # ArrowDown enters the calendar on today; ArrowLeft is the next day (right to left), ArrowDown a week
    # later, PageDown a month later: 1 + 7 days and a month ahead, across month ends as they fall.
    page.keyboard.press("ArrowDown")
    page.wait_for_function(DAY_FOCUSED)
    assert _focused_day(page) == today
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    expected = _next_month(today + jdatetime.timedelta(days=8))
    assert _focused_day(page) == expected
    _shot(page, "keyboard")
    page.keyboard.press("Enter")
    popup.wait_for(state="hidden")
    # The pick is written in Persian digits and the focus is back in the box, the calendar closed.
    assert box.input_value() == format_jalali_date(expected.togregorian())
    assert page.evaluate("document.activeElement.id") == "id_desired_date"
    assert box.get_attribute("aria-expanded") == "false"

    # Escape closes without picking and leaves the focus in the box.
    page.keyboard.press("ArrowDown")
    page.wait_for_function(DAY_FOCUSED)
    assert _focused_day(page) == expected  # the calendar opens on the box's date
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    popup.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "id_desired_date"
    assert box.input_value() == format_jalali_date(expected.togregorian())

    _save(page)
    assert Need.objects.get().desired_date == expected.togregorian()


def test_a_typed_date_is_kept_and_the_english_page_has_latin_digits(live_server, tenant, browser):
    page = _page(browser)
    sign_in(page, live_server, tenant.users["district9"].username)
    _new_service_need(page, live_server, "تعمیر روشنایی پارک کوه", tenant.green)
    wanted = timezone.localdate() + dt.timedelta(days=40)
    typed = to_jalali(wanted)
    page.click("#id_desired_date")
    page.locator("jdp-container").wait_for(state="visible")
    page.keyboard.type(f"{typed.year}/{typed.month}/{typed.day}")  # no leading zeros, Latin digits
    assert page.input_value("#id_desired_date") == f"{typed.year}/{typed.month}/{typed.day}"
    _save(page)
    assert Need.objects.get().desired_date == wanted

    # Across the year's end, from a date typed in Persian digits: the calendar follows the box.
    page.goto(f"{live_server.url}/needs/new/")
    box = page.locator("#id_desired_date")
    box.focus()
    page.keyboard.type("۱۴۰۵/۱۲/۲۹")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(DAY_FOCUSED)
    assert _focused_day(page) == jdatetime.date(1405, 12, 29)
    page.keyboard.press("ArrowLeft")
    assert _focused_day(page) == jdatetime.date(1406, 1, 1)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+PageUp")
    assert _focused_day(page) == jdatetime.date(1404, 12, 29)
    page.keyboard.press("ArrowUp")
    assert _focused_day(page) == jdatetime.date(1404, 12, 22)
    page.keyboard.press("Home")
    assert _focused_day(page) == jdatetime.date(1404, 12, 16)  # the Saturday of that week
    page.keyboard.press("End")
    assert _focused_day(page) == jdatetime.date(1404, 12, 22)  # and its Friday
    page.keyboard.press("Enter")
    assert box.input_value() == "۱۴۰۴/۱۲/۲۲"

    page.click(".lang-switch button[value=en]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/needs/new/")
    box = page.locator("#id_desired_date")
    assert box.get_attribute("placeholder") == "yyyy/mm/dd"
    box.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function(DAY_FOCUSED)
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert re.fullmatch(r"\d+ [A-Z][a-z]+ \d{4}", label), label
    assert page.locator("jdp-container .jdp-btn-today").inner_text() == "Today"
    page.wait_for_timeout(350)  # the package's opening animation, for the picture
    _shot(page, "english")
    page.keyboard.press("Enter")
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", box.input_value())


def test_the_calendar_fits_a_phone_screen(live_server, tenant, browser):
    page = _page(browser, width=390, height=844)
    sign_in(page, live_server, tenant.users["district9"].username)
    page.goto(f"{live_server.url}/needs/new/")
    width_before = page.evaluate("document.documentElement.scrollWidth")
    # A box that HTMX swaps in is served too.
    page.evaluate("htmx.swap('#need-form', '<input id=\"swapped\" name=\"later\" data-jdp>', "
                  "{swapStyle: 'beforeend'})")
    assert page.get_attribute("#swapped", "aria-haspopup") == "dialog"
    page.locator("#swapped").focus()
    # Escape at once, while the package is still opening: the calendar stays closed after its 300 ms timer.
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert page.locator("jdp-container").is_hidden()
    page.keyboard.press("ArrowDown")
    page.locator("jdp-container").wait_for(state="visible")
    page.keyboard.press("Escape")
    page.locator("jdp-container").wait_for(state="hidden")
    page.locator("#id_desired_date").focus()
    popup = page.locator("jdp-container")
    popup.wait_for(state="visible")
    page.wait_for_timeout(350)  # the package's opening animation
    box = popup.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    # Opening the calendar adds no horizontal scroll of its own.
    assert page.evaluate("document.documentElement.scrollWidth") == width_before
    _shot(page, "phone")
