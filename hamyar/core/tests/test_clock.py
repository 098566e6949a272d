"""The audit log's clock: real time unless a caller sets it for a block, and set only for that block."""

import datetime as dt

import pytest
from django.utils import timezone

from hamyar.core import clock
from hamyar.core.audit import audit_record, audit_verify_chain
from hamyar.core.models import AuditEvent


def test_events_inside_the_block_happen_at_the_clocks_time_and_the_chain_holds(tenant):
    back = timezone.now() - dt.timedelta(days=40)
    with clock.at(back):
        inside = audit_record(actor=tenant.users["admin"], action="demo.step", obj=tenant.district9)
    after = audit_record(actor=tenant.users["admin"], action="demo.step", obj=tenant.district9)
    assert AuditEvent.objects.get(pk=inside.pk).created_at == back
    assert abs(AuditEvent.objects.get(pk=after.pk).created_at - timezone.now()) < dt.timedelta(minutes=1)
    assert clock.now() > back
    assert audit_verify_chain(tenant.org.pk) is None


def test_the_clock_takes_only_an_aware_time():
    with pytest.raises(ValueError), clock.at(dt.datetime(2026, 1, 1)):  # noqa: DTZ001 - the point of the test
        pass


def test_a_message_sent_inside_the_block_is_dated_at_the_clocks_time_and_one_after_it_now(tenant):
    from hamyar.accounts.services import notify

    back = timezone.now() - dt.timedelta(days=12)
    recipient = tenant.users["district9"]
    with clock.at(back):
        [inside] = notify(organization_id=tenant.org.pk, recipients=[recipient], subject="then")
    [after] = notify(organization_id=tenant.org.pk, recipients=[recipient], subject="now")
    inside.refresh_from_db()
    after.refresh_from_db()
    assert inside.created_at == back
    assert abs(after.created_at - timezone.now()) < dt.timedelta(minutes=1)
    assert not clock.is_set()
