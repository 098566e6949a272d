"""The dashboard pages and the role homes stay within their query budgets, flat as rows grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need
from hamyar.needs.tests.helpers import project_need

HOME_BUDGET = 20
DASHBOARD_BUDGET = 25
ROLES = ["admin", "commerce", "finance", "executive", "project_manager", "supplier", "district9"]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _needs(tenant, count: int) -> None:
    """`count` needs spread over the board's columns, a third of them capability gaps."""
    statuses = [NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.REJECTED]
    for i in range(count):
        need = project_need(tenant, title=f"نیاز {i}")
        Need.objects.filter(pk=need.pk).update(status=statuses[i % len(statuses)],
                                               is_capability_gap=i % 3 == 0)


@pytest.mark.parametrize("who", ROLES)
def test_every_home_page_is_within_its_budget(client, tenant, who):
    _needs(tenant, 5)
    client.force_login(tenant.users[who])
    assert _queries(client, reverse("web:home")) <= HOME_BUDGET


def test_the_dashboards_are_within_their_budget_and_flat_as_rows_grow(client, tenant):
    client.force_login(tenant.users["executive"])
    pages = [reverse("needs:board"), reverse("needs:capability_gaps"),
             reverse("commerce:scorecard", args=[tenant.supplier.pk]), reverse("finance:statement_list")]
    _needs(tenant, 5)
    few = [_queries(client, path) for path in pages]
    _needs(tenant, 45)
    many = [_queries(client, path) for path in pages]
    assert max(many) <= DASHBOARD_BUDGET
    assert many == few
