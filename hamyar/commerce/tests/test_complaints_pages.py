"""Complaint pages: who opens which, the list's filters, filing from the need and order pages with files
(a refused file is a 422 with its message, nothing saved), each step through the page, a refused step
shown at its status, and the link to file shown only to those who may."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.choices import ComplaintStatus
from hamyar.commerce.models import Complaint
from hamyar.core import clock
from hamyar.core.testing import nothing_written, url_patterns
from hamyar.core.text import to_persian_digits

from .complaint_data import SUBJECT, answered_complaint, assigned_complaint, file_complaint, pdf
from .order_data import placed_order

APPS = ("commerce", "needs", "accounts", "directory")
ROUTES = {p.name: p for ns, p in url_patterns() if ns == "commerce" and "complaint" in (p.name or "")}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def order(tenant):
    return placed_order(tenant, build_catalog(tenant))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_complaint_route_declares_its_model_and_roles():
    assert set(ROUTES) == {"complaint_list", "complaint_file", "complaint_detail", "complaint_assign",
                           "complaint_answer", "complaint_close", "complaint_reopen", "complaint_withdraw",
                           "complaint_attachment_add", "complaint_attachment"}
    for route in ROUTES.values():
        assert route.callback.page_model is not None and route.callback.page_roles, route.name


@pytest.mark.parametrize("who, status", [("district9", 200), ("supplier", 200), ("commerce", 200),
                                         ("admin", 200), ("finance", 200), ("executive", 200),
                                         ("project_manager", 403)])
def test_the_list_opens_for_complainants_and_the_organization(tenant, order, who, status):
    file_complaint(tenant, order)
    response = signed_in(tenant.users[who]).get(reverse("commerce:complaint_list"))
    assert response.status_code == status


def test_the_list_shows_exactly_the_rows_in_scope(tenant, other_tenant, order):
    complaint = file_complaint(tenant, order)
    url = reverse("commerce:complaint_list")
    row = f'id="complaint-{complaint.pk}"'
    page = signed_in(tenant.users["district9"]).get(url).content.decode()
    assert row in page and to_persian_digits(complaint.number) in page
    for user in (tenant.users["district10"], tenant.users["supplier"], other_tenant.users["commerce"]):
        assert row not in signed_in(user).get(url).content.decode()


def test_the_list_filters_by_status_and_overdue(tenant, order):
    with clock.at(clock.now() - dt.timedelta(days=10)):
        late = file_complaint(tenant, order, subject="شکایت دیرکرد")
    answered = answered_complaint(tenant, order)
    client = signed_in(tenant.users["commerce"])
    url = reverse("commerce:complaint_list")
    page = client.get(url, {"overdue": "true"}).content.decode()
    assert f'id="complaint-{late.pk}"' in page and f'id="complaint-{answered.pk}"' not in page
    assert "c-overdue" in page
    page = client.get(url, {"status": "answered"}).content.decode()
    assert f'id="complaint-{answered.pk}"' in page and f'id="complaint-{late.pk}"' not in page


@pytest.mark.parametrize("who, status", [("district9", 200), ("commerce", 200), ("executive", 200),
                                         ("district10", 404), ("supplier", 404)])
def test_the_detail_answers_by_role_and_scope(tenant, order, who, status):
    complaint = file_complaint(tenant, order, uploads=[pdf()])
    response = signed_in(tenant.users[who]).get(reverse("commerce:complaint_detail", args=[complaint.pk]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert SUBJECT in page and 'id="timeline"' in page and "photo.pdf" in page


def test_another_organization_gets_404_on_the_page_and_its_file(tenant, other_tenant, order):
    complaint = file_complaint(tenant, order, uploads=[pdf()])
    client = signed_in(other_tenant.users["commerce"])
    assert client.get(reverse("commerce:complaint_detail", args=[complaint.pk])).status_code == 404
    attachment = complaint.attachments.get()
    assert client.get(reverse("commerce:complaint_attachment", args=[attachment.pk])).status_code == 404
    own = signed_in(tenant.users["district9"]).get(
        reverse("commerce:complaint_attachment", args=[attachment.pk]))
    assert own.status_code == 200 and own["Content-Disposition"].startswith("attachment")


def test_the_file_link_shows_only_to_those_who_may_file(tenant, order):
    need_url = reverse("needs:need_detail", args=[order.need_id])
    order_url = reverse("commerce:order_detail", args=[order.pk])
    for who in ("district9", "supplier"):
        client = signed_in(tenant.users[who])
        assert 'id="file-complaint"' in client.get(need_url).content.decode(), who
        assert 'id="file-complaint"' in client.get(order_url).content.decode(), who
    for who in ("commerce", "executive"):
        client = signed_in(tenant.users[who])
        assert 'id="file-complaint"' not in client.get(need_url).content.decode(), who
        assert 'id="file-complaint"' not in client.get(order_url).content.decode(), who


def test_district9_files_from_the_order_page_with_a_file(tenant, order):
    client = signed_in(tenant.users["district9"])
    url = reverse("commerce:complaint_file") + f"?order={order.pk}"
    form = client.get(url)
    assert form.status_code == 200 and to_persian_digits(order.number) in form.content.decode()
    response = client.post(url, {"topic": "delivery", "subject": SUBJECT, "description": "دو نیمکت شکسته بود",
                                 "files": [pdf()]})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("commerce:complaint_detail",
                                                                            args=[complaint.pk])
    assert complaint.order_id == order.pk and complaint.provider_id == tenant.supplier.pk
    assert complaint.attachments.count() == 1


def test_a_refused_file_is_a_422_with_its_message_and_nothing_saved(tenant, order, media):
    client = signed_in(tenant.users["district9"])
    url = reverse("commerce:complaint_file") + f"?need={order.need_id}"
    fake = SimpleUploadedFile("scan.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    with nothing_written(*APPS):
        response = client.post(url, {"topic": "other", "subject": SUBJECT, "description": "متن",
                                     "files": [fake]})
    assert response.status_code == 422
    assert 'id="files-error"' in response.content.decode() and "scan.pdf" in response.content.decode()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_form_without_a_subject_is_a_422(tenant, order):
    client = signed_in(tenant.users["district9"])
    url = reverse("commerce:complaint_file") + f"?need={order.need_id}"
    with nothing_written(*APPS):
        assert client.post(url, {"topic": "other", "subject": "", "description": "متن"}).status_code == 422


def test_filing_about_another_municipalitys_need_is_404(tenant, order):
    client = signed_in(tenant.users["district10"])
    assert client.get(reverse("commerce:complaint_file") + f"?need={order.need_id}").status_code == 404
    assert signed_in(tenant.users["commerce"]).get(
        reverse("commerce:complaint_file") + f"?need={order.need_id}").status_code == 403


def test_the_whole_path_through_the_pages(tenant, order):
    complaint = file_complaint(tenant, order)
    officer = signed_in(tenant.users["commerce"])
    municipality = signed_in(tenant.users["district9"])
    detail = reverse("commerce:complaint_detail", args=[complaint.pk])
    assert 'id="assign-form"' in officer.get(detail).content.decode()
    assert officer.post(reverse("commerce:complaint_assign", args=[complaint.pk]),
                        {"owner": tenant.users["finance"].pk}).status_code == 302
    finance = signed_in(tenant.users["finance"])
    assert 'id="answer-form"' in finance.get(detail).content.decode()
    assert finance.post(reverse("commerce:complaint_answer", args=[complaint.pk]),
                        {"answer": "جایگزین شد"}).status_code == 302
    page = municipality.get(detail).content.decode()
    assert 'id="close-form"' in page and 'id="reopen-form"' in page and "جایگزین شد" in page
    assert municipality.post(reverse("commerce:complaint_reopen", args=[complaint.pk]),
                             {"reason": "نه هنوز"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED
    finance.post(reverse("commerce:complaint_answer", args=[complaint.pk]), {"answer": "انجام شد"})
    assert 'id="reopen-form"' not in municipality.get(detail).content.decode()
    assert municipality.post(reverse("commerce:complaint_close", args=[complaint.pk])).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED


def test_a_refused_step_is_shown_at_its_status_with_nothing_written(tenant, order):
    complaint = answered_complaint(tenant, order)
    municipality, officer = signed_in(tenant.users["district9"]), signed_in(tenant.users["commerce"])
    with nothing_written(*APPS):
        response = municipality.post(reverse("commerce:complaint_withdraw", args=[complaint.pk]), {})
    assert response.status_code == 409 and 'id="complaint-error"' in response.content.decode()
    with nothing_written(*APPS):
        response = officer.post(
            reverse("commerce:complaint_assign", args=[complaint.pk]), {"owner": tenant.users["finance"].pk})
    assert response.status_code == 409


def test_the_wrong_role_gets_403_on_the_steps(tenant, order):
    complaint = assigned_complaint(tenant, order)
    municipality, executive, officer = (signed_in(tenant.users[who])
                                        for who in ("district9", "executive", "commerce"))
    with nothing_written(*APPS):
        assert municipality.post(
            reverse("commerce:complaint_answer", args=[complaint.pk]), {"answer": "x"}).status_code == 403
        assert executive.post(reverse("commerce:complaint_assign", args=[complaint.pk]),
                              {"owner": tenant.users["finance"].pk}).status_code == 403
        assert officer.post(reverse("commerce:complaint_withdraw", args=[complaint.pk]),
                            {}).status_code == 403


def test_the_complainant_adds_a_file_from_the_page(tenant, order):
    complaint = file_complaint(tenant, order)
    client = signed_in(tenant.users["district9"])
    detail = reverse("commerce:complaint_detail", args=[complaint.pk])
    add = reverse("commerce:complaint_attachment_add", args=[complaint.pk])
    assert 'id="attach-form"' in client.get(detail).content.decode()
    response = client.post(add, {"file": pdf("x.pdf")})
    assert response.status_code == 302 and complaint.attachments.count() == 1
    bad = SimpleUploadedFile("x.docx", b"not a docx", content_type="application/octet-stream")
    with nothing_written(*APPS):
        response = client.post(add, {"file": bad})
    assert response.status_code == 422
