"""The chain's head anchored outside the audit table: audit_verify catches the newest events deleted or
re-hashed, and any row edited in the database (by SQL or by a queryset that bypasses the guard)."""

from io import StringIO

from django.core.management import call_command
from django.utils.translation import override

from hamyar.core.audit import (
    GENESIS,
    _digest,
    audit_anchor_record,
    audit_chain_heads,
    audit_verify_anchor,
)
from hamyar.core.management.commands.periodic import periodic_tasks
from hamyar.core.models import AuditAnchor, AuditEvent
from hamyar.core.tasks import audit_anchor_task

from .test_audit import TABLE, raw, record_events, run_verify


def test_the_head_is_the_count_and_the_last_hash_of_each_chain(tenant, other_tenant):
    events = record_events(tenant, 3)
    [other] = record_events(other_tenant, 1)
    heads = audit_chain_heads()
    assert (heads[tenant.org.pk].count, heads[tenant.org.pk].last_hash) == (3, events[2].hash)
    assert (heads[other_tenant.org.pk].count, heads[other_tenant.org.pk].last_hash) == (1, other.hash)
    assert list(audit_chain_heads([other_tenant.org.pk])) == [other_tenant.org.pk]


def test_anchoring_records_each_moved_head_once(tenant, other_tenant):
    record_events(tenant, 2)
    record_events(other_tenant, 1)
    assert len(audit_anchor_record()) == 2
    assert audit_anchor_record() == []  # nothing moved
    events = record_events(tenant, 1)
    [anchor] = audit_anchor_record()
    assert (anchor.organization_id, anchor.count, anchor.last_hash) == (tenant.org.pk, 3, events[0].hash)
    assert AuditAnchor.objects.count() == 3


def test_the_command_and_the_periodic_task_anchor(tenant):
    record_events(tenant, 2)
    out = StringIO()
    with override("en"):
        call_command("audit_anchor", stdout=out)
    assert "1 chain head(s) anchored" in out.getvalue()
    assert audit_anchor_task in periodic_tasks()
    record_events(tenant, 1)
    assert audit_anchor_task.call() == 1
    assert AuditAnchor.objects.filter(organization=tenant.org).order_by("-count").first().count == 3


def test_an_intact_chain_reaches_its_anchor(tenant):
    record_events(tenant, 3)
    audit_anchor_record()
    record_events(tenant, 2)  # newer than the anchor: fine
    assert audit_verify_anchor(tenant.org.pk) is None
    out, err, ok = run_verify()
    assert ok, err


def test_deleting_the_newest_events_is_reported(tenant, other_tenant):
    events = record_events(tenant, 5)
    record_events(other_tenant, 1)
    audit_anchor_record()
    raw(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    out, err, ok = run_verify()
    assert not ok
    assert f"organization {tenant.org.pk}: event #4 is missing" in err
    assert "5 events were anchored" in err and "3 remain" in err
    assert f"organization {other_tenant.org.pk}" not in err


def test_deleting_every_event_of_an_anchored_chain_is_reported(tenant):
    events = record_events(tenant, 2)
    audit_anchor_record()
    raw(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [events[0].pk, events[1].pk])
    _, err, ok = run_verify()
    assert not ok and f"organization {tenant.org.pk}: event #1 is missing" in err


def test_rehashing_the_newest_event_is_reported(tenant):
    events = record_events(tenant, 3)
    audit_anchor_record()
    forged = AuditEvent.objects.get(pk=events[2].pk)
    forged.actor_label = "someone-else"
    raw(f"UPDATE {TABLE} SET actor_label = %s, hash = %s WHERE id = %s",
        [forged.actor_label, _digest(forged), forged.pk])
    _, err, ok = run_verify()
    assert not ok
    assert f"organization {tenant.org.pk}: event #3 was changed" in err
    assert "differs from the one anchored" in err


def test_replacing_the_newest_events_with_as_many_forged_ones_is_reported(tenant):
    events = record_events(tenant, 3)
    audit_anchor_record()
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
    record_events(tenant, 1)  # a new #3, validly chained to #2
    problem = audit_verify_anchor(tenant.org.pk)
    assert (problem.sequence, problem.kind) == (3, "changed")


def test_a_row_edited_through_the_base_manager_is_reported(tenant):
    """The queryset guard stops `AuditEvent.objects.update`; a queryset that bypasses it is still caught."""
    events = record_events(tenant, 3)
    AuditEvent._base_manager.filter(pk=events[1].pk).update(object_repr="forged")
    _, err, ok = run_verify()
    assert not ok and f"organization {tenant.org.pk}: event #2 was changed" in err


def test_a_row_edited_with_sql_is_reported_by_name(tenant):
    events = record_events(tenant, 3)
    audit_anchor_record()
    raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["asset.delete", events[0].pk])
    _, err, ok = run_verify()
    assert not ok and f"{tenant.org.name}: organization {tenant.org.pk}: event #1 was changed" in err


def test_no_events_no_head(db):
    assert audit_chain_heads() == {}
    assert audit_anchor_record() == []
    assert GENESIS == "0" * 64
