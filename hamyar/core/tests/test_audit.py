"""The audit log is append-only and hash-chained per organization; audit_verify finds the first break."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError
from django.utils.translation import override

from hamyar.accounts.models import User
from hamyar.core.audit import (
    GENESIS,
    _digest,
    audit_record,
    audit_record_many,
    audit_verify_chain,
    snapshot,
)
from hamyar.core.models import AuditEvent

TABLE = connection.ops.quote_name(AuditEvent._meta.db_table)


def record_events(tenant, count: int) -> list[AuditEvent]:
    """`count` events in the tenant's chain, as services write them."""
    events = []
    for i in range(count):
        before = snapshot(tenant.vakilabad)
        tenant.vakilabad.description = f"ویرایش {i}"
        events.append(audit_record(actor=tenant.users["commerce"], action="asset.update",
                                   obj=tenant.vakilabad, before=before, after=snapshot(tenant.vakilabad)))
    return events


def run_verify() -> tuple[str, str, bool]:
    out, err = StringIO(), StringIO()
    with override("en"):
        try:
            call_command("audit_verify", stdout=out, stderr=err)
        except CommandError as error:
            return out.getvalue(), err.getvalue() + str(error), False
    return out.getvalue(), err.getvalue(), True


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Append-only --------------------------------------------------------------------------------------


def test_an_event_cannot_be_saved_again(tenant):
    [event] = record_events(tenant, 1)
    event.action = "asset.delete"
    with pytest.raises(TypeError):
        event.save()


def test_an_event_cannot_be_deleted(tenant):
    [event] = record_events(tenant, 1)
    with pytest.raises(TypeError):
        event.delete()


def test_events_cannot_be_updated_or_deleted_in_bulk(tenant):
    events = record_events(tenant, 2)
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(organization=tenant.org).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(organization=tenant.org).delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.bulk_update(events, ["action"])
    assert AuditEvent.objects.filter(organization=tenant.org, action="asset.update").count() == 2


def test_a_user_who_acted_cannot_be_deleted_so_old_events_are_never_rewritten(tenant):
    record_events(tenant, 1)
    with pytest.raises(ProtectedError):
        tenant.users["commerce"].delete()
    assert audit_verify_chain(tenant.org.pk) is None


# The chain ----------------------------------------------------------------------------------------


def test_each_organization_has_its_own_chain(tenant, other_tenant):
    first, second = record_events(tenant, 2)
    [other] = record_events(other_tenant, 1)
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.previous_hash == GENESIS == other.previous_hash
    assert second.previous_hash == first.hash
    assert first.hash != other.hash


def test_a_batch_of_events_continues_the_same_chain(tenant):
    record_events(tenant, 1)
    batch = audit_record_many(actor=tenant.users["commerce"], organization=tenant.org, entries=[
        ("provider.update", tenant.supplier, {"name": "a"}, {"name": "b"}),
        ("provider.update", tenant.affiliate, None, {"name": "c"}),
    ])
    assert [e.sequence for e in batch] == [2, 3]
    assert all(e.pk for e in batch)
    assert batch[1].previous_hash == batch[0].hash
    record_events(tenant, 1)
    assert AuditEvent.objects.filter(organization=tenant.org).count() == 4
    assert audit_verify_chain(tenant.org.pk) is None
    assert audit_record_many(actor=None, organization=tenant.org, entries=[]) == []


def test_an_event_records_actor_action_object_before_and_after(tenant):
    [event] = record_events(tenant, 1)
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == tenant.users["commerce"]
    assert event.actor_label == tenant.users["commerce"].username
    assert (event.action, event.object_type, event.object_id) == (
        "asset.update", "directory.municipalasset", str(tenant.vakilabad.pk))
    assert event.before["description"] == "" and event.after["description"] == "ویرایش 0"
    assert event.organization == tenant.org


def test_an_event_without_an_actor_is_recorded_as_system(tenant):
    event = audit_record(actor=None, action="import", obj=tenant.vakilabad)
    assert event.actor is None and event.actor_label == "system"
    assert audit_verify_chain(tenant.org.pk) is None


def test_values_that_change_shape_in_the_database_still_verify(tenant):
    """jsonb gives keys back re-ordered and 1e20 as an integer; the hash must not care."""
    after = {
        "z": 1, "a": [3, 2, 1], "amount": Decimal("12500000.50"), "on": dt.date(2026, 11, 24),
        "at": dt.datetime(2026, 11, 23, 21, 0, 0, 123456, tzinfo=dt.UTC), "big": 1e20, "small": 0.1,
        "whole": 2.0, "huge": 2**62, "name": "نیمکت‌سازان «توس»", "quote": 'a "b" \\ c', "none": None,
        "yes": True, "nested": {"y": {"b": 1, "a": [{"k": "v"}]}}, 7: "int key",
    }
    audit_record(actor=tenant.users["admin"], action="x", obj=tenant.vakilabad, before={}, after=after)
    record_events(tenant, 1)
    assert audit_verify_chain(tenant.org.pk) is None


