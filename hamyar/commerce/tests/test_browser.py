"""The whole path in headless Chromium, as the people involved click it.

District 9 asks for 40 park benches for Vakilabad Park (the bench picked from the catalog on the need
form) and submits → the commerce officer triages and assigns the top match of the ranking → the
supplier prices the quotation from its price list and sends it → above the demo's thresholds the
commerce deputy (the CEO) approves it, then District 9's procurement clerk, then its mayor → the
order is placed; the supplier starts it and records deliveries of 25 then 15 benches → District 9
confirms both receipts → the order closes and District 9 rates it. Each page is checked (Persian
texts, right to left, the status shown) and photographed to test-output/browser/commerce-*.png.
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import jdatetime
import pytest
from django.conf import settings
from django.utils import timezone, translation

from conftest import PASSWORD
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.choices import DeliveryStatus, OrderStatus, QuotationStatus
from hamyar.commerce.demo import POLICY
from hamyar.commerce.models import Order, Quotation
from hamyar.commerce.services import commerce_policy_update
from hamyar.core.models import AuditEvent
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# fixtures happen outside it, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "browser"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TITLE = "نیمکت پارکی برای پارک وکیل‌آباد"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]


def fa(label) -> str:
    """A status label (or an English msgid) as the Persian pages show it."""
    with translation.override("fa"):
        return translation.gettext(label) if isinstance(label, str) else str(label)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
        yield context.new_page()
        context.close()
        browser.close()


class Walk:
    """The browser as one person after another: log in, open, click, check, photograph."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base = base_url
        self.shots = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def login(self, user) -> None:
        self.page.context.clear_cookies()
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

    def check(self, *texts: str, status: str | None = None) -> str:
        """The page is Persian, right to left, shows `texts` and (in its header) the status."""
        assert self.page.get_attribute("html", "dir") == "rtl"
        assert self.page.get_attribute("html", "lang") == "fa"
        body = self.page.inner_text("body")
        for text in texts:
            assert text in body, text
        if status is not None:
            header = self.page.inner_text(".page-header")
            assert status in header, (status, header)
        assert "Traceback" not in body
        return body

    def shot(self, name: str) -> None:
        self.shots += 1
        self.page.screenshot(path=str(SCREENSHOTS / f"commerce-{self.shots:02d}-{name}.png"), full_page=True)


def jalali(day: dt.date) -> str:
    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")


