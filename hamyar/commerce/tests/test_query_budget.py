"""Query budgets of the quotation approval: the clerk's approval places the order, notifies and moves
the need, and must stay within 25 queries by service, by API and by page (issue 12)."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import services
from hamyar.commerce.choices import QuotationStatus as S
from hamyar.commerce.models import Order, Quotation
from hamyar.commerce.tests.factories import assigned_need, set_policy

APPROVE_BUDGET = 25


@pytest.fixture
def quotation(tenant) -> Quotation:
    """A quotation sent to District 9, below both thresholds: the clerk's approval approves it."""
    set_policy(tenant, deputy_approval_above=10**13, mayor_approval_above=10**13)
    need = assigned_need(tenant, build_catalog(tenant))
    draft = services.quotation_create(need=need, acting_user=tenant.users["supplier"])
    sent = services.quotation_send(quotation=draft, acting_user=tenant.users["supplier"])
    assert sent.status == S.SENT
    return Quotation.objects.get(pk=sent.pk)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_approving_a_quotation_by_service_costs_at_most_25_queries(tenant, quotation):
    with CaptureQueriesContext(connection) as queries:
        services.quotation_approve(quotation=quotation, acting_user=tenant.users["district9"])
    assert Order.objects.filter(quotation=quotation).exists()
    assert len(queries) <= APPROVE_BUDGET, len(queries)


def test_approving_a_quotation_over_the_api_costs_at_most_25_queries(tenant, quotation):
    client = client_of(tenant.users["district9"])
    client.get("/api/v1/commerce/quotations")  # the session's user and membership are read once
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/commerce/quotations/{quotation.pk}/approve", json.dumps({}),
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved", response.content
    assert len(queries) <= APPROVE_BUDGET, len(queries)


def test_approving_a_quotation_on_its_page_costs_at_most_25_queries(tenant, quotation):
    client = client_of(tenant.users["district9"])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/commerce/quotations/{quotation.pk}/approve/")
    assert response.status_code == 302
    assert Order.objects.filter(quotation=quotation).exists()
    assert len(queries) <= APPROVE_BUDGET, len(queries)
