"""Every page at a phone's width (390×844): no sideways page scroll, the menu folded until asked for.

One Chromium for the module, one sign-in per role. District 9 walks the pages a municipality clerk
uses (home, needs, a need, the need form, orders, an order, the statement, projects, a project);
then every role sweeps every page of its own menu, one detail page, and each kind of object page or
form that its pages link to (once across roles: an item's page, a provider's, an edit form, ...).
Each page is measured (`scrollWidth` of the document against the window, and every list read as
cards against its box), checked by axe-core (the desktop sweep's rules, test_accessibility: no serious
or critical violation at this width either, and with the menu unfolded once per role) and photographed
to test-output/browser/phone-*.png. Failures are gathered so one run shows every page that overflows,
with the elements that spill, and every axe violation with its rule, selectors and colours.
"""

import datetime as dt
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import PASSWORD
from hamyar.commerce.services import order_rate
from hamyar.finance.services import commission_calculate, payment_record
from hamyar.finance.tests.finance_data import issued_invoice, received_delivery, tenant_catalog
from hamyar.projects.tests.project_data import full_project

from .axe import AXE, AXE_VERSION, axe_violations, blocking, describe
from .pool_data import pools_in_every_state

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# fixtures happen outside it, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "browser"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
# Links of a menu that are not pages to lay out (files, the admin site).
NOT_A_PAGE = re.compile(r"(\.xlsx|/pdf/|/admin/|/api/)")
# Pages a list links to: an object's page, its edit form, a "new" form. Files and one-click actions are not.
LINKED_PAGE = re.compile(r"/(?:[a-z-]+/)+(?:\d+/(?:edit/|scorecard/|quotations/compare/)?|new/)")
NOT_LINKED = re.compile(r"/(attachments|documents|photos|inbox)/")

# The elements whose content spills past their own box without a scroll bar: where a wide page comes from.
SPILLS = """() => {
    const found = [];
    for (const e of document.querySelectorAll("body, body *")) {
        if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible")
            found.push(`${e.tagName}#${e.id}.${e.classList} ${e.scrollWidth}/${e.clientWidth}`);
    }
    return found.slice(-6).join(", ");
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A phone-sized touch screen, Persian."""
    context = chromium.new_context(viewport=PHONE, locale="fa-IR", is_mobile=True, has_touch=True,
                                   device_scale_factor=1, reduced_motion="reduce")
    if AXE.exists():  # CI fails a run without it (.ci/run); locally the layout checks still run
        context.add_init_script(path=str(AXE))
    yield context.new_page()
    context.close()


@pytest.fixture
def demo_rows(tenant):
    """District 9's rows of every kind, built through the services: a rated order whose delivery was
    received and invoiced and partly paid, a running project with milestones, reports, documents and a
    change order, and a supplier's commission."""
    d9 = tenant.users["district9"]
    delivery = received_delivery(tenant, tenant_catalog(tenant))
    order_rate(order=delivery.order, acting_user=d9, score=4, comment="به‌موقع")
    invoice = issued_invoice(tenant, source=delivery)
    payment_record(invoice=invoice, acting_user=tenant.users["finance"], amount=1_000_000,
                   paid_on=timezone.localdate(), reference="phone-9")
    project = full_project(tenant)
    today = timezone.localdate()
    commission_calculate(agreement=tenant.agreement, acting_user=tenant.users["finance"],
                         period_start=today - dt.timedelta(days=30), period_end=today)
    pools_in_every_state(tenant, tenant_catalog(tenant))  # the group purchase pages, in each state
    return {"order": delivery.order, "invoice": invoice, "project": project, "need": delivery.order.need}