def test_district9_benches_from_need_to_rated_order(live_server, tenant, page):
    catalog = build_catalog(tenant)
    # The demo's thresholds: 40 benches (8,236,800,000 Rial with VAT) need the deputy, clerk and mayor.
    commerce_policy_update(acting_user=tenant.users["admin"], data=dict(POLICY))
    walk = Walk(page, live_server.url)
    district9, officer = tenant.users["district9"], tenant.users["commerce"]
    supplier = tenant.users["supplier"]

    # ---- District 9 writes the need: the bench is picked from the catalog on the form.
    walk.login(district9)
    walk.open("/needs/")
    walk.click("a[href='/needs/new/']")
    walk.check(fa("New need"))
    page.fill("#id_title", TITLE)
    page.select_option("#id_site", label=tenant.vakilabad.name)
    page.fill("#id_description", "۴۰ نیمکت برای مسیرهای پیاده‌روی پارک")
    page.fill("#id_desired_date", jalali(timezone.localdate() + dt.timedelta(days=60)))
    page.locator("#item-search").press_sequentially("نیمکت پارکی", delay=40)
    page.wait_for_selector(f"#picker .add-item[data-item='{catalog.bench.pk}']")
    page.click(f"#picker .add-item[data-item='{catalog.bench.pk}']")
    page.wait_for_selector("#lines-body .line-row td[data-label]")  # the row's scripts have run
    assert catalog.bench.name in page.inner_text("#lines-body")
    page.fill("#lines-body input[name=line_quantity]", "۴۰")
    walk.shot("need-form")
    walk.click("#save-need")
    need = Need.objects.get(organization=tenant.org, title=TITLE)
    assert [(line.item_id, line.quantity) for line in need.lines.all()] == [(catalog.bench.pk, 40)]
    assert page.url.endswith(f"/needs/{need.pk}/")
    walk.check(catalog.bench.name, tenant.vakilabad.name, "۴۰", status=fa(NeedStatus.DRAFT.label))
    walk.shot("need-draft")
    walk.click("#submit-need")
    walk.check(need.number.translate(FA_DIGITS), status=fa(NeedStatus.SUBMITTED.label))
    walk.shot("need-submitted")

    # ---- The commerce officer triages it from the queue and assigns the top match.
    walk.login(officer)
    walk.open("/needs/triage/")
    walk.check(TITLE)
    walk.shot("triage-queue")
    walk.click(f"a[href='/needs/{need.pk}/']")
    walk.click("#triage-need")
    walk.check(status=fa(NeedStatus.TRIAGED.label))
    first = page.locator("#ranking tbody tr").first
    assert first.get_attribute("data-provider") == str(tenant.supplier.pk)
    assert tenant.supplier.name in first.inner_text()
    walk.shot("ranking")
    walk.click("#assign-top")
    walk.check(status=fa(NeedStatus.ASSIGNED.label))
    assert tenant.supplier.name in page.inner_text("#assigned-provider")
    walk.shot("need-assigned")

    # ---- The supplier finds it in its work queue and prices it from its price list.
    walk.login(supplier)
    walk.open("/needs/work/")
    walk.check(TITLE)
    walk.shot("work-queue")
    # The need page has no link to the quotation form yet (reported): the supplier opens its address.
    walk.open(f"/commerce/needs/{need.pk}/quotations/new/")
    walk.check(TITLE, catalog.bench.name)
    walk.shot("quotation-form")
    walk.click("#save")
    quotation = Quotation.objects.get(need=need)
    assert quotation.total == 8_236_800_000
    walk.check("۸٬۲۳۶٬۸۰۰٬۰۰۰", status=fa(QuotationStatus.DRAFT.label))
    walk.shot("quotation-draft")
    walk.click("#send")
    walk.check(status=fa(QuotationStatus.AWAITING_DEPUTY.label))
    walk.shot("quotation-awaiting-deputy")

    # ---- The commerce deputy (an executive) approves it; then District 9's clerk; then its mayor.
    walk.login(tenant.users["executive"])
    walk.open("/commerce/quotations/")
    walk.check(quotation.number.translate(FA_DIGITS))
    walk.click(f"#waiting a[href='/commerce/quotations/{quotation.pk}/']")
    walk.click("#deputy-approve")
    walk.check(status=fa(QuotationStatus.SENT.label))

    walk.login(district9)
    walk.open("/commerce/quotations/")
    walk.check(quotation.number.translate(FA_DIGITS))
    walk.click(f"#waiting a[href='/commerce/quotations/{quotation.pk}/']")
    walk.check(TITLE, tenant.supplier.name, status=fa(QuotationStatus.SENT.label))
    walk.shot("quotation-to-approve")
    walk.click("#approve")
    walk.check(status=fa(QuotationStatus.AWAITING_MAYOR.label))
    walk.shot("quotation-awaiting-mayor")

    walk.login(tenant.district9_mayor)
    walk.open(f"/commerce/quotations/{quotation.pk}/")
    walk.click("#approve")
    walk.check(status=fa(QuotationStatus.APPROVED.label))
    walk.shot("quotation-approved")
    order = Order.objects.get(quotation=quotation)
    assert page.locator(f"a[href='/commerce/orders/{order.pk}/']").count() == 1

    # ---- The supplier starts the order and records two deliveries: 25, then 15.
    walk.login(supplier)
    walk.open("/commerce/orders/")
    walk.check(order.number.translate(FA_DIGITS))
    walk.click(f"a[href='/commerce/orders/{order.pk}/']")
    walk.click("#start-order")
    walk.check(status=fa(OrderStatus.IN_FULFILMENT.label))
    for quantity, status in (("۲۵", OrderStatus.PARTIALLY_DELIVERED), ("15", OrderStatus.DELIVERED)):
        page.fill("#record-delivery input[name^=line_]", quantity)
        page.fill("#record-delivery textarea[name=note]", f"{quantity} نیمکت در پارک وکیل‌آباد تخلیه شد.")
        walk.click("#record-delivery-submit")
        walk.check(status=fa(status.label))
        walk.shot(f"order-{status.value}")

    # ---- District 9 confirms both receipts; the order closes and District 9 rates it.
    walk.login(district9)
    walk.open(f"/commerce/orders/{order.pk}/")
    walk.check(fa(DeliveryStatus.AWAITING_RECEIPT.label), status=fa(OrderStatus.DELIVERED.label))
    walk.shot("receipts-awaited")
    for _delivery in range(2):
        walk.click(".confirm-receipt >> nth=0")
    walk.check(status=fa(OrderStatus.CLOSED.label))
    page.click("label[for=star-5]")
    page.fill("#rating-form textarea", "نیمکت‌ها سالم و به‌موقع رسید.")
    walk.shot("rating-form")
    walk.click("#rate-submit")
    walk.check("نیمکت‌ها سالم و به‌موقع رسید.", status=fa(OrderStatus.CLOSED.label))
    walk.shot("order-rated")
    walk.open(f"/needs/{need.pk}/")
    walk.check(status=fa(NeedStatus.FULFILLED.label))
    walk.shot("need-fulfilled")

    # ---- What the clicks wrote.
    need.refresh_from_db()
    order.refresh_from_db()
    assert need.status == NeedStatus.FULFILLED and order.status == OrderStatus.CLOSED
    assert sorted(d.lines.get().quantity for d in order.deliveries.all()) == [15, 25]
    assert all(d.status == DeliveryStatus.RECEIVED for d in order.deliveries.all())
    assert order.rating.score == 5
    quotation.refresh_from_db()
    assert (quotation.deputy_approved_by, quotation.clerk_approved_by, quotation.mayor_approved_by) == (
        tenant.users["executive"], district9, tenant.district9_mayor)
    actions = list(AuditEvent.objects.filter(organization=tenant.org).exclude(
        action__startswith="commerce_policy").order_by("pk").values_list("action", flat=True))
    for step in ("need.create", "need.submit", "need.triage", "need.assign", "quotation.create",
                 "quotation.send", "quotation.deputy_approve", "quotation.clerk_approve",
                 "quotation.approve", "order.place", "need.approved", "order.start", "delivery.record",
                 "order.partially_delivered", "order.delivered", "delivery.receive", "order.close",
                 "need.fulfilled", "rating.create"):
        assert step in actions, step
    assert actions.count("delivery.record") == 2 and actions.count("delivery.receive") == 2
