"""A municipality user's home is its work: every count on it links to a filtered list, and equals the
number of rows that list shows to the same user (the clerk, the mayor, the finance officer and the small
towns of the demo, whose rows are in every state the home counts); another municipality sees none of
District 9's work; and in a browser the mayor's count of quotations is the list's length."""

import io
import re
import shutil

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from hamyar.accounts.models import User
from hamyar.directory.demo.users import DEMO_PASSWORD
from hamyar.insights.selectors import municipality_work
from hamyar.needs.selectors import need_overdue

NEED_STATES = ("submitted", "triaged", "assigned", "quoted", "approved")
USERS = ["district9", "district9-mayor", "district9-finance", "shandiz", "torqabeh", "kariz"]
# A count's link, then its figure (on the link, or inside it before the next count).
LINKED = re.compile(r'href="([^"]+)"\s+id="(count-[\w-]+)"((?:(?!id="count-).)*?)data-count="(\d+)"', re.S)


def _load() -> None:
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), django_db_blocker.unblock(), \
            transaction.atomic():
        _load()
        yield
        transaction.set_rollback(True)


def client_of(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fa")
    client.force_login(User.objects.get(username=username))
    return client


def home_counts(client: Client) -> dict[str, tuple[str, int]]:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    return {m.group(2): (m.group(1).replace("&amp;", "&"), int(m.group(4))) for m in LINKED.finditer(html)}


def list_length(client: Client, url: str) -> int:
    path, _, fragment = url.partition("#")
    response = client.get(path)
    assert response.status_code == 200, url
    if fragment == "awaiting":
        return len(response.context["awaiting"])
    return response.context["page_obj"].paginator.count


@pytest.mark.usefixtures("loaded_demo")
@pytest.mark.django_db
class TestMunicipalityHome:
    @pytest.mark.parametrize("username", USERS)
    def test_every_count_equals_its_list(self, username):
        client = client_of(username)
        counts = home_counts(client)
        assert {"count-deliveries", "count-invoices-issued", "count-invoices-overdue",
                "count-needs-submitted", "count-needs-assigned", "count-projects",
                "count-pools"} <= set(counts)
        for name, (url, count) in counts.items():
            assert list_length(client, url) == count, (username, name, url)

    def test_the_clerk_and_the_mayor_see_what_waits_for_each(self):
        clerk, mayor = home_counts(client_of("district9")), home_counts(client_of("district9-mayor"))
        assert clerk["count-quotations"][0].endswith("?status=sent")
        assert mayor["count-quotations"][0].endswith("?status=awaiting_mayor")
        assert mayor["count-quotations"][1] >= 1  # the demo's quotation above the mayor's threshold
        assert "count-quotations" not in home_counts(client_of("district9-finance"))

    def test_district9_has_work_in_every_queue(self):
        counts = home_counts(client_of("district9"))
        assert counts["count-deliveries"][1] >= 1
        assert counts["count-invoices-overdue"][1] >= 1
        assert sum(counts[f"count-needs-{s}"][1] for s in NEED_STATES) >= 1
        assert counts["count-projects"][1] >= 1

    def test_another_municipality_sees_none_of_district9s_work(self):
        district9 = home_counts(client_of("district9"))
        torqabeh = home_counts(client_of("torqabeh"))
        assert district9["count-invoices-overdue"][1] > torqabeh["count-invoices-overdue"][1] == 0
        assert torqabeh["count-deliveries"][1] == 0
        page = client_of("torqabeh").get("/").content.decode()
        assert "منطقه ۹" not in page.split('id="waiting"')[1]

    def test_overdue_needs_are_those_of_the_officers_overdue_page(self):
        """The home's overdue needs are the officers' overdue list narrowed to the municipality, each
        under its state."""
        clerk = User.objects.get(username="district9")
        membership = clerk.membership
        work = municipality_work(user=clerk, membership=membership)
        officers = need_overdue(user=User.objects.get(username="commerce"))
        mine = [row for row in officers if row.need.municipality_id == membership.municipality_id]
        assert work["overdue_needs"] == len(mine) >= 1
        assert sum(state.overdue for state in work["need_states"]) == len(mine)

    def test_new_need_and_profile_are_on_the_home(self):
        page = client_of("district9").get("/").content.decode()
        assert 'id="new-need" href="/needs/new/"' in page
        assert "/directory/municipalities/" in page


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"Chromium is not installed at {CHROMIUM}")
@pytest.mark.django_db(transaction=True)
def test_browser_mayor_sees_the_quotation_waiting_for_him(live_server, tmp_path, settings):
    from playwright.sync_api import sync_playwright

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _load()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for username in ("district9", "district9-mayor"):
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            count = int(page.get_attribute("#count-quotations .stat-value", "data-count"))
            page.screenshot(path=str(tmp_path / f"{username}-home.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(tmp_path / f"{username}-home-phone.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.click("#count-quotations")
            page.wait_for_load_state("networkidle")
            assert page.locator("#quotation-table tbody tr").count() == count
            context.close()
        browser.close()
    print(f"\nscreenshots: {tmp_path}")