class Phone:
    """The browser as one person after another on a phone: sign in, open, measure, photograph."""

    def __init__(self, page, base_url: str, *, photograph_once: bool = False):
        self.page = page
        self.photograph_once = photograph_once
        self.base = base_url
        self.overflows: list[str] = []
        self.errors: list[str] = []
        self.seen: list[str] = []
        self.axe_failures: list[str] = []
        self.axe_nodes: Counter[str] = Counter()  # serious+critical nodes per role (name's first word)
        self.photographed: set[tuple[str, str]] = set()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def login(self, user) -> None:
        self.page.context.clear_cookies()
        self.page.goto(f"{self.base}/accounts/login/")
        if "login" not in self.seen:
            self.measure("login")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_url(f"{self.base}/")

    def open(self, path: str, name: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        if response is None or response.status >= 400:
            self.errors.append(f"{name} {path}: {response.status if response else 'no response'}")
        self.measure(name)

    def measure(self, name: str) -> None:
        """The page fits the phone's width and the menu is folded; the page is photographed (in a sweep,
        only the first view of each address: the same list seen by another role is only measured)."""
        widths = self.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]")
        if max(widths[0], widths[2]) > max(PHONE["width"], widths[1]) + 1 or widths[1] != PHONE["width"]:
            self.overflows.append(f"{name} {self.page.url}: page {widths[0]} px, window {widths[1]} px; "
                                  f"spilling: {self.page.evaluate(SPILLS)}")
        # A list read as cards fits its box: only a matrix (.table-scroll) or a chart scrolls sideways.
        wide_cards = self.page.eval_on_selector_all("table.cards", """els => els
            .filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
            .map(t => t.id || t.className)""")
        if wide_cards:
            self.overflows.append(f"{name} {self.page.url}: cards wider than their box: {wide_cards}")
        if self.page.locator("#app-nav").count() and self.page.is_visible("#app-nav"):
            self.errors.append(f"{name}: the menu is open on load")
        self.axe(name)
        self.seen.append(name)
        path = urlsplit(self.page.url).path
        # Each role has a home of its own; elsewhere one photograph per address and language.
        lang = self.page.get_attribute("html", "lang")
        address = (name if path == "/" else re.sub(r"/\d+/", "/<id>/", path), lang)
        if not self.photograph_once or address not in self.photographed:
            self.photographed.add(address)
            self.page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)

    def menu_opens(self, name: str) -> list[str]:
        """The toggler unfolds the menu (and says so); returns the menu's links."""
        toggler = self.page.locator("button.nav-toggler")
        assert toggler.get_attribute("aria-expanded") == "false"
        assert toggler.get_attribute("aria-label") in ("منو", "Menu")
        assert toggler.get_attribute("aria-controls") == "app-nav"
        assert toggler.bounding_box()["height"] >= 40  # a finger can hit it
        toggler.click()
        self.page.wait_for_selector("#app-nav.show", state="visible")
        self.page.wait_for_function(
            "() => !document.querySelector('#app-nav').classList.contains('collapsing')")
        assert toggler.get_attribute("aria-expanded") == "true"
        self.axe(f"{name} (menu open)")
        self.page.screenshot(path=str(SCREENSHOTS / f"phone-{name}-menu.png"))
        links = self.page.eval_on_selector_all("#app-nav a.nav-link", "els => els.map(e => e.pathname)")
        assert links, "the menu has no links"
        return [link for link in links if not NOT_A_PAGE.search(link)]

    def axe(self, name: str) -> None:
        """axe-core over the page as it stands: its serious and critical violations are gathered."""
        if not AXE.exists():
            return
        found = blocking(axe_violations(self.page))
        self.axe_nodes[re.split(r"[- ]", name)[0]] += sum(v["nodes"] for v in found)
        if found:
            self.axe_failures.append(f"{name} {urlsplit(self.page.url).path}: {describe(found)}")

    def linked_pages(self, known: set[str]) -> list[str]:
        """The object pages and forms this page links to, one per kind of address not yet in `known`."""
        found = []
        for path in self.page.eval_on_selector_all("main a[href]", "els => els.map(e => e.pathname)"):
            kind = re.sub(r"\d+", "<id>", path)
            if LINKED_PAGE.fullmatch(path) and not NOT_LINKED.search(path) and kind not in known:
                known.add(kind)
                found.append(path)
        return found

    def report(self) -> None:
        print(f"\naxe-core {AXE_VERSION} at {PHONE['width']} px, {len(self.seen)} views, serious+critical "
              f"nodes per role: {dict(self.axe_nodes)}")
        assert not self.errors, "\n".join(self.errors)
        assert not self.axe_failures, (f"serious or critical axe violations at {PHONE['width']} px:\n"
                                       + "\n".join(self.axe_failures))
        assert not self.overflows, "pages wider than the phone:\n" + "\n".join(self.overflows)


