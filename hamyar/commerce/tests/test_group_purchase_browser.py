"""A group purchase of park benches in headless Chromium, as the people involved click it.

Three small towns (فریمان، چناران، طرقبه) and District 9 are invited to the bench pool. Each signs in and
joins: with the towns' 36 benches the pool pays the tier of 10 (187,200,000 Rial); District 9's 20 take it
past 50 and the tier drops to 179,400,000 — a town's open page sees it in its pool block (the HTMX
partial) without reloading. The commerce officer closes the pool: it is ordered and allocated, and each
municipality finds its own order and its saving. Pages are photographed at desktop width and at a
phone's 390 px (which must not scroll sideways) to the folder the test prints.
"""

import os
import shutil

import pytest
from django.urls import reverse

from conftest import PASSWORD
from hamyar.commerce.choices import GroupPurchaseStatus, OrderStatus

from .group_data import bench_pool

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# fixtures happen outside it, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


def rial(amount: int) -> str:
    return f"{amount:,}".replace(",", "٬").translate(FA_DIGITS) + " ریال"


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Person:
    """One person's browser: sign in, open, click, check, photograph (desktop, then phone width)."""

    def __init__(self, chromium, base_url: str, user, shots, name: str):
        self.context = chromium.new_context(viewport=DESKTOP, locale="fa-IR", reduced_motion="reduce")
        self.page = self.context.new_page()
        self.base, self.shots, self.name = base_url, shots, name
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_url(f"{self.base}/")

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("networkidle")

    def click(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)
        self.page.wait_for_load_state("networkidle")

    def check(self, *texts: str) -> str:
        assert self.page.get_attribute("html", "dir") == "rtl"
        assert self.page.get_attribute("html", "lang") == "fa"
        body = self.page.inner_text("body")
        for text in texts:
            assert text in body, text
        assert "Traceback" not in body
        return body

    def shoot(self, label: str) -> None:
        """Photograph the page at desktop width and at 390 px; at 390 px it must not scroll sideways."""
        self.shots["n"] += 1
        stem = f"{self.shots['n']:02d}-{self.name}-{label}"
        self.page.screenshot(path=str(self.shots["dir"] / f"{stem}.png"), full_page=True)
        self.page.set_viewport_size(PHONE)
        widths = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        self.page.screenshot(path=str(self.shots["dir"] / f"{stem}-phone.png"), full_page=True)
        self.page.set_viewport_size(DESKTOP)
        assert widths[0] <= widths[1], f"{stem}: {widths[0]} px wide at a {widths[1]} px phone"

    def close(self) -> None:
        self.context.close()


def test_small_towns_pool_benches_and_each_finds_its_order(live_server, tenant, chromium, tmp_path):
    pool = bench_pool(tenant)
    gp = pool.group_purchase
    shots = {"n": 0, "dir": tmp_path / "group-purchase-screenshots"}
    shots["dir"].mkdir()
    print(f"\nscreenshots: {shots['dir']}")
    detail = reverse("commerce:group_purchase_detail", args=[gp.pk])
    bench = f"#id_item_{pool.catalog.bench.pk}"
    people = [(town.name, pool.users[town.name], 12) for town in pool.towns]
    watcher = None
    for i, (_name, user, quantity) in enumerate(people):
        person = Person(chromium, live_server.url, user, shots, f"town{i}")
        person.open(reverse("commerce:group_purchase_list"))
        person.check("خرید تجمیعی", gp.title)
        if i == 0:
            person.shoot("list")
        person.click(f"#group-purchase-{gp.pk} a")
        person.check(gp.title, "جایگاه شهرداری شما")
        if i == 0:
            person.shoot("invited")
        person.page.fill(bench, str(quantity))
        person.click("#join-submit")
        person.check("شهرداری شما به خرید تجمیعی پیوست.")
        if i < len(people) - 1:
            person.close()
        else:
            watcher = person  # the last town keeps its page open while District 9 joins
    # 36 benches pooled: every town pays the tier of 10.
    assert rial(187_200_000) in watcher.page.inner_text("#current-price")
    assert watcher.page.inner_text("#pooled-quantity").strip() == "36".translate(FA_DIGITS)
    watcher.shoot("joined-36")

    district9 = Person(chromium, live_server.url, pool.users["district9"], shots, "district9")
    district9.open(detail)
    district9.page.fill(bench, "20")
    district9.click("#join-submit")
    district9.check(rial(179_400_000))
    assert "tier-current" in district9.page.get_attribute("#tier-50", "class")
    district9.shoot("joined-56")
    district9.close()

    # The town's page, not reloaded: its pool block (the polled partial) shows the lower tier.
    watcher.page.evaluate(f"htmx.ajax('GET', '{reverse('commerce:group_purchase_pool', args=[gp.pk])}', "
                          "{target: '#pool', swap: 'outerHTML'})")
    watcher.page.wait_for_function(
        f"() => document.querySelector('#current-price').innerText.includes('{rial(179_400_000)}')")
    assert watcher.page.inner_text("#pooled-quantity").strip() == "56".translate(FA_DIGITS)
    watcher.shoot("tier-dropped")
    watcher.close()

    officer = Person(chromium, live_server.url, tenant.users["commerce"], shots, "officer")
    officer.open(detail)
    officer.check(*[town.name for town in pool.towns])
    officer.shoot("before-close")
    officer.click("#close-pool")
    officer.check("خرید تجمیعی بسته شد.")
    gp.refresh_from_db()
    assert gp.status == GroupPurchaseStatus.ALLOCATED
    officer.check(gp.order_number.translate(FA_DIGITS))
    officer.shoot("allocated")
    officer.close()

    for i, (_name, user, _quantity) in enumerate([*people, ("district9", pool.users["district9"], 20)]):
        person = Person(chromium, live_server.url, user, shots, f"after-{i}")
        person.open(detail)
        place = pool.place(pool.towns[i] if i < len(pool.towns) else tenant.district9)
        assert place.order is not None and place.order.status == OrderStatus.PLACED
        saving = place.alone_subtotal - place.subtotal
        person.check(place.order.number.translate(FA_DIGITS), rial(saving))
        if i in (0, 3):
            person.shoot("own-order")
        person.click("#own-order-link")
        person.check(place.order.number.translate(FA_DIGITS))
        if i == 0:
            person.shoot("order-page")
        person.close()
    # Alone, a town's 12 would pay the tier of 10; pooled, the tier of 50.
    assert pool.place(pool.towns[0]).alone_subtotal - pool.place(pool.towns[0]).subtotal == 12 * 7_800_000
