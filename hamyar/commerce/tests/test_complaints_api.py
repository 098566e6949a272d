"""The complaints API: filing, files, each step, refusals as JSON 4xx with nothing written, and scope."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.models import Complaint
from hamyar.core.testing import nothing_written

from .complaint_data import SUBJECT, answered_complaint, file_complaint, pdf
from .order_data import placed_order

API = "/api/v1/commerce"
APPS = ("commerce", "needs", "accounts", "directory")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def order(tenant):
    return placed_order(tenant, build_catalog(tenant))


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body=None):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def test_district9_files_through_the_api_and_reads_it_back(tenant, order):
    client = session(tenant.users["district9"])
    response = post(client, "/complaints", {"order": order.pk, "topic": "delivery", "subject": SUBJECT,
                                            "description": "دو نیمکت شکسته بود"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "filed" and body["need"]["id"] == order.need_id
    assert body["provider"]["id"] == tenant.supplier.pk and body["municipality"]["id"] == tenant.district9.pk
    assert body["overdue"] is False and [e["action"] for e in body["timeline"]] == ["file"]
    listed = client.get(f"{API}/complaints").json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]


def test_the_whole_path_through_the_api(tenant, order):
    complaint = file_complaint(tenant, order)
    officer, municipality = session(tenant.users["commerce"]), session(tenant.users["district9"])
    response = post(officer, f"/complaints/{complaint.pk}/assign", {"owner": tenant.users["commerce"].pk})
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    response = post(officer, f"/complaints/{complaint.pk}/answer", {"answer": "جایگزین شد"})
    assert response.status_code == 200 and response.json()["answer"] == "جایگزین شد"
    response = post(municipality, f"/complaints/{complaint.pk}/reopen", {"reason": "نشد"})
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    post(officer, f"/complaints/{complaint.pk}/answer", {"answer": "انجام شد"})
    response = post(municipality, f"/complaints/{complaint.pk}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert [e["action"] for e in response.json()["timeline"]] == ["file", "assign", "answer", "reopen",
                                                                  "answer", "close"]


def test_an_illegal_step_is_a_409_with_nothing_written(tenant, order):
    complaint = answered_complaint(tenant, order)
    client = session(tenant.users["district9"])
    with nothing_written(*APPS):
        response = post(client, f"/complaints/{complaint.pk}/withdraw")
    assert response.status_code == 409 and response.json()["code"] == "complaint_state"


def test_the_wrong_role_is_a_403_and_another_scope_a_404(tenant, other_tenant, order):
    complaint = file_complaint(tenant, order)
    clients = {who: session(user) for who, user in (
        ("executive", tenant.users["executive"]), ("commerce", tenant.users["commerce"]),
        ("district10", tenant.users["district10"]), ("other", other_tenant.users["commerce"]))}
    with nothing_written(*APPS):
        assert post(clients["executive"], f"/complaints/{complaint.pk}/assign",
                    {"owner": tenant.users["commerce"].pk}).status_code == 403
        assert post(clients["commerce"], "/complaints",
                    {"need": order.need_id, "subject": "x", "description": "y"}).status_code == 403
        for who in ("district10", "other"):
            assert clients[who].get(f"{API}/complaints/{complaint.pk}").status_code == 404
            assert post(clients[who], f"/complaints/{complaint.pk}/withdraw").status_code == 404
        assert post(clients["district10"], "/complaints",
                    {"order": order.pk, "subject": "x", "description": "y"}).status_code == 404


def test_bad_input_is_a_422(tenant, order):
    client = session(tenant.users["district9"])
    with nothing_written(*APPS):
        response = post(client, "/complaints", {"need": order.need_id, "subject": "", "description": "y"})
        assert response.status_code == 422 and "subject" in response.json()["fields"]
        assert post(client, "/complaints", {"subject": "x", "description": "y"}).status_code == 422
        assert post(client, "/complaints", {"need": order.need_id, "topic": "weather", "subject": "x",
                                            "description": "y"}).status_code == 422


def test_files_through_the_api_are_checked_and_served_in_scope(tenant, other_tenant, order):
    complaint = file_complaint(tenant, order)
    client = session(tenant.users["district9"])
    url = f"{API}/complaints/{complaint.pk}/attachments"
    response = client.post(url, {"file": pdf("scan.pdf")})
    assert response.status_code == 201, response.content
    attachment_id = response.json()["id"]
    fake = SimpleUploadedFile("scan.png", b"%PDF-1.4 not a png", content_type="image/png")
    with nothing_written(*APPS):
        refused = client.post(url, {"file": fake})
    assert refused.status_code == 422 and "scan.png" in refused.json()["fields"]["files"][0]
    download = client.get(f"{API}/complaint-attachments/{attachment_id}")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    for user in (tenant.users["district10"], other_tenant.users["commerce"]):
        assert session(user).get(f"{API}/complaint-attachments/{attachment_id}").status_code == 404


def test_the_overdue_filter(tenant, order):
    from datetime import timedelta

    from hamyar.core import clock

    with clock.at(clock.now() - timedelta(days=9)):
        late = file_complaint(tenant, order)
    file_complaint(tenant, order)
    rows = session(tenant.users["commerce"]).get(f"{API}/complaints", {"overdue": "true"}).json()["items"]
    assert [row["id"] for row in rows] == [late.pk] and rows[0]["overdue"] is True
    assert Complaint.objects.count() == 2
