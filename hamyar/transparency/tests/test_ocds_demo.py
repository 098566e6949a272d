"""OCDS over the demo data: every release validates against the shipped OCDS 1.1.5 schema (offline), a
record compiles its releases (an approved change order changes the contract value), release ids stay the
same while nothing changes and a change is a new release, the policy hides kinds and domains, no personal
data appears in anything published, and the API pages, filters and bulk file agree with one another."""

import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from hamyar.accounts.models import User
from hamyar.core.text import normalize
from hamyar.directory.models import Organization, Provider, ServiceDomain
from hamyar.projects.models import Project
from hamyar.projects.services import change_order_approve, change_order_propose
from hamyar.transparency.choices import ExportStatus, ProcessKind
from hamyar.transparency.models import OcdsExport
from hamyar.transparency.ocds.build import build_processes
from hamyar.transparency.selectors import published_processes
from hamyar.transparency.services import publication_policy_set
from hamyar.transparency.tasks import ocds_export_task

SCHEMAS = Path(settings.BASE_DIR) / "standards" / "ocds-1.1.5"
RELEASE_SCHEMA = json.loads((SCHEMAS / "dereferenced-release-schema.json").read_text())
RELEASE_PACKAGE_SCHEMA = json.loads((SCHEMAS / "release-package-schema.json").read_text())
RECORD_PACKAGE_SCHEMA = json.loads((SCHEMAS / "record-package-schema.json").read_text())
# The packages point at the release and record schemas by URL: offline, the release schema is the shipped
# dereferenced one, and a record is checked here field by field (its releases against the release schema).
REGISTRY = Registry().with_resources([
    (RELEASE_PACKAGE_SCHEMA["properties"]["releases"]["items"]["$ref"],
     Resource.from_contents(RELEASE_SCHEMA, default_specification=DRAFT4)),
    (RECORD_PACKAGE_SCHEMA["properties"]["records"]["items"]["$ref"],
     Resource.from_contents({}, default_specification=DRAFT4)),
])
RELEASES = Draft4Validator(RELEASE_SCHEMA)
DATE_KEYS = {"date", "dateSigned", "startDate", "endDate", "dueDate", "dateMet", "dateModified",
             "publishedDate"}


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), django_db_blocker.unblock(), \
            transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def org() -> Organization:
    return Organization.objects.get(slug="khorasan-razavi")


def admin() -> User:
    return User.objects.get(username="orgadmin")


def public() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="fa")


def schema_errors(release: dict[str, Any]) -> list[str]:
    return [f"{release['id']} {list(error.path)}: {error.message[:160]}"
            for error in RELEASES.iter_errors(release)]


def dates_of(value: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in dates_of(v, k)]
    if isinstance(value, list):
        return [found for v in value for found in dates_of(v, key)]
    return [(key, value)] if key in DATE_KEYS else []


def party_references(value: Any, key: str = "") -> list[str]:
    """The ids of the parties a release refers to (buyer, procuring entity, tenderers, suppliers, payer…)."""
    found = []
    if isinstance(value, dict):
        if key in {"buyer", "procuringEntity", "tenderers", "suppliers", "payer", "payee"} and "id" in value:
            found.append(value["id"])
        for k, v in value.items():
            if k != "parties":
                found += party_references(v, k)
    elif isinstance(value, list):
        for v in value:
            found += party_references(v, key)
    return found


def all_pages(client: Client, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
    found, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, query)
        assert response.status_code == 200, response.content
        body = response.json()
        found += body[key]
        cursor = body["next_cursor"]
        if cursor is None:
            return found


