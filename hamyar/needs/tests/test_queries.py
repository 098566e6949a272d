"""Query budgets of submitting a need: through the service, the page and the API.

The need is read once by the route and once under its lock (scope and lock in one query), its lines once
(for the step's check and the audit snapshot), and the organization and municipality are not read again
(the route's read and the actor's membership have them). Savepoints are counted apart: a test runs in a
transaction, so every atomic block of the service is a savepoint here.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.scoping import membership_of
from hamyar.needs import selectors, services
from hamyar.needs.choices import NeedStatus

from .helpers import goods_need

# Reads and writes (savepoints apart): the locked need, its lines, its update; the audit chain's lock, last
# event and new event; the officers to tell, their membership check and their notification.
# Issue 14's insights rollups cost the step one statement: the need noted in the rollups' backlog (worked
# off later, before any read of the figures).
ROLLUPS = 1
SUBMIT_BUDGET = 10 + ROLLUPS
SAVEPOINTS = 2  # inside a test's transaction, the step's atomic block is a savepoint, opened and released
# A request adds its session, user and membership; the page also reads the need it shows the step on;
# the API answers with the need's lines, files, assignments and clocks.
PAGE_BUDGET = SUBMIT_BUDGET + SAVEPOINTS + 4
API_BUDGET = PAGE_BUDGET + 5


@pytest.fixture
def draft(tenant):
    return goods_need(tenant, build_catalog(tenant))


def _statements(queries) -> tuple[int, int]:
    savepoints = sum(1 for q in queries if q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))
    return len(queries) - savepoints, savepoints


@pytest.mark.django_db(transaction=True)
def test_submitting_a_need_costs_at_most_10_queries_all_told(tenant, draft):
    """Outside a test's own transaction, as in a request: every statement counts, savepoints included."""
    clerk = tenant.users["district9"]
    need = selectors.need_get(user=clerk, pk=draft.pk)
    with CaptureQueriesContext(connection) as captured:
        services.need_submit(need=need, acting_user=clerk)
    assert need.status == NeedStatus.SUBMITTED
    sql = [q["sql"] for q in captured.captured_queries]
    # Up to the commit, BEGIN and COMMIT counted too; after it the e-mail job runs (at once in tests).
    step = sql[: sql.index("COMMIT") + 1]
    assert len(step) <= SUBMIT_BUDGET, [q[:90] for q in step]


def test_submitting_a_need_costs_at_most_10_queries(tenant, draft):
    clerk = tenant.users["district9"]
    need = selectors.need_get(user=clerk, pk=draft.pk)  # as a route reads it; the membership is cached
    assert membership_of(clerk) is not None
    with CaptureQueriesContext(connection) as captured:
        services.need_submit(need=need, acting_user=clerk)
    assert need.status == NeedStatus.SUBMITTED
    statements, savepoints = _statements(captured.captured_queries)
    assert statements <= SUBMIT_BUDGET, [q["sql"][:90] for q in captured.captured_queries]
    assert savepoints <= SAVEPOINTS


def test_submitting_a_need_on_its_page_stays_in_budget(client, tenant, draft):
    client.force_login(tenant.users["district9"])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("needs:need_submit", args=[draft.pk]))
    assert response.status_code == 302
    assert len(captured.captured_queries) <= PAGE_BUDGET, [q["sql"][:90] for q in captured.captured_queries]


def test_submitting_a_need_over_the_api_stays_in_budget(client, tenant, draft):
    client.force_login(tenant.users["district9"])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/api/v1/needs/{draft.pk}/submit", json.dumps({}),
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == NeedStatus.SUBMITTED
    assert len(captured.captured_queries) <= API_BUDGET, [q["sql"][:90] for q in captured.captured_queries]