def test_the_hash_does_not_depend_on_the_time_zone_a_datetime_comes_back_in(tenant):
    [event] = record_events(tenant, 1)
    event = AuditEvent.objects.get(pk=event.pk)
    event.created_at = event.created_at.astimezone(ZoneInfo("Asia/Tehran"))
    assert _digest(event) == event.hash


# audit_verify -------------------------------------------------------------------------------------


def test_an_intact_log_passes_and_says_how_many_events(tenant, other_tenant):
    record_events(tenant, 3)
    record_events(other_tenant, 2)
    out, err, ok = run_verify()
    assert ok, err
    assert "intact: 5 events" in out
    assert err == ""


def test_an_empty_log_is_intact(db):
    out, _, ok = run_verify()
    assert ok
    assert "intact: 0 events" in out


def test_an_event_changed_with_raw_sql_is_reported_at_its_sequence(tenant, other_tenant):
    events = record_events(tenant, 5)
    record_events(other_tenant, 2)
    raw(f"UPDATE {TABLE} SET actor_label = %s WHERE id = %s", ["someone-else", events[2].pk])
    out, err, ok = run_verify()
    assert not ok
    assert f"organization {tenant.org.pk}: event #3 was changed" in err
    assert f"organization {other_tenant.org.pk}" not in err  # the other chain is intact
    assert tenant.org.name in err


def test_a_changed_before_or_after_is_reported(tenant):
    events = record_events(tenant, 3)
    value = '{"description": "forged"}'
    cast = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    raw(f"UPDATE {TABLE} SET after = {cast} WHERE id = %s", [value, events[1].pk])
    problem = audit_verify_chain(tenant.org.pk)
    assert (problem.sequence, problem.kind) == (2, "changed")


def test_an_event_deleted_with_raw_sql_is_reported_missing(tenant):
    events = record_events(tenant, 5)
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])
    out, err, ok = run_verify()
    assert not ok
    assert f"organization {tenant.org.pk}: event #2 is missing" in err


def test_the_first_event_deleted_is_reported_missing(tenant):
    events = record_events(tenant, 3)
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[0].pk])
    problem = audit_verify_chain(tenant.org.pk)
    assert (problem.sequence, problem.kind) == (1, "missing")


def test_a_changed_event_whose_hash_was_recomputed_is_caught_by_the_next_event(tenant):
    events = record_events(tenant, 4)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.actor_label = "someone-else"
    raw(f"UPDATE {TABLE} SET actor_label = %s, hash = %s WHERE id = %s",
        [forged.actor_label, _digest(forged), forged.pk])
    problem = audit_verify_chain(tenant.org.pk)
    assert (problem.sequence, problem.kind) == (2, "changed")
    _, err, ok = run_verify()
    assert not ok and "event #2 was changed" in err


def test_only_the_first_break_of_a_chain_is_reported(tenant):
    events = record_events(tenant, 5)
    raw(f"UPDATE {TABLE} SET action = %s WHERE id IN (%s, %s)", ["x", events[1].pk, events[3].pk])
    _, err, _ = run_verify()
    assert "event #2 was changed" in err
    assert "#4" not in err


def test_the_report_is_in_persian_by_default(tenant):
    events = record_events(tenant, 2)
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[0].pk])
    err = StringIO()
    with override("fa"), pytest.raises(CommandError):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert "رویداد #1" in err.getvalue()


def test_events_of_no_organization_form_their_own_chain(tenant):
    user = User.objects.create_user(username="loner")
    first = audit_record(actor=None, action="user.note", obj=user)
    second = audit_record(actor=None, action="user.note", obj=user)
    assert first.organization_id is None and (first.sequence, second.sequence) == (1, 2)
    record_events(tenant, 1)
    out, _, ok = run_verify()
    assert ok and "intact: 3 events in 2 chain(s)" in out
    raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["x", first.pk])
    _, err, ok = run_verify()
    assert not ok and "organization -: event #1 was changed" in err


# The admin ----------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser("root", "root@example.com", "Root-Pass-1405")
    client.force_login(user)
    return client


def test_the_admin_lists_and_shows_events_but_cannot_add_change_or_delete(tenant, superuser_client):
    [event] = record_events(tenant, 1)
    base = "/admin/core/auditevent/"
    assert superuser_client.get(base).status_code == 200
    detail = superuser_client.get(f"{base}{event.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert superuser_client.get(f"{base}add/").status_code == 403
    assert superuser_client.get(f"{base}{event.pk}/delete/").status_code == 403
    superuser_client.post(f"{base}{event.pk}/change/", {"action": "forged"})
    assert AuditEvent.objects.get(pk=event.pk).action == "asset.update"
    assert audit_verify_chain(tenant.org.pk) is None
