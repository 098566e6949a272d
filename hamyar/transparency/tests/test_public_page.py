"""The public transparency page over the demo data, read without signing in: each publishing
organization with its headline figures (equal to the executive dashboard's over the same window, and
without what the policy withholds), the published processes searched and filtered, each process's
timeline (one step per release), the cache (a second reader costs a few queries; a write shows at
once), the rate limit (429 with Retry-After, per address, pages and API alike), and no database id in
what the page shows or links to."""

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from hamyar.accounts.models import User
from hamyar.directory.models import Municipality, Organization, ServiceDomain
from hamyar.insights.selectors import (
    delivery_on_time,
    group_savings,
    small_share_by_month,
    volume_by_domain,
)
from hamyar.projects.models import Project
from hamyar.projects.services import change_order_approve, change_order_propose
from hamyar.transparency.choices import ProcessKind
from hamyar.transparency.selectors import published_processes
from hamyar.transparency.services import publication_policy_set

from .test_ocds_demo import loaded_demo  # noqa: F401 (a fixture)

BENCHES = "ocds-xxxxxx-hamyar-khorasan-razavi-N-1405-00001"  # District 9's benches for Vakilabad park


def org() -> Organization:
    return Organization.objects.get(slug="khorasan-razavi")


def public() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="fa")


def listed(response) -> list[str]:
    """The numbers of the processes a list page shows, in order."""
    assert response.status_code == 200, response.content[:500]
    return re.findall(r'<tr id="process-([A-Z]+-\d{4}-\d{5})"', response.content.decode())


LIST = "/transparency/khorasan-razavi/processes/"