def test_district9_pages_fit_a_phone(live_server, tenant, demo_rows, phone):
    walk = Phone(phone, live_server.url)
    walk.login(tenant.users["district9"])
    walk.measure("district9-home")
    menu = walk.menu_opens("district9-home")
    assert "/needs/" in menu and "/projects/" in menu
    need, order, project = demo_rows["need"], demo_rows["order"], demo_rows["project"]
    pages = [
        ("/needs/", "district9-needs"),
        (f"/needs/{need.pk}/", "district9-need"),
        ("/needs/new/", "district9-need-form"),
        ("/commerce/orders/", "district9-orders"),
        (f"/commerce/orders/{order.pk}/", "district9-order"),
        ("/finance/statement/", "district9-statement"),
        ("/projects/", "district9-projects"),
        (f"/projects/{project.pk}/", "district9-project"),
        ("/insights/municipality/", "district9-dashboard"),
    ]
    for path, name in pages:
        walk.open(path, name)
    # The need form is one column: every field starts at the same x as the form's first one.
    walk.open("/needs/new/", "district9-need-form")
    side_by_side = phone.eval_on_selector_all(
        "main form .form-control:not([type=hidden]), main form .form-select", """els => {
            const boxes = els.filter(e => e.offsetParent)
                             .map(e => [e.name || e.id, e.getBoundingClientRect()]);
            const pairs = [];
            for (const [a, r] of boxes) for (const [b, s] of boxes)
                if (a < b && r.top < s.bottom - 1 && s.top < r.bottom - 1) pairs.push(a + " | " + b);
            return [boxes.length, pairs];
        }""")
    assert side_by_side[0] >= 4 and side_by_side[1] == [], side_by_side
    # The date picker's calendar, open on the phone: it fits, and axe reads it too.
    phone.click("#id_desired_date")
    phone.locator("jdp-container").wait_for(state="visible")
    walk.measure("district9-need-form-calendar")
    phone.keyboard.press("Escape")
    phone.locator("jdp-container").wait_for(state="hidden")
    # An item picked from the catalog comes in as a line (HTMX): a card with its quantity box.
    phone.locator("#item-search").press_sequentially("نیمکت", delay=20)
    phone.locator("#picker .add-item").first.click()
    phone.wait_for_selector("#lines-body .line-row td[data-label]")
    walk.measure("district9-need-form-line")
    # A list reads as cards: a row's cells stack, each named by its column.
    walk.open("/needs/", "district9-needs")
    label = phone.evaluate(
        "getComputedStyle(document.querySelector('#need-table tbody td:nth-child(2)'), '::before').content")
    column = phone.inner_text("#need-table thead th:nth-child(2)").strip()
    assert column and label == f'"{column}"', (label, column)
    # The header row is still there for screen readers, only moved off-screen.
    assert phone.is_hidden("#need-table thead") is False
    assert phone.evaluate("document.querySelector('#need-table thead').getBoundingClientRect().width") <= 1
    # A live search swaps the list in with HTMX: the new rows are cards too.
    phone.evaluate("window.__old_table = document.querySelector('#need-table')")
    phone.fill("input[name=q]", "نیمکت")
    phone.wait_for_function("() => document.querySelector('#need-table') !== window.__old_table"
                            " && document.querySelector('#need-table.cards td[data-label]') !== null")
    walk.measure("district9-needs-searched")
    # Left to right (English) fits as well.
    with phone.expect_navigation():
        phone.click(".lang-switch button[value=en]")
    assert phone.get_attribute("html", "dir") == "ltr"
    walk.measure("district9-needs-en")
    walk.open(f"/projects/{project.pk}/", "district9-project-en")
    walk.report()


ROLES = ("commerce", "finance", "supplier", "project_manager", "executive", "admin", "district9")


def test_every_menu_page_of_every_role_fits_a_phone(live_server, tenant, demo_rows, phone):
    walk = Phone(phone, live_server.url, photograph_once=True)
    details = {
        "commerce": f"/needs/{demo_rows['need'].pk}/",
        "finance": f"/finance/invoices/{demo_rows['invoice'].pk}/",
        "supplier": f"/commerce/orders/{demo_rows['order'].pk}/",
        "project_manager": f"/projects/{demo_rows['project'].pk}/",
        "executive": f"/projects/{demo_rows['project'].pk}/",
        "admin": f"/commerce/quotations/{demo_rows['order'].quotation_id}/",
        "district9": f"/finance/invoices/{demo_rows['invoice'].pk}/",
    }
    # Beyond the menus: every kind of object page and form that the lists link to, once (by the first
    # role that sees a link to it).
    known: set[str] = set()
    for role in ROLES:
        walk.login(tenant.users[role])
        walk.measure(f"{role}-home")
        linked = walk.linked_pages(known)
        menu = walk.menu_opens(role)
        for path in dict.fromkeys(menu):
            if path == "/":
                continue
            walk.open(path, f"{role}{path.rstrip('/').replace('/', '-')}")
            linked += walk.linked_pages(known)
        walk.open(details[role], f"{role}-detail")
        linked += walk.linked_pages(known)
        for path in linked:
            walk.open(path, f"{role}{re.sub(r'[^a-z0-9]+', '-', path).rstrip('-')}")
    assert len(walk.seen) > 90, walk.seen
    assert len(known) > 15, sorted(known)
    walk.report()

