"""One definition of "overdue": the triage queue flags exactly the submitted needs the overdue page lists,
whatever the needs' states, clocks and service levels."""

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamyar.needs import selectors, services
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need

from .helpers import project_need, submitted

H = dt.timedelta(hours=1)
STATES = [NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.ASSIGNED,
          NeedStatus.QUOTED, NeedStatus.APPROVED, NeedStatus.FULFILLED, NeedStatus.REJECTED,
          NeedStatus.CANCELLED]

need_states = st.tuples(
    st.sampled_from(STATES),
    st.integers(min_value=0, max_value=24 * 40),  # hours since submission
    st.integers(min_value=0, max_value=24 * 5),  # hours to triage, when triaged
    st.booleans(),  # in the green domain (its own level) or lighting (the default)
)


def _make(tenant, state, age: int, triage_after: int, green: bool, now: dt.datetime) -> Need:
    need = project_need(tenant, domain=tenant.green if green else tenant.lighting)
    if state == NeedStatus.DRAFT:
        return need
    submitted(tenant, need)
    began = now - age * H - H / 2  # half an hour off the hour: never exactly on a target
    stamps = {"status": state, "submitted_at": began}
    if state not in (NeedStatus.SUBMITTED, NeedStatus.CANCELLED):
        stamps["triaged_at"] = began + triage_after * H
    if state in (NeedStatus.FULFILLED, NeedStatus.REJECTED, NeedStatus.CANCELLED):
        stamps["closed_at"] = began + (triage_after + 1) * H
    Need.objects.filter(pk=need.pk).update(**stamps)
    return need


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=st.lists(need_states, min_size=1, max_size=6), triage_hours=st.integers(1, 72))
def test_the_triage_queue_flags_exactly_the_overdue_submitted_needs(tenant, states, triage_hours):
    services.service_level_set(acting_user=tenant.users["admin"], domain=tenant.green,
                               triage_hours=triage_hours, first_quotation_hours=triage_hours + 24,
                               delivery_days=10)
    now = timezone.now()
    for state in states:
        _make(tenant, *state, now=now)
    officer = tenant.users["commerce"]
    queue = selectors.need_triage_queue(user=officer, now=now)
    flagged = {n.pk for n in queue if n.overdue_clock is not None}
    overdue = {row.need.pk for row in selectors.need_overdue(user=officer, now=now)}
    assert flagged == overdue & {n.pk for n in queue}
    # and every overdue need still waiting for triage is in the queue
    waiting = Need.objects.filter(pk__in=overdue, status=NeedStatus.SUBMITTED)
    assert set(waiting.values_list("pk", flat=True)) <= flagged


def test_the_pages_agree_on_what_is_overdue(tenant):
    now = timezone.now()
    late = _make(tenant, NeedStatus.SUBMITTED, 30, 0, True, now)  # the default 24 hours to triage
    fresh = _make(tenant, NeedStatus.SUBMITTED, 2, 0, True, now)
    client = Client()
    client.force_login(tenant.users["commerce"])
    queue = client.get(reverse("needs:triage_queue")).content.decode()
    found = re.findall(r'href="/needs/(\d+)/"(.*?)</tr>', queue, re.S)
    rows = {int(pk): "overdue-flag" in row for pk, row in found}
    assert rows == {late.pk: True, fresh.pk: False}
    listed = client.get(reverse("needs:overdue")).content.decode()
    assert {int(pk) for pk in re.findall(r'href="/needs/(\d+)/"', listed)} == {late.pk}