@pytest.mark.usefixtures("loaded_demo")
@pytest.mark.django_db
class TestThePublicPage:
    def test_the_index_shows_each_publishing_organization_with_the_dashboards_figures(self):
        executive = User.objects.get(username="ceo")
        response = public().get("/transparency/")
        assert response.status_code == 200
        [(organization, figures)] = response.context["organizations"]
        assert organization == org()
        by_domain = volume_by_domain(user=executive)
        assert figures.amount == sum(row.amount for row in by_domain) > 0
        assert figures.orders == sum(row.orders for row in by_domain)
        assert figures.small_percent == small_share_by_month(user=executive).percent
        on_time = delivery_on_time(user=executive).overall
        assert (figures.on_time, figures.closed) == (on_time.part, on_time.whole)
        assert figures.savings.saving == group_savings(user=executive).saving > 0
        page = response.content.decode()
        assert 'href="/transparency/khorasan-razavi/processes/"' in page
        assert f'data-amount="{figures.amount}"' in page and "ریال" in page

    def test_a_withheld_domain_counts_in_no_figure_and_no_published_group_purchase_no_saving(self):
        executive = User.objects.get(username="ceo")
        by_domain = {row.domain_id: row for row in volume_by_domain(user=executive)}
        withheld = max(by_domain.values(), key=lambda row: row.amount)
        publication_policy_set(acting_user=User.objects.get(username="orgadmin"),
                               kinds=[ProcessKind.GOODS, ProcessKind.SERVICES, ProcessKind.WORKS],
                               withheld_domain_ids=[withheld.domain_id])
        [(_organization, figures)] = public().get("/transparency/").context["organizations"]
        assert figures.amount == sum(row.amount for row in by_domain.values()) - withheld.amount
        assert figures.savings is None
        page = public().get("/transparency/").content.decode()
        assert 'id="figure-savings"' not in page

    def test_the_list_shows_every_published_process_newest_step_first(self):
        response = public().get(LIST)
        shown = [row.ocid for row in response.context["page_obj"].paginator.object_list]
        assert sorted(shown) == sorted(p.ocid for p in published_processes(organization=org()))
        updated = [row.updated for row in response.context["page_obj"].paginator.object_list]
        assert updated == sorted(updated, reverse=True)

    @pytest.mark.parametrize("typed", ["نیمکت", "نيمكت", "  نیمکت  ", "نیمکت وکیل‌آباد", "نیمکت وکیل آباد"])
    def test_a_search_finds_the_benches_whatever_letters_are_typed(self, typed):
        numbers = listed(public().get(LIST, {"q": typed}))
        assert "N-1405-00001" in numbers
        assert all("چراغ" not in row.title for row in public().get(LIST, {"q": typed}).context["object_list"])

    def test_a_search_matches_the_supplier_and_the_number(self):
        assert listed(public().get(LIST, {"q": "پارسه"})) and all(
            "صنایع مبلمان شهری پارسه" in row.suppliers
            for row in public().get(LIST, {"q": "پارسه"}).context["object_list"])
        assert listed(public().get(LIST, {"q": "N-1405-00001"})) == ["N-1405-00001"]
        assert listed(public().get(LIST, {"q": "چیزی که نیست"})) == []

    def test_the_filters_narrow_by_kind_stage_domain_and_municipality(self):
        client = public()
        assert {n[0] for n in listed(client.get(LIST, {"kind": "group_purchase"}))} == {"G"}
        assert {n[0] for n in listed(client.get(LIST, {"kind": "works"}))} == {"P"}
        cancelled = client.get(LIST, {"stage": "cancelled"}).context["object_list"]
        assert cancelled and {row.stage for row in cancelled} == {"cancelled"}
        benches = client.get(LIST, {"domain": "urban-furniture-benches"}).context["object_list"]
        assert benches and {row.domain_code for row in benches} == {"urban-furniture-benches"}
        district9 = Municipality.objects.get(name="منطقه 9 مشهد")
        form = client.get(LIST).context["filter_form"]
        [(party_id, _name)] = [c for c in form.fields["buyer"].choices if c[1] == district9.name]
        mine = client.get(LIST, {"buyer": party_id}).context["object_list"]
        assert mine and all(any(name == district9.name for _id, name in row.buyers) for row in mine)
        assert len(mine) < len(client.get(LIST).context["page_obj"].paginator.object_list)

    def test_a_wrong_filter_is_said_and_filters_nothing(self):
        response = public().get(LIST, {"stage": "<script>", "kind": "x" * 300})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="filter-errors"' in page and "<script>" not in page
        assert len(listed(response)) == len(published_processes(organization=org()))

    def test_a_live_search_answers_with_the_rows_only(self):
        response = public().get(LIST, {"q": "نیمکت"}, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert "<html" not in page and 'id="process-N-1405-00001"' in page

    def test_a_process_page_shows_each_release_as_a_step(self):
        process = next(p for p in published_processes(organization=org()) if p.ocid == BENCHES)
        response = public().get(f"{LIST}{BENCHES}/")
        assert response.status_code == 200
        steps = response.context["process"].steps
        assert len(steps) == len(process.releases) == 9
        assert [s.release_id for s in steps] == [r["id"] for r in process.releases]
        page = response.content.decode()
        assert page.count('<li class="px-3 py-2 border-bottom" id="step-') == 9
        assert "نیاز ثبت شد" in page and "تأمین‌کننده برگزیده شد" in page and "تحویل و پرداخت" in page
        assert "۸٬۲۳۶٬۸۰۰٬۰۰۰" in page or "۸,۲۳۶,۸۰۰,۰۰۰" in page  # the order, in Persian digits
        assert "۱۴۰۵/۰۶/۲۴" in page  # the need was registered on 24 Shahrivar 1405
        assert response.context["process"].summary.stage == "completed"

    def test_what_is_not_published_is_not_found(self):
        client = public()
        assert client.get(f"{LIST}ocds-xxxxxx-hamyar-khorasan-razavi-N-1405-99999/").status_code == 404
        assert client.get("/transparency/nowhere/processes/").status_code == 404
        Organization.objects.create(name="سازمان بی‌انتشار", slug="silent", province="یزد")
        assert client.get("/transparency/silent/processes/").status_code == 404
        construction = ServiceDomain.objects.get(organization=org(), code="construction")
        hidden = next(p for p in published_processes(organization=org()) if p.domain_id == construction.pk)
        assert client.get(f"{LIST}{hidden.ocid}/").status_code == 200
        publication_policy_set(acting_user=User.objects.get(username="orgadmin"), kinds=list(ProcessKind),
                               withheld_domain_ids=[construction.pk])
        assert client.get(f"{LIST}{hidden.ocid}/").status_code == 404
        number = hidden.ocid.removeprefix("ocds-xxxxxx-hamyar-khorasan-razavi-")
        assert number == "P-1405-00001" and number not in listed(client.get(LIST))

    def test_the_page_is_cached_and_a_write_shows_at_once(self):
        client = public()
        with CaptureQueriesContext(connection) as first:
            client.get(LIST)
        with CaptureQueriesContext(connection) as again:
            response = client.get(LIST)
        assert len(again) <= 3 < len(first)  # the organization, its policy, its newest event: nothing rebuilt
        ocid = "ocds-xxxxxx-hamyar-khorasan-razavi-P-1405-00002"
        rows = response.context["page_obj"].paginator.object_list
        [before] = [row.value for row in rows if row.ocid == ocid]
        project = Project.objects.get(number="P-1405-00002")
        admin = User.objects.get(username="orgadmin")
        change = change_order_propose(project=project, acting_user=admin, amount_change=2_000_000_000,
                                      reason="افزایش سطح چمن‌کاری", description="۲ هکتار چمن بیشتر")
        change_order_approve(change_order=change, acting_user=admin)
        rows = client.get(LIST).context["page_obj"].paginator.object_list
        assert [row.value for row in rows if row.ocid == ocid] == [before + 2_000_000_000]
        steps = client.get(f"{LIST}{ocid}/").context["process"].steps
        assert any("افزایش سطح چمن‌کاری" in fact.text for step in steps for fact in step.facts)

    def test_no_database_id_in_what_the_page_links_or_offers(self):
        page = public().get(LIST).content.decode()
        links = set(re.findall(r'href="(/[^"]*)"', page))
        ours = {link for link in links if link.startswith(("/transparency/", "/api/"))}
        assert ours and all(
            re.fullmatch(r"/transparency/(khorasan-razavi/processes/([a-z0-9-]+/)?)?", link, re.I)
            or re.fullmatch(r"/api/v1/ocds/khorasan-razavi/records(/[A-Za-z0-9-]+)?", link)
            for link in ours), ours
        options = re.findall(r'<option value="([^"]*)"', page)
        assert options and not any(value.isdigit() for value in options)
        pks = {str(pk) for pk in Municipality.objects.values_list("pk", flat=True)}
        assert not any(value in pks for value in options)


@pytest.mark.django_db
class TestTheRateLimit:
    @override_settings(HAMYAR_PUBLIC_RATE="3/m")
    def test_a_fourth_read_in_a_minute_is_told_to_wait(self, tenant):
        client = Client(HTTP_ACCEPT_LANGUAGE="fa", REMOTE_ADDR="203.0.113.7")
        assert [client.get("/transparency/").status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get("/transparency/")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) >= 1
        assert "یک دقیقه صبر کنید" in refused.content.decode()
        # The public API shares the budget, and answers in JSON.
        api = client.get("/api/v1/ocds/tenant/releases")
        assert api.status_code == 429 and api.json()["code"] == "too_many_requests"
        assert int(api["Retry-After"]) >= 1
        # Another address still reads, and a signed-in user is not counted.
        assert Client(REMOTE_ADDR="198.51.100.4").get("/transparency/").status_code == 200
        client.force_login(tenant.users["commerce"])
        assert client.get("/transparency/").status_code == 200


@pytest.mark.usefixtures("loaded_demo")
@pytest.mark.django_db
def test_a_process_that_fell_out_of_the_cache_is_built_again_and_a_guess_builds_nothing():
    from django.core.cache import cache

    client = public()
    assert client.get(f"{LIST}{BENCHES}/").status_code == 200
    [key] = [k for k in cache._cache if k.endswith(f":{BENCHES}")]  # noqa: SLF001 (the local-memory cache)
    raw = key.split(":", 2)[-1]
    cache.delete(raw)
    assert cache.get(raw) is None
    assert client.get(f"{LIST}{BENCHES}/").status_code == 200
    assert cache.get(raw) is not None
    with CaptureQueriesContext(connection) as guess:
        assert client.get(f"{LIST}ocds-xxxxxx-hamyar-khorasan-razavi-N-1405-77777/").status_code == 404
    assert len(guess) <= 3
