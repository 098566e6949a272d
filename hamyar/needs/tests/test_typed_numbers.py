"""The need form reads every typed number with the one parser: a quantity or a budget written with any
digits and correct separators is stored as that number; a misplaced separator (۱٬۲ for 12) is refused
with a Persian message, and nothing is written."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.jalali import format_jalali_date
from hamyar.core.testing import nothing_written
from hamyar.needs.models import Need

EXAMPLES = settings(max_examples=6, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
DIGITS = [str.maketrans("", ""), str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")]


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def _form(tenant, catalog, *, quantity: str, budget: str = "") -> dict:
    return {"kind": "goods", "title": "نیمکت برای پارک", "site": tenant.vakilabad.pk, "description": "",
            "budget_estimate": budget,
            "desired_date": format_jalali_date(timezone.localdate() + dt.timedelta(days=30)),
            "line_item": [catalog.bench.pk], "line_quantity": [quantity]}


@EXAMPLES
@given(quantity=st.integers(1, 10_000_000), budget=st.integers(0, 10**12),
       mark=st.sampled_from(["٬", ",", "،", ""]), digits=st.sampled_from(DIGITS))
def test_a_grouped_quantity_and_budget_are_stored_as_typed(client, tenant, catalog, quantity, budget, mark,
                                                            digits):
    client.force_login(tenant.users["district9"])
    spell = lambda n: f"{n:,}".replace(",", mark).translate(digits)  # noqa: E731
    response = client.post(reverse("needs:need_create"),
                           _form(tenant, catalog, quantity=spell(quantity), budget=spell(budget)))
    assert response.status_code == 302, response.context and response.context["form"].errors
    need = Need.objects.latest("pk")
    assert (need.lines.get().quantity, need.budget_estimate) == (quantity, budget)


@pytest.mark.parametrize(("quantity", "budget"), [
    ("۱٬۲", ""), ("1,2345", ""), ("12,,345", ""), ("۴۰", "۸٬۰۰"), ("۴۰", "8,000,00"),
])
def test_a_misplaced_thousands_separator_is_refused_and_nothing_is_written(client, tenant, catalog, quantity,
                                                                           budget):
    client.force_login(tenant.users["district9"])
    with nothing_written("needs"):
        response = client.post(reverse("needs:need_create"),
                               _form(tenant, catalog, quantity=quantity, budget=budget))
    assert response.status_code == 422
    assert "جداکننده" in response.content.decode()
