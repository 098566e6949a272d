"""The needs list's `month` and `since` filters (Jalali yyyymm of the submission, in Tehran): what a
dashboard figure links to; a month that does not exist is a clear error on the form, never a 500."""

import pytest

from hamyar.insights.tests.dashboard_data import build_dealings
from hamyar.needs.filters import NeedFilter
from hamyar.needs.selectors import need_list


@pytest.fixture
def dealings(tenant):
    return build_dealings(tenant)


def numbers(rows) -> set[str]:
    return {need.number for need in rows}


def test_month_selects_the_needs_submitted_in_it(tenant, dealings):
    rows = need_list(user=tenant.users["commerce"], filters={"month": dealings.m2})
    assert numbers(rows) == {dealings.needs["B"].number, dealings.needs["D"].number}


def test_since_selects_from_the_start_of_the_month_and_leaves_drafts_out(tenant, dealings):
    rows = need_list(user=tenant.users["commerce"], filters={"since": dealings.m2, "domain": tenant.green.pk})
    assert numbers(rows) == {dealings.needs["A"].number, dealings.needs["C"].number}
    everything = need_list(user=tenant.users["commerce"], filters={"domain": tenant.green.pk})
    assert dealings.needs["draft"].number in numbers(everything)  # without a month, drafts are listed


@pytest.mark.parametrize("typed, month", [("140507", 140507), ("۱۴۰۵۰۷", 140507), ("1405/07", 140507),
                                           (" 1405-07 ", 140507)])
def test_the_month_is_read_in_any_digits(typed, month):
    form = NeedFilter({"month": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["month"] == month


@pytest.mark.parametrize("typed", ["140513", "140500", "1405", "abc", "99990101", "120001"])
def test_a_month_that_does_not_exist_is_refused(typed):
    form = NeedFilter({"month": typed})
    assert not form.is_valid()
    assert "140509" in str(form.errors["month"][0]) or "۱۴۰۵۰۹" in str(form.errors["month"][0])


def test_the_page_shows_the_error_and_filters_nothing_by_it(client, tenant, dealings):
    client.force_login(tenant.users["commerce"])
    response = client.get("/needs/?month=140513")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="filter-errors"' in html and "۱۴۰۵۰۹" in html
    assert response.context["page_obj"].paginator.count == 7  # every need: the bad month narrows nothing


def test_the_page_lists_the_month(client, tenant, dealings):
    client.force_login(tenant.users["executive"])
    response = client.get(f"/needs/?month={dealings.m1}")
    assert {n.number for n in response.context["page_obj"].object_list} == {
        dealings.needs[key].number for key in ("A", "C", "gap")}


def test_the_api_reads_the_same_month(client, tenant, dealings):
    client.force_login(tenant.users["commerce"])
    response = client.get(f"/api/v1/needs?month={dealings.m2}")
    assert response.status_code == 200
    assert {row["number"] for row in response.json()["items"]} == {dealings.needs["B"].number,
                                                                    dealings.needs["D"].number}
    assert client.get("/api/v1/needs?month=140513").status_code == 422
