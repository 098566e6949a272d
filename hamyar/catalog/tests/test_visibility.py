"""An item of a represented supplier is offered to municipalities only while the agency agreement is valid.

conftest's `tenant.other_supplier` has an agreement that expired ten days ago:
its items, prices and price lists are invisible to a municipality user (page and
API: list, detail, search, price lists, exports) and visible, marked with the
date the agreement expired, to officers.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from hamyar.catalog import selectors
from hamyar.catalog.search import item_search
from hamyar.core.errors import NotFound
from hamyar.core.jalali import format_jalali_date
from hamyar.directory.models import AgencyAgreement

from .catalog_data import build_catalog


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def _search_ids(user, query: str) -> set[int]:
    result = item_search(user=user, query=query, domain_id=None, provider_id=None, price_min=None,
                         price_max=None, max_lead_time=None, in_stock=None, limit=50, offset=0)
    return {item.pk for item in result.items}


def _expired_on(tenant) -> str:
    return format_jalali_date(tenant.expired_agreement.ends_on)


def _sheet_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = (c for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    return " ".join(str(c) for c in cells if c is not None)


# ---------------------------------------------------------------- selectors


def test_municipality_user_does_not_list_items_of_a_supplier_whose_agreement_expired(tenant, catalog):
    visible = set(selectors.item_base_queryset(user=tenant.users["district9"]).values_list("pk", flat=True))
    assert catalog.bench.pk in visible and catalog.sapling.pk in visible
    assert catalog.lamp.pk not in visible


def test_officer_lists_them_marked_with_the_day_the_agreement_ended(tenant, catalog):
    lamp = selectors.item_get(user=tenant.users["commerce"], pk=catalog.lamp.pk)
    assert lamp.is_offered is False
    assert lamp.agreement_ended_on == tenant.expired_agreement.ends_on
    bench = selectors.item_get(user=tenant.users["commerce"], pk=catalog.bench.pk)
    assert bench.is_offered is True and bench.agreement_ended_on is None


def test_municipality_user_cannot_open_such_an_item_or_its_price_list(tenant, catalog):
    user = tenant.users["district9"]
    with pytest.raises(NotFound):
        selectors.item_get(user=user, pk=catalog.lamp.pk)
    with pytest.raises(NotFound):
        selectors.price_list_get(user=user, pk=catalog.lamp_list.pk)
    listed = set(selectors.price_list_list(user=user).values_list("pk", flat=True))
    assert catalog.lamp_list.pk not in listed
    assert {catalog.bench_list.pk, catalog.old_list.pk, catalog.sapling_list.pk} <= listed


def test_search_does_not_find_them_for_a_municipality_user(tenant, catalog):
    assert catalog.lamp.pk not in _search_ids(tenant.users["district9"], "چراغ")
    assert catalog.lamp.pk in _search_ids(tenant.users["commerce"], "چراغ")


def test_a_renewed_agreement_offers_the_items_again(tenant, catalog):
    today = timezone.localdate()
    AgencyAgreement.objects.create(
        organization=tenant.org, supplier=tenant.other_supplier, number="kr-A3", commission_percent=4,
        starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=364),
    )
    user = tenant.users["district9"]
    assert selectors.item_get(user=user, pk=catalog.lamp.pk).is_offered is True
    assert selectors.price_list_get(user=user, pk=catalog.lamp_list.pk)


def test_a_supplier_without_any_agreement_is_not_offered(tenant, catalog):
    tenant.expired_agreement.delete()
    commerce = tenant.users["commerce"]
    lamp = selectors.item_get(user=commerce, pk=catalog.lamp.pk)
    assert lamp.is_offered is False and lamp.agreement_ended_on is None
    with pytest.raises(NotFound):
        selectors.item_get(user=tenant.users["district9"], pk=catalog.lamp.pk)


# ---------------------------------------------------------------- pages


def test_catalog_page_hides_them_from_a_municipality_user(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("catalog:item_list")).content.decode()
    assert "نیمکت پارکی فلزی" in page
    assert "چراغ خیابانی" not in page
    found = client.get(reverse("catalog:item_list"), {"q": "چراغ"}).content.decode()
    assert _unmarked(found).count("چراغ خیابانی") == 0


def _unmarked(page: str) -> str:
    """The page without the search's <mark> tags around the matched words."""
    return page.replace("<mark>", "").replace("</mark>", "")


