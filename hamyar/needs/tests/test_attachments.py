"""Attachments: the type is read from the content, the size is bounded, the name is random, and a file is
served only to someone who may see its need (page and API)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.core.tests import sample_files
from hamyar.needs import services
from hamyar.needs.models import NeedAttachment

from .helpers import assigned, goods_need, submitted

PDF = sample_files.pdf_bytes()
PNG = sample_files.image_bytes("PNG")
JPEG = sample_files.image_bytes("JPEG")


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["ردیف", "شرح"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def need(tenant):
    return goods_need(tenant, build_catalog(tenant))


def _add(tenant, need, name: str, content: bytes, user="district9"):
    return services.need_attachment_add(need=need, acting_user=tenant.users[user],
                                        file=SimpleUploadedFile(name, content,
                                                                content_type="application/pdf"))


def _stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("نقشه پارک.pdf", PDF, "application/pdf"),
    ("عکس.PNG", PNG, "image/png"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("برآورد.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_an_accepted_file_is_stored_under_a_random_name(tenant, need, media, name, content, kind):
    with one_audit_event("need_attachment.add"):
        attachment = _add(tenant, need, name, content)
    assert attachment.content_type == kind and attachment.size == len(content)
    assert attachment.original_name == name
    stored = attachment.file.name
    assert stored.startswith("needs/") and name.split(".")[0] not in stored
    assert attachment.file.read() == content


@pytest.mark.parametrize(("name", "content"), [
    ("invoice.pdf", PNG),                      # a picture named as a PDF
    ("invoice.pdf", b"<html><script>alert(1)</script></html>"),
    ("sheet.xlsx", _zip()),                    # a zip, but not a workbook
    ("report.docx", _xlsx()),                  # a workbook named as a Word file
    ("run.exe", b"MZ\x90\x00" + b"\x00" * 60),
    ("noextension", PDF),
    ("empty.pdf", b""),
])
def test_a_forged_unknown_or_empty_file_is_refused_and_nothing_is_kept(tenant, need, media, name, content):
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        _add(tenant, need, name, content)
    assert "file" in error.value.extra["fields"]
    assert _stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(tenant, need, media, settings):
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = 1024
    with nothing_written("needs"), pytest.raises(InvalidInput):
        _add(tenant, need, "big.pdf", PDF + b"0" * 2000)
    assert _stored_files(media) == []
    assert _add(tenant, need, "small.pdf", PDF).size == len(PDF)


def test_a_file_can_be_removed_from_a_draft_only(tenant, need, media, django_capture_on_commit_callbacks):
    first = _add(tenant, need, "a.pdf", PDF)
    with one_audit_event("need_attachment.remove"), django_capture_on_commit_callbacks(execute=True):
        services.need_attachment_remove(attachment=first, acting_user=tenant.users["district9"])
    assert not NeedAttachment.objects.filter(pk=first.pk).exists()
    assert _stored_files(media) == []
    second = _add(tenant, need, "b.pdf", PDF)
    submitted(tenant, need)
    with nothing_written("needs"), pytest.raises(ApplicationError) as error:
        services.need_attachment_remove(attachment=second, acting_user=tenant.users["district9"])
    assert error.value.status == 409


def test_district10_gets_404_for_a_district9_attachment_on_the_page_and_the_api(client, tenant, other_tenant,
                                                                               need):
    attachment = _add(tenant, need, "نقشه.pdf", PDF)
    page = reverse("needs:attachment_download", args=[attachment.pk])
    api = f"/api/v1/needs/attachments/{attachment.pk}"
    for user in (tenant.users["district10"], tenant.users["supplier"], other_tenant.users["district9"],
                 other_tenant.users["admin"]):
        client.force_login(user)
        assert client.get(page).status_code == 404, user
        assert client.get(api).status_code == 404, user
    client.force_login(tenant.users["district9"])
    response = client.get(page)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_assigned_provider_may_download_the_needs_files(client, tenant, need):
    attachment = _add(tenant, need, "plan.pdf", PDF)
    assigned(tenant, need)
    client.force_login(tenant.users["supplier"])
    assert client.get(reverse("needs:attachment_download", args=[attachment.pk])).status_code == 200
    client.force_login(tenant.users["project_manager"])  # the affiliate was not given the need
    assert client.get(reverse("needs:attachment_download", args=[attachment.pk])).status_code == 404


def test_uploading_through_the_page_and_the_api(client, tenant, need):
    client.force_login(tenant.users["district9"])
    response = client.post(reverse("needs:attachment_add", args=[need.pk]),
                           {"file": SimpleUploadedFile("پیوست.pdf", PDF)})
    assert response.status_code == 302
    response = client.post(reverse("needs:attachment_add", args=[need.pk]),
                           {"file": SimpleUploadedFile("fake.pdf", PNG)})
    assert response.status_code == 422
    response = client.post(f"/api/v1/needs/{need.pk}/attachments", {"file": SimpleUploadedFile("b.png", PNG)})
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "image/png"
    response = client.post(f"/api/v1/needs/{need.pk}/attachments", {})
    assert response.status_code == 422 and response.json()["fields"]["file"]
    assert need.attachments.count() == 2
    client.force_login(tenant.users["district10"])
    response = client.post(f"/api/v1/needs/{need.pk}/attachments", {"file": SimpleUploadedFile("c.pdf", PDF)})
    assert response.status_code == 404