def public_pages(client: Client) -> list[str]:
    """The text of every public page: the index, the list (every page of it) and each process's timeline."""
    texts, listed, number = [client.get("/transparency/").content.decode()], [], 1
    while True:
        response = client.get("/transparency/khorasan-razavi/processes/", {"page": number})
        texts.append(response.content.decode())
        listed += response.context["object_list"]
        if not response.context["page_obj"].has_next():
            break
        number += 1
    assert listed
    texts += [client.get(f"/transparency/khorasan-razavi/processes/{row.ocid}/").content.decode()
              for row in listed]
    return [re.sub(r"<[^>]+>", " ", text) for text in texts]


def words(text: str) -> set[str]:
    return set(re.findall(r"[\w\u200c]+", text))


@pytest.mark.usefixtures("loaded_demo")
@pytest.mark.django_db
class TestOcdsOverTheDemo:
    def test_the_demo_publishes_every_kind(self):
        kinds = {process.kind for process in published_processes(organization=org())}
        assert kinds == set(ProcessKind)

    def test_every_release_and_compiled_release_validates_against_the_shipped_schema(self):
        processes = published_processes(organization=org())
        assert len(processes) >= 20
        errors, count = [], 0
        for process in processes:
            record = process.record()
            for release in [*process.releases, record["compiledRelease"]]:
                count += 1
                errors += schema_errors(release)
                assert release["ocid"].startswith(f"{settings.HAMYAR_OCID_PREFIX}-khorasan-razavi-")
                for key, value in dates_of(release):
                    parsed = dt.datetime.fromisoformat(value)
                    assert parsed.tzinfo is not None, (release["id"], key, value)
                # Every party a release names is in its parties, and amounts are Rial integers.
                party_ids = {party["id"] for party in release.get("parties", [])}
                assert release["buyer"]["id"] in party_ids
                assert set(party_references(release)) <= party_ids, release["id"]
                for match in re.finditer(r'"currency": "(\w+)"', json.dumps(release)):
                    assert match.group(1) == "IRR"
        assert errors == []
        assert count > 60

    def test_building_reads_a_fixed_number_of_queries(self):
        # The policy, the redactor's people, then one query per kind of row: as many with more rows.
        def queries() -> int:
            with CaptureQueriesContext(connection) as context:
                published_processes(organization=org())
            return len(context.captured_queries)

        publication_policy_set(acting_user=admin(), kinds=ProcessKind.values,
                               withheld_domain_ids=[ServiceDomain.objects.get(code="training").pk])
        before = queries()
        assert before <= 25
        project = Project.objects.get(number="P-1405-00002")
        change = change_order_propose(project=project, acting_user=admin(), amount_change=1_000_000,
                                      reason="بیشتر")
        change_order_approve(change_order=change, acting_user=admin())
        assert queries() == before

    def test_release_ids_are_unique_and_dates_ordered_within_a_process(self):
        ids = []
        for process in published_processes(organization=org()):
            ids += [release["id"] for release in process.releases]
            moments = [dt.datetime.fromisoformat(release["date"]) for release in process.releases]
            assert moments == sorted(moments) and len(set(moments)) == len(moments), process.ocid
        assert len(ids) == len(set(ids))

    def test_a_need_with_an_order_has_planning_tender_award_contract_and_implementation(self):
        # N-1405-00001: 8,500,000,000 Rial estimated; quotation Q-1405-00001 approved at 8,236,800,000.
        process = next(p for p in published_processes(organization=org()) if p.ocid.endswith("N-1405-00001"))
        compiled = process.record()["compiledRelease"]
        tags = {tag for release in process.releases for tag in release["tag"]}
        assert {"planning", "tender", "award", "contract", "implementation"} <= tags
        assert compiled["planning"]["budget"]["amount"] == {"amount": 8_500_000_000, "currency": "IRR"}
        assert compiled["tender"]["status"] == "complete" and compiled["tender"]["numberOfTenderers"] == 1
        [award] = compiled["awards"]
        assert award["id"] == "Q-1405-00001" and award["value"]["amount"] == 8_236_800_000
        [contract] = compiled["contracts"]
        assert contract["awardID"] == "Q-1405-00001" and contract["value"]["amount"] == 8_236_800_000
        assert contract["implementation"]["milestones"]
        roles = {party["name"]: party["roles"] for party in compiled["parties"]}
        assert "buyer" in roles[compiled["buyer"]["name"]]
        assert any("supplier" in r and "tenderer" in r for r in roles.values())
        assert any("procuringEntity" in r for r in roles.values())

    def test_competing_quotations_make_a_limited_tender_with_every_tenderer(self):
        # N-1405-00011 asked two providers for competing quotations (Q-1405-00008 and -00009).
        process = next(p for p in published_processes(organization=org()) if p.ocid.endswith("N-1405-00011"))
        tender = process.record()["compiledRelease"]["tender"]
        assert tender["procurementMethod"] == "limited"
        assert tender["numberOfTenderers"] == 2 and len(tender["tenderers"]) == 2

    def test_the_compiled_record_follows_the_approved_change_order(self):
        # P-1405-00001 was signed at 48,000,000,000 Rial; change order 1 added 3,600,000,000.
        process = next(p for p in published_processes(organization=org()) if p.ocid.endswith("P-1405-00001"))
        [contract] = process.record()["compiledRelease"]["contracts"]
        assert contract["value"] == {"amount": 51_600_000_000, "currency": "IRR"}
        assert [a["id"] for a in contract["amendments"]] == ["1"]
        signed = next(r for r in process.releases if "contract" in r["tag"])
        assert signed["contracts"][0]["value"]["amount"] == 48_000_000_000

    def test_release_ids_are_stable_and_a_change_is_a_new_release(self):
        before = {p.ocid: [r["id"] for r in p.releases] for p in published_processes(organization=org())}
        again = {p.ocid: [r["id"] for r in p.releases] for p in published_processes(organization=org())}
        assert again == before

        # P-1405-00002 (120,000,000,000 Rial) gets a change order of +2,000,000,000, approved.
        project = Project.objects.get(number="P-1405-00002")
        ocid = next(o for o in before if o.endswith("P-1405-00002"))
        change = change_order_propose(project=project, acting_user=admin(), amount_change=2_000_000_000,
                                      reason="افزایش سطح چمن‌کاری", description="۲ هکتار چمن بیشتر")
        change_order_approve(change_order=change, acting_user=admin())
        after = {p.ocid: p for p in published_processes(organization=org())}
        # Every other process, and every earlier release of this one, keeps its ids.
        assert {o: [r["id"] for r in p.releases] for o, p in after.items() if o != ocid} == \
            {o: ids for o, ids in before.items() if o != ocid}
        ids = [r["id"] for r in after[ocid].releases]
        assert ids[: len(before[ocid])] == before[ocid] or set(before[ocid]) < set(ids)
        [new] = [r for r in after[ocid].releases if r["id"] not in before[ocid]]
        assert new["tag"] == ["contractAmendment"]
        assert new["contracts"][0]["value"]["amount"] == 122_000_000_000
        [contract] = after[ocid].record()["compiledRelease"]["contracts"]
        assert contract["value"]["amount"] == 122_000_000_000
        assert contract["amendments"][-1]["rationale"] == "افزایش سطح چمن‌کاری"
        assert schema_errors(new) == []

    def test_the_policy_hides_a_kind_and_a_domain(self):
        construction = ServiceDomain.objects.get(organization=org(), code="construction")
        everything = published_processes(organization=org())
        assert any(p.domain_id == construction.pk for p in everything)
        kinds = [ProcessKind.GOODS, ProcessKind.SERVICES, ProcessKind.WORKS]
        publication_policy_set(acting_user=admin(), kinds=kinds, withheld_domain_ids=[construction.pk])
        shown = published_processes(organization=org())
        assert shown and {p.kind for p in shown} == set(kinds)
        # Construction and the domains under it are withheld.
        under = {construction.pk}
        while True:
            more = set(ServiceDomain.objects.filter(parent_id__in=under).values_list("pk", flat=True)) - under
            if not more:
                break
            under |= more
        assert len(under) > 1
        assert not any(p.domain_id in under for p in shown)
        assert {p.ocid for p in shown} == {p.ocid for p in everything
                                           if p.kind in kinds and p.domain_id not in under}
        hidden = next(p for p in everything if p.domain_id == construction.pk)
        client = public()
        assert client.get(f"/api/v1/ocds/khorasan-razavi/records/{hidden.ocid}").status_code == 404
        released = all_pages(client, "/api/v1/ocds/khorasan-razavi/releases", "releases")
        assert not any(r["ocid"] == hidden.ocid or "-G-" in r["ocid"] for r in released)
        publication_policy_set(acting_user=admin(), kinds=[], withheld_domain_ids=[])
        assert client.get("/api/v1/ocds/khorasan-razavi/releases").json()["releases"] == []

    def test_no_personal_data_in_anything_published(self):
        # The people the database knows: every user's names, every provider's contact person and numbers.
        names, numbers = set(), set()
        for first, last in User.objects.values_list("first_name", "last_name"):
            names |= {normalize(n) for n in (first, last) if n}
            if first and last:
                numbers.add(normalize(f"{first} {last}"))
        for contact, mobile, phone, email in Provider.objects.values_list("contact_name", "mobile", "phone",
                                                                          "email"):
            numbers |= {normalize(v) for v in (contact, mobile, phone, email) if v}
        assert len(names) > 20 and len(numbers) > 20
        # A change order's reason naming a person and a mobile number, to be sure free text is cleaned.
        project = Project.objects.get(number="P-1405-00004")
        change_order_propose(project=project, acting_user=admin(), description="جابه‌جایی دکل روشنایی",
                             reason="به درخواست مهندس حمید نوروزی، تلفن ۰۹۱۵۳۳۶۷۱۲۰، کد ملی 0012345679")
        change_order_approve(change_order=project.change_orders.get(number=1), acting_user=admin())
        ocds_export_task.enqueue(org().pk)
        client = public()
        published = [
            json.dumps(all_pages(client, "/api/v1/ocds/khorasan-razavi/releases", "releases"),
                       ensure_ascii=False),
            json.dumps(all_pages(client, "/api/v1/ocds/khorasan-razavi/records", "records"),
                       ensure_ascii=False),
            b"".join(client.get("/api/v1/ocds/khorasan-razavi/releases.jsonl").streaming_content).decode(),
            "\n".join(public_pages(client)),
        ]
        for text in published:
            text = normalize(text)
            assert "جابه‌جایی دکل روشنایی" in text  # the change order is published…
            found_words = words(text)
            assert names & found_words == set()  # …without any person's name as a word of it
            assert [number for number in numbers if number in text] == []
            assert "0012345679" not in text and "09153367120" not in text

    def test_release_package_pages_and_date_filters(self):
        expected = sorted((dt.datetime.fromisoformat(r["date"]), r["id"])
                           for p in published_processes(organization=org()) for r in p.releases)
        client = public()
        paged = all_pages(client, "/api/v1/ocds/khorasan-razavi/releases", "releases", limit=7)
        assert [(dt.datetime.fromisoformat(r["date"]), r["id"]) for r in paged] == expected
        assert len(paged) > 14  # more than two pages
        first = client.get("/api/v1/ocds/khorasan-razavi/releases", {"limit": 7}).json()
        assert len(first["releases"]) == 7 and first["version"] == "1.1"
        assert first["publisher"]["name"] == org().name
        # The envelope validates (its releases against the release schema).
        package = {k: v for k, v in first.items() if k != "next_cursor"}
        assert list(Draft4Validator(RELEASE_PACKAGE_SCHEMA, registry=REGISTRY).iter_errors(package)) == []
        # [since, until): a window in the middle of the releases.
        since, until = expected[len(expected) // 3][0], expected[2 * len(expected) // 3][0]
        window = all_pages(client, "/api/v1/ocds/khorasan-razavi/releases", "releases",
                           since=since.isoformat(), until=until.isoformat(), limit=5)
        assert [r["id"] for r in window] == [i for moment, i in expected if since <= moment < until]
        assert 0 < len(window) < len(expected)
        # A bare date is midnight in Tehran.
        day = since.astimezone(dt.timezone(dt.timedelta(hours=3, minutes=30))).date()
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))
        from_day = all_pages(client, "/api/v1/ocds/khorasan-razavi/releases", "releases",
                             since=day.isoformat())
        assert [r["id"] for r in from_day] == [i for moment, i in expected if moment >= midnight]
        bad = client.get("/api/v1/ocds/khorasan-razavi/releases", {"cursor": "not-a-cursor"})
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"
        assert client.get("/api/v1/ocds/no-such-org/releases").status_code == 404

    def test_record_package_pages_and_filters(self):
        processes = published_processes(organization=org())
        client = public()
        records = all_pages(client, "/api/v1/ocds/khorasan-razavi/records", "records", limit=4)
        assert sorted(r["ocid"] for r in records) == sorted(p.ocid for p in processes)
        last_dates = [dt.datetime.fromisoformat(r["compiledRelease"]["date"]) for r in records]
        assert last_dates == sorted(last_dates)
        for record in records:
            assert [r["date"] for r in record["releases"]][-1] == record["compiledRelease"]["date"]
            for release in [*record["releases"], record["compiledRelease"]]:
                assert schema_errors(release) == []
        page = client.get("/api/v1/ocds/khorasan-razavi/records", {"limit": 2}).json()
        package = {k: v for k, v in page.items() if k != "next_cursor"}
        assert list(Draft4Validator(RECORD_PACKAGE_SCHEMA, registry=REGISTRY).iter_errors(package)) == []
        since = last_dates[len(last_dates) // 2]
        later = all_pages(client, "/api/v1/ocds/khorasan-razavi/records", "records", since=since.isoformat())
        assert [r["ocid"] for r in later] == [r["ocid"] for r, d in zip(records, last_dates, strict=True)
                                              if d >= since]
        one = client.get(f"/api/v1/ocds/khorasan-razavi/records/{records[0]['ocid']}").json()
        assert one["records"] == [records[0]]

    def test_the_bulk_file_is_every_published_release_one_a_line(self):
        client = public()
        assert client.get("/api/v1/ocds/khorasan-razavi/releases.jsonl").json()["code"] == "not_built"
        ocds_export_task.enqueue(org().pk)
        export = OcdsExport.objects.get(organization=org())
        assert export.status == ExportStatus.READY
        response = client.get("/api/v1/ocds/khorasan-razavi/releases.jsonl")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/jsonl")
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == export.sha256
        lines = body.decode().splitlines()
        releases = [json.loads(line) for line in lines]
        assert len(releases) == export.releases
        paged = all_pages(client, "/api/v1/ocds/khorasan-razavi/releases", "releases")
        assert sorted(r["id"] for r in releases) == sorted(r["id"] for r in paged)
        assert all(schema_errors(release) == [] for release in releases)

    def test_build_everything_ignores_the_policy_and_the_policy_page_opens(self):
        assert len(build_processes(org())) == len(published_processes(organization=org()))
        out = io.StringIO()
        call_command("ocds_validate", stdout=out)
        assert out.getvalue().startswith("khorasan-razavi: ") and out.getvalue().endswith(": valid.\n")
        client = Client(HTTP_ACCEPT_LANGUAGE="fa")
        client.force_login(admin())
        page = client.get("/transparency/policy/")
        assert page.status_code == 200 and "/api/v1/ocds/khorasan-razavi/releases" in page.content.decode()