def test_catalog_page_shows_them_to_an_officer_with_the_expiry_mark(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    page = _unmarked(client.get(reverse("catalog:item_list"), {"q": "چراغ"}).content.decode())
    assert "چراغ خیابانی" in page
    assert "offer-mark" in page and _expired_on(tenant) in page


def test_item_page_is_404_for_a_municipality_user_and_marked_for_an_officer(client, tenant, catalog):
    url = reverse("catalog:item_detail", args=[catalog.lamp.pk])
    client.force_login(tenant.users["district9"])
    assert client.get(url).status_code == 404
    client.force_login(tenant.users["commerce"])
    response = client.get(url)
    assert response.status_code == 200
    assert 'id="not-offered"' in response.content.decode()
    assert _expired_on(tenant) in response.content.decode()


def test_price_list_pages_and_export_are_404_for_a_municipality_user(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    assert client.get(reverse("catalog:price_list_detail", args=[catalog.lamp_list.pk])).status_code == 404
    assert client.get(reverse("catalog:price_list_export", args=[catalog.lamp_list.pk])).status_code == 404
    listing = client.get(reverse("catalog:price_list_list")).content.decode()
    assert "فهرست بهای روشنایی" not in listing and "فهرست بهای جاری" in listing


def test_price_list_list_marks_them_for_an_officer(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    listing = client.get(reverse("catalog:price_list_list")).content.decode()
    assert "فهرست بهای روشنایی" in listing and _expired_on(tenant) in listing
    assert client.get(reverse("catalog:price_list_export", args=[catalog.lamp_list.pk])).status_code == 200


def test_search_export_leaves_them_out_for_a_municipality_user(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    sheet = _sheet_text(client.get(reverse("catalog:item_export")).content)
    assert "نیمکت پارکی فلزی" in sheet and "چراغ" not in sheet
    client.force_login(tenant.users["commerce"])
    assert "چراغ" in _sheet_text(client.get(reverse("catalog:item_export")).content)


def test_officers_provider_view_marks_the_supplier(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    page = client.get(reverse("catalog:provider_list")).content.decode()
    assert tenant.other_supplier.name in page and _expired_on(tenant) in page


# ---------------------------------------------------------------- API


def test_api_hides_them_from_a_municipality_user(client, tenant, catalog):
    client.force_login(tenant.users["district9"])
    listed = {row["id"] for row in client.get("/api/v1/catalog/items").json()["items"]}
    assert catalog.lamp.pk not in listed and catalog.bench.pk in listed
    searched = {row["id"] for row in client.get("/api/v1/catalog/items", {"q": "چراغ"}).json()["items"]}
    assert catalog.lamp.pk not in searched
    response = client.get(f"/api/v1/catalog/items/{catalog.lamp.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    lists = {row["id"] for row in client.get("/api/v1/catalog/price-lists").json()["items"]}
    assert catalog.lamp_list.pk not in lists
    assert client.get(f"/api/v1/catalog/price-lists/{catalog.lamp_list.pk}").status_code == 404
    assert client.get(f"/api/v1/catalog/price-lists/{catalog.lamp_list.pk}/export").status_code == 404


def test_api_shows_them_to_an_officer_marked(client, tenant, catalog):
    client.force_login(tenant.users["commerce"])
    body = client.get(f"/api/v1/catalog/items/{catalog.lamp.pk}").json()
    assert body["is_offered"] is False
    assert body["agreement_ended_on"] == tenant.expired_agreement.ends_on.isoformat()
    assert body["agreement_ended_on_jalali"] == format_jalali_date(tenant.expired_agreement.ends_on,
                                                                    persian_digits=False)
    searched = {row["id"] for row in client.get("/api/v1/catalog/items", {"q": "چراغ"}).json()["items"]}
    assert catalog.lamp.pk in searched
