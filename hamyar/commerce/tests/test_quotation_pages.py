"""Quotation pages: what each role sees and may do, refusals that write nothing, scope, the PDF."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import documents, services
from hamyar.commerce import urls as commerce_urls
from hamyar.commerce.choices import QuotationStatus as S
from hamyar.commerce.models import CommercePolicy, Order, Quotation
from hamyar.commerce.tests.factories import assigned_need, set_policy
from hamyar.core.models import AuditEvent
from hamyar.core.roles import Role
from hamyar.core.testing import nothing_written


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def sent_quotation(tenant, catalog):
    set_policy(tenant, deputy_approval_above=10**13, mayor_approval_above=10**13)
    need = assigned_need(tenant, catalog)
    quotation = services.quotation_create(need=need, acting_user=tenant.users["supplier"])
    return services.quotation_send(quotation=quotation, acting_user=tenant.users["supplier"])


def login(client, user):
    client.force_login(user)
    return client


def test_every_route_declares_its_model_and_roles():
    for pattern in commerce_urls.urlpatterns:
        assert pattern.callback.page_model is not None, pattern.name
        assert pattern.callback.page_roles, pattern.name


def test_the_municipality_sees_the_quotation_with_its_agency_statement_and_approves_it(
    client, tenant, sent_quotation
):
    login(client, tenant.users["district9"])
    listing = client.get(reverse("commerce:quotation_list"))
    assert listing.status_code == 200
    assert [q.pk for q in listing.context["waiting"]] == [sent_quotation.pk]
    page = client.get(reverse("commerce:quotation_detail", args=[sent_quotation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "نمایندگی" in html and 'id="agency-statement"' in html
    assert "تومان" in html and 'id="approve"' in html and 'id="send"' not in html
    # Rejecting without a reason: 422, nothing written.
    with nothing_written("commerce", "needs"):
        refused = client.post(
            reverse("commerce:quotation_reject", args=[sent_quotation.pk]), {"reject-reason": ""}
        )
    assert refused.status_code == 422
    approved = client.post(reverse("commerce:quotation_approve", args=[sent_quotation.pk]))
    assert approved.status_code == 302
    assert Quotation.objects.get(pk=sent_quotation.pk).status == S.APPROVED
    with nothing_written("commerce", "needs"):
        again = client.post(reverse("commerce:quotation_approve", args=[sent_quotation.pk]))
    assert again.status_code == 409
    assert "پیش‌تر تأیید" in again.content.decode()
    assert Order.objects.count() == 1


def test_the_supplier_prices_a_need_on_the_form(client, tenant, catalog):
    need = assigned_need(tenant, catalog)
    line = need.lines.get()
    login(client, tenant.users["supplier"])
    url = reverse("commerce:quotation_create", args=[need.pk])
    form = client.get(url)
    assert form.status_code == 200 and "۱۸۷٬۲۰۰٬۰۰۰" in form.content.decode()
    with nothing_written("commerce", "needs"):
        refused = client.post(url, {f"price_{line.pk}": "۱۸۰٬۰۰۰٬۰۰۰", f"reason_{line.pk}": ""})
    assert refused.status_code == 422
    assert "دلیل" in refused.content.decode()
    created = client.post(
        url,
        {
            f"price_{line.pk}": "۱۸۰٬۰۰۰٬۰۰۰",
            f"reason_{line.pk}": "تخفیف حجمی",
            "valid_until": "",
            "lead_time_days": "۲۱",
            "note": "",
        },
    )
    assert created.status_code == 302
    quotation = Quotation.objects.get()
    assert quotation.lines.get().unit_price == 180_000_000 and quotation.lead_time_days == 21
    edit = client.get(reverse("commerce:quotation_edit", args=[quotation.pk]))
    assert edit.status_code == 200
    sent = client.post(reverse("commerce:quotation_send", args=[quotation.pk]))
    assert sent.status_code == 302
    assert Quotation.objects.get().status in {S.SENT, S.AWAITING_DEPUTY}
    # A sent quotation is no longer edited.
    assert client.get(reverse("commerce:quotation_edit", args=[quotation.pk])).status_code == 409


def test_the_deputy_sees_what_waits_for_it_and_approves(client, tenant, catalog):
    need = assigned_need(tenant, catalog)
    quotation = services.quotation_send(
        quotation=services.quotation_create(need=need, acting_user=tenant.users["commerce"]),
        acting_user=tenant.users["commerce"],
    )  # default threshold: 5 billion < 8.2 billion
    assert quotation.status == S.AWAITING_DEPUTY
    login(client, tenant.users["district9"])
    assert client.get(reverse("commerce:quotation_detail", args=[quotation.pk])).status_code == 404
    with nothing_written("commerce", "needs"):
        assert client.post(reverse("commerce:quotation_approve", args=[quotation.pk])).status_code == 404
    login(client, tenant.users["commerce"])
    with nothing_written("commerce", "needs"):
        assert (
            client.post(reverse("commerce:quotation_deputy_approve", args=[quotation.pk])).status_code == 403
        )
    login(client, tenant.users["executive"])
    listing = client.get(reverse("commerce:quotation_list"))
    assert [q.pk for q in listing.context["waiting"]] == [quotation.pk]
    assert client.post(reverse("commerce:quotation_deputy_approve", args=[quotation.pk])).status_code == 302
    assert Quotation.objects.get(pk=quotation.pk).status == S.SENT


ROUTES = ["quotation_detail", "quotation_pdf", "quotation_edit"]
POSTS = [
    "quotation_send",
    "quotation_offer",
    "quotation_choose",
    "quotation_deputy_approve",
    "quotation_approve",
    "quotation_reject",
]


def test_other_municipalities_other_providers_and_other_tenants_get_404(
    client, tenant, other_tenant, sent_quotation
):
    outsiders = [
        tenant.users["district10"],
        tenant.users["project_manager"],
        other_tenant.users["admin"],
        other_tenant.users["commerce"],
        other_tenant.users["district9"],
        other_tenant.users["supplier"],
    ]
    for user in outsiders:
        login(client, user)
        for name in ROUTES:
            response = client.get(reverse(f"commerce:{name}", args=[sent_quotation.pk]))
            assert response.status_code in (403, 404), (user, name)
            if name != "quotation_edit" or user.membership.role != Role.MUNICIPALITY_USER:
                assert response.status_code == 404 or name == "quotation_edit", (user, name)
        before = AuditEvent.objects.count()
        for name in POSTS:
            response = client.post(
                reverse(f"commerce:{name}", args=[sent_quotation.pk]), {"reject-reason": "x"}
            )
            assert response.status_code in (403, 404), (user, name)
        assert AuditEvent.objects.count() == before
        listing = client.get(reverse("commerce:quotation_list"))
        assert sent_quotation.pk not in {q.pk for q in listing.context["object_list"]}
        assert reverse("commerce:quotation_detail", args=[sent_quotation.pk]) not in listing.content.decode()
        create = client.get(reverse("commerce:quotation_create", args=[sent_quotation.need_id]))
        assert create.status_code in (403, 404)


def test_wrong_roles_get_403(client, tenant, sent_quotation):
    cases = [
        ("district9", "quotation_send"),
        ("supplier", "quotation_approve"),
        ("executive", "quotation_approve"),
        ("supplier", "quotation_choose"),
        ("district9", "quotation_deputy_approve"),
        ("finance", "quotation_send"),
    ]
    for who, name in cases:
        login(client, tenant.users[who])
        with nothing_written("commerce", "needs"):
            assert client.post(reverse(f"commerce:{name}", args=[sent_quotation.pk])).status_code == 403, (
                who,
                name,
            )
    login(client, tenant.users["district9"])
    assert client.get(reverse("commerce:quotation_compare", args=[sent_quotation.need_id])).status_code == 403
    assert client.get(reverse("commerce:quotation_create", args=[sent_quotation.need_id])).status_code == 403


def test_the_policy_page_is_the_admins_to_change(client, tenant):
    login(client, tenant.users["commerce"])
    assert client.get(reverse("commerce:policy")).status_code == 200
    with nothing_written("commerce"):
        assert client.post(reverse("commerce:policy"), {"deputy_approval_above": "1"}).status_code == 403
    login(client, tenant.users["district9"])
    assert client.get(reverse("commerce:policy")).status_code == 403
    login(client, tenant.users["admin"])
    with nothing_written("commerce"):
        bad = client.post(
            reverse("commerce:policy"),
            {"deputy_approval_above": "-1", "mayor_approval_above": "1", "quotation_validity_days": "10"},
        )
    assert bad.status_code == 422
    saved = client.post(
        reverse("commerce:policy"),
        {
            "deputy_approval_above": "۳٬۰۰۰٬۰۰۰٬۰۰۰",
            "mayor_approval_above": "8000000000",
            "quotation_validity_days": "10",
        },
    )
    assert saved.status_code == 302
    policy = CommercePolicy.objects.get(organization=tenant.org)
    assert (policy.deputy_approval_above, policy.quotation_validity_days) == (3_000_000_000, 10)
    assert AuditEvent.objects.filter(action="commerce_policy.update").count() == 1


def test_the_comparison_page_shows_the_competitors_side_by_side(client, tenant, catalog):
    from hamyar.commerce.services.pricing import LineInput
    from hamyar.needs.choices import AssignmentKind
    from hamyar.needs.models import Assignment

    need = assigned_need(tenant, catalog)
    Assignment.objects.create(
        organization=tenant.org,
        need=need,
        provider=tenant.affiliate,
        kind=AssignmentKind.COMPETING,
        rank=2,
        assigned_by=tenant.users["commerce"],
    )
    ours = services.quotation_offer(
        quotation=services.quotation_create(need=need, acting_user=tenant.users["supplier"]),
        acting_user=tenant.users["supplier"],
    )
    theirs = services.quotation_create(
        need=need,
        acting_user=tenant.users["project_manager"],
        lines=[LineInput(need_line=need.lines.get(), unit_price=170_000_000)],
    )
    services.quotation_offer(quotation=theirs, acting_user=tenant.users["project_manager"])
    login(client, tenant.users["commerce"])
    page = client.get(reverse("commerce:quotation_compare", args=[need.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert tenant.supplier.name in html and tenant.affiliate.name in html and "۱۷۰٬۰۰۰٬۰۰۰" in html
    with nothing_written("commerce", "needs"):
        assert (
            client.post(
                reverse("commerce:quotation_choose", args=[ours.pk]), {"choose-reason": ""}
            ).status_code
            == 422
        )
    chosen = client.post(
        reverse("commerce:quotation_choose", args=[ours.pk]), {"choose-reason": "نماینده رسمی"}
    )
    assert chosen.status_code == 302
    assert Quotation.objects.get(pk=theirs.pk).status == S.NOT_CHOSEN


def test_the_pdf_is_persian_and_served_only_to_who_may_see_the_quotation(client, tenant, sent_quotation):
    login(client, tenant.users["district9"])
    response = client.get(reverse("commerce:quotation_pdf", args=[sent_quotation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(sent_quotation)
    assert to_latin(sent_quotation.number) in to_latin(text)
    assert tenant.district9.name.replace(" ", "") in text.replace(" ", "")
    assert "نمایندگی" in text
    login(client, tenant.users["district10"])
    assert client.get(reverse("commerce:quotation_pdf", args=[sent_quotation.pk])).status_code == 404


def to_latin(value: str) -> str:
    from hamyar.core.text import to_latin_digits

    return to_latin_digits(value)


def pdf_text(quotation) -> str:
    """The text WeasyPrint laid out, read from its boxes (no pdftotext on these machines)."""
    from weasyprint import HTML

    document = HTML(string=documents.quotation_pdf_html(quotation), base_url=".").render()
    texts = []

    def walk(box):
        if hasattr(box, "text") and box.text:
            texts.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    assert document.write_pdf(target=io.BytesIO()) is None
    return " ".join(texts)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["commerce", "district9", "supplier"])
def test_the_list_runs_the_same_number_of_queries_as_rows_grow(client, tenant, catalog, who):
    CommercePolicy.objects.update_or_create(
        organization=tenant.org, defaults={"deputy_approval_above": 10**13}
    )

    def add(n):
        for _ in range(n):
            q = services.quotation_create(
                need=assigned_need(tenant, catalog), acting_user=tenant.users["supplier"]
            )
            services.quotation_send(quotation=q, acting_user=tenant.users["supplier"])

    add(2)
    login(client, tenant.users[who])
    url = reverse("commerce:quotation_list")
    few = _count(client, url)
    add(5)
    assert _count(client, url) == few


def test_above_the_mayor_threshold_the_pages_keep_the_clerk_then_mayor_order(client, tenant, catalog):
    set_policy(tenant, deputy_approval_above=10**13, mayor_approval_above=5_000_000_000)
    need = assigned_need(tenant, catalog)
    quotation = services.quotation_create(need=need, acting_user=tenant.users["supplier"])
    quotation = services.quotation_send(quotation=quotation, acting_user=tenant.users["supplier"])
    url = reverse("commerce:quotation_approve", args=[quotation.pk])

    login(client, tenant.district9_mayor)
    with nothing_written("commerce", "needs"):
        early = client.post(url)
    assert early.status_code == 409 and "کارپرداز" in early.content.decode()

    login(client, tenant.users["district9"])
    assert client.post(url).status_code == 302
    assert Quotation.objects.get(pk=quotation.pk).status == S.AWAITING_MAYOR
    with nothing_written("commerce", "needs"):
        again = client.post(url)
    assert again.status_code == 409 and "شهردار" in again.content.decode()
    assert not Order.objects.exists()

    login(client, tenant.district9_mayor)
    assert client.post(url).status_code == 302
    assert Quotation.objects.get(pk=quotation.pk).status == S.APPROVED
    assert Order.objects.filter(quotation=quotation).count() == 1
