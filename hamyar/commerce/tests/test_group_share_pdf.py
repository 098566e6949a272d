"""A municipality's share of a group purchase as a Persian PDF: it opens, it carries the pool, the agency
agreement and the share's own figures (an estimate until allocated), and no one prints another's share."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from hamyar.commerce.models import Participant
from hamyar.core.money import vat_amount
from hamyar.core.text import to_persian_digits

from .group_data import bench_pool

API = "/api/v1/commerce/group-purchases"
TIER_10, TIER_50 = 187_200_000, 179_400_000
ESTIMATE = "برآورد"


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pool(tenant):
    pool = bench_pool(tenant)
    for user, quantity in ((pool.users[pool.towns[0].name], 12), (tenant.users["district9"], 45)):
        body = {"lines": [{"item": pool.catalog.bench.pk, "quantity": quantity}]}
        response = session(user).post(f"{API}/{pool.group_purchase.pk}/join", json.dumps(body),
                                      content_type="application/json")
        assert response.status_code == 200, response.content
    return pool


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


def shown(text: str, value: int | str) -> bool:
    """`value` as the PDF prints it (Persian digits, ٬ between thousands); text extraction may give a run of
    digits inside right-to-left text in either order."""
    printed = to_persian_digits(f"{value:,}".replace(",", "٬") if isinstance(value, int) else value)
    return printed in text or printed[::-1] in text


def share(client: Client, pool, **params):
    return client.get(f"{API}/{pool.group_purchase.pk}/share.pdf", params)


def test_before_allocation_the_share_is_an_estimate_at_the_current_tier(tenant, pool):
    text = pdf_text(share(session(pool.users[pool.towns[0].name]), pool))
    subtotal = 12 * TIER_50  # 57 pooled: the tier of 50
    vat = vat_amount(subtotal, pool.group_purchase.vat_percent)
    assert ESTIMATE in text
    assert shown(text, pool.group_purchase.number) and shown(text, tenant.agreement.number)
    for figure in (TIER_50, subtotal, vat, subtotal + vat, 12 * TIER_10 - subtotal, 57):
        assert shown(text, figure), figure
    assert tenant.supplier.name.replace("\u200c", "")[:6] in text.replace("\u200c", "")


def test_after_allocation_the_share_carries_its_order_and_fixed_amounts(tenant, pool):
    closed = session(tenant.users["commerce"]).post(f"{API}/{pool.group_purchase.pk}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "allocated"
    place = Participant.objects.select_related("order").get(group_purchase=pool.group_purchase,
                                                            municipality=pool.towns[0])
    text = pdf_text(share(session(pool.users[pool.towns[0].name]), pool))
    assert ESTIMATE not in text
    assert shown(text, place.order.number) and shown(text, tenant.agreement.number)
    for figure in (place.subtotal, place.vat_amount, place.total, place.saving):
        assert shown(text, figure), figure


def test_an_officer_prints_the_share_a_municipality_names(tenant, pool):
    officer = session(tenant.users["commerce"])
    text = pdf_text(share(officer, pool, municipality=tenant.district9.pk))
    assert shown(text, 45 * TIER_50)
    page = reverse("commerce:group_share_pdf", args=[pool.group_purchase.pk])
    assert shown(pdf_text(officer.get(page, {"municipality": pool.towns[0].pk})), 12 * TIER_50)
    chooses = officer.get(page)  # on the page, an officer without a municipality goes to the pool to choose
    assert chooses.status_code == 302
    assert chooses["Location"] == reverse("commerce:group_purchase_detail", args=[pool.group_purchase.pk])
    assert share(officer, pool).status_code == 422
    assert share(officer, pool, municipality=tenant.district10.pk).status_code == 404  # not invited
    assert share(officer, pool, municipality=pool.towns[2].pk).status_code == 409  # invited, not joined


def test_a_municipality_cannot_get_another_share(tenant, other_tenant, pool):
    town = session(pool.users[pool.towns[0].name])
    page = reverse("commerce:group_share_pdf", args=[pool.group_purchase.pk])
    assert shown(pdf_text(town.get(page)), 12 * TIER_50)
    assert share(town, pool, municipality=tenant.district9.pk).status_code == 404
    assert town.get(page, {"municipality": tenant.district9.pk}).status_code == 404
    for user in (tenant.users["district10"], other_tenant.users["district9"], other_tenant.users["commerce"]):
        client = session(user)
        assert share(client, pool).status_code == 404
        assert client.get(page, {"municipality": pool.towns[0].pk}).status_code == 404
    assert session(tenant.users["project_manager"]).get(page).status_code == 403  # reads no pool


def test_the_pool_page_links_each_share_pdf_where_it_opens(tenant, pool):
    """A joined municipality finds its own share's PDF on the pool page; the officer one per joined
    municipality; a municipality only invited has no link (its share would be refused)."""
    detail = reverse("commerce:group_purchase_detail", args=[pool.group_purchase.pk])
    own = session(pool.users[pool.towns[0].name]).get(detail).content.decode()
    assert reverse("commerce:group_share_pdf", args=[pool.group_purchase.pk]) in own
    invited = session(pool.users[pool.towns[1].name]).get(detail).content.decode()
    assert 'id="own-share-pdf"' not in invited
    officer = session(tenant.users["commerce"]).get(detail).content.decode()
    links = [f"share.pdf?municipality={m.pk}" for m in (pool.towns[0], tenant.district9)]
    assert all(link in officer for link in links)
    assert f"share.pdf?municipality={pool.towns[1].pk}" not in officer
    for link in links:
        response = session(tenant.users["commerce"]).get(f"{detail}{link}")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
