"""Each demo role, signed in through a real browser, lands on its own work: every count its home shows
that links somewhere equals the number of rows that list shows the same user, and a screenshot of each
home is saved (test-output/browser/home-<user>.png)."""

import io
import os
import shutil

import pytest
from django.core.management import call_command
from django.test import Client

from hamyar.accounts.models import User
from hamyar.directory.demo.users import DEMO_PASSWORD
from hamyar.directory.demo.users import USERS as DEMO_USERS

from .test_browser import CHROMIUM, LAUNCH_ARGS, SCREENSHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}"),
]

# Every figure on a home with a link around it or on it: (href, count).
LINKED_COUNTS = """() => [...document.querySelectorAll('main [data-count]')].flatMap(node => {
    const link = node.closest('a[href]');
    return link ? [[link.getAttribute('href'), Number(node.dataset.count)]] : [];
})"""

# A count whose list shows its rows under an anchor of the page rather than as the page's list.
ANCHORED = {"awaiting": "awaiting", "billable-payment-requests": "payment_requests",
            "billable-deliveries": "deliveries"}
ROW_LISTS = ("settlements", "rows", "deliveries")


def rows_shown(client: Client, href: str) -> int:
    """How many rows the linked list shows: its paginator's count, or the rows the anchor names."""
    path, _hash, anchor = href.partition("#")
    response = client.get(path)
    assert response.status_code == 200, href
    context = response.context
    if anchor in ANCHORED:
        return len(context[ANCHORED[anchor]])
    if "page_obj" in context:
        return context["page_obj"].paginator.count
    return len(next(context[name] for name in ROW_LISTS if name in context))


@pytest.mark.django_db(transaction=True)
def test_each_demo_role_sees_its_own_queue_counts(live_server, tmp_path, settings):
    from playwright.sync_api import sync_playwright

    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    checked: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for spec in DEMO_USERS:
            username = spec["username"]
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / f"home-{username}.png"), full_page=True)
            counts = page.evaluate(LINKED_COUNTS)
            context.close()

            client = Client(HTTP_ACCEPT_LANGUAGE="fa")
            client.force_login(User.objects.get(username=username))
            for href, count in counts:
                assert rows_shown(client, href) == count, (username, href)
            checked[username] = len(counts)
        browser.close()
    # Every role whose home is a queue has counts to check; the organization admin's home is its census.
    queues = {spec["username"] for spec in DEMO_USERS if spec["role"] not in {"org_admin", "executive"}}
    assert all(checked[username] > 0 for username in queues), checked
