"""A signed export of audit history verifies untouched, and fails when a field is changed, an event removed
or the events reordered; `manage.py audit_check_export` says so and exits 1."""

import copy
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override

from hamyar.core.audit import GENESIS, audit_anchor_record, digest
from hamyar.core.audit_export import check_export, export_object, export_period
from hamyar.core.models import AuditEvent

from .test_audit import record_events


@pytest.fixture(autouse=True)
def in_english():
    with override("en"):
        yield


def period(tenant) -> dict:
    now = timezone.now()
    return export_period(tenant.org.pk, now - dt.timedelta(days=1), now + dt.timedelta(days=1))


def object_export(tenant) -> dict:
    events = AuditEvent.objects.filter(object_type="directory.municipalasset",
                                       object_id=str(tenant.vakilabad.pk)).order_by("sequence")
    return export_object(obj=tenant.vakilabad, organization_id=tenant.org.pk, events=events)


def check_file(tmp_path, document, *args) -> tuple[bool, str, str]:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with override("en"):
        try:
            call_command("audit_check_export", str(path), *args, stdout=out, stderr=err)
        except CommandError as error:
            return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def test_a_period_export_carries_the_events_their_hashes_and_the_head(tenant, other_tenant):
    events = record_events(tenant, 3)
    record_events(other_tenant, 2)
    audit_anchor_record()
    document = period(tenant)
    assert document["kind"] == "period" and document["organization"] == tenant.org.pk
    assert [e["sequence"] for e in document["events"]] == [1, 2, 3]
    assert [e["hash"] for e in document["events"]] == [e.hash for e in events]
    assert document["events"][0]["previous_hash"] == GENESIS
    assert document["head"] == {"organization": tenant.org.pk, "count": 3, "last_hash": events[2].hash}
    assert document["anchor"]["count"] == 3
    # Everything a third party needs: the hash is the digest of the event's other fields.
    first = dict(document["events"][0])
    assert digest({k: v for k, v in first.items() if k != "hash"}) == first.pop("hash")
    assert check_export(document) == []


def test_a_period_leaves_out_events_outside_it(tenant):
    record_events(tenant, 2)
    later = timezone.now() + dt.timedelta(days=2)
    assert export_period(tenant.org.pk, later, later + dt.timedelta(days=1))["events"] == []


def test_an_untouched_export_passes_the_command(tenant, tmp_path):
    record_events(tenant, 3)
    ok, out, err = check_file(tmp_path, period(tenant))
    assert ok, err
    assert "The export verifies: 3 events" in out


def test_a_changed_field_fails(tenant, tmp_path):
    record_events(tenant, 3)
    document = period(tenant)
    document["events"][1]["actor_label"] = "someone-else"
    assert "event #2: its content does not match its hash" in check_export(document)
    ok, _, err = check_file(tmp_path, document)
    assert not ok and "event #2: its content does not match its hash" in err


def test_a_changed_field_rehashed_still_fails_on_the_link_and_the_signature(tenant):
    record_events(tenant, 3)
    document = period(tenant)
    event = document["events"][1]
    event["after"] = {"description": "forged"}
    event["hash"] = digest({k: v for k, v in event.items() if k != "hash"})
    problems = check_export(document)
    assert "event #3 does not link to the event before it" in problems
    assert any("signature" in p for p in problems)


def test_a_removed_event_fails(tenant, tmp_path):
    record_events(tenant, 4)
    document = period(tenant)
    del document["events"][1]
    assert "events #2 to #2 are missing" in check_export(document)
    ok, _, err = check_file(tmp_path, document)
    assert not ok and "missing" in err


def test_the_newest_event_removed_fails_against_the_head_and_the_signature(tenant):
    record_events(tenant, 3)
    document = period(tenant)
    document["events"].pop()
    problems = check_export(document)
    assert problems and any("signature" in p for p in problems)
    # Without the key, the head published on the transparency page still names 3 events.
    assert document["head"]["count"] == 3


def test_reordered_events_fail(tenant, tmp_path):
    record_events(tenant, 3)
    document = period(tenant)
    document["events"][0], document["events"][1] = document["events"][1], document["events"][0]
    assert "event #1 is out of order (after #2)" in check_export(document)
    ok, _, err = check_file(tmp_path, document)
    assert not ok and "out of order" in err


def test_an_object_export_verifies_and_a_removed_event_fails_its_signature(tenant, other_tenant):
    record_events(tenant, 3)
    document = object_export(tenant)
    assert document["kind"] == "object"
    assert document["object"] == {"type": "directory.municipalasset", "id": str(tenant.vakilabad.pk),
                                  "repr": str(tenant.vakilabad)}
    assert check_export(document) == []
    tampered = copy.deepcopy(document)
    del tampered["events"][1]
    assert check_export(tampered) == [
        "the signature does not match: the file was changed or signed with another key"]
    reordered = copy.deepcopy(document)
    reordered["events"].reverse()
    assert "event #2 is out of order (after #3)" in check_export(reordered)


def test_the_signature_is_checked_with_the_organizations_key(tenant, tmp_path):
    record_events(tenant, 2)
    with override_settings(AUDIT_EXPORT_KEY="the-organizations-export-key"):
        document = period(tenant)
    assert check_export(document, key="another-key")[-1].startswith("the signature does not match")
    assert check_export(document, key="the-organizations-export-key") == []
    ok, _, err = check_file(tmp_path, document, "--key", "the-organizations-export-key")
    assert ok, err
    ok, _, _ = check_file(tmp_path, document)  # SECRET_KEY is not the key it was signed with
    assert not ok
    ok, _, err = check_file(tmp_path, document, "--no-signature")  # hashes and links only
    assert ok, err


def test_a_file_that_is_not_an_export_is_refused(tmp_path):
    assert check_export({"events": []}) == ["not a Hamyar audit export"]
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("audit_check_export", str(path), stdout=StringIO(), stderr=StringIO())
