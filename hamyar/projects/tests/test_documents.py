"""Project documents: who may file and remove them, the needs' file checks (content, type, size), scope
(404 outside it, on the page, the API and the download), one audit event, nothing written on refusal."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.jalali import format_jalali_date
from hamyar.core.models import AuditEvent
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.core.tests import sample_files
from hamyar.projects import selectors, services
from hamyar.projects.choices import DocumentKind, ProjectStatus
from hamyar.projects.models import ProjectDocument

from .project_data import vakilabad_project

pytestmark = pytest.mark.django_db

PDF = sample_files.pdf_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def pdf(name="contract.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def docx() -> bytes:
    return sample_files.docx_bytes()


@pytest.fixture
def project(tenant):
    return vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project


def add(tenant, project, who="commerce", **values) -> ProjectDocument:
    values = {"kind": DocumentKind.CONTRACT, "title": "قرارداد اجرای پارک", "file": pdf(), **values}
    return services.project_document_add(project=project, acting_user=tenant.users[who], **values)


# ---------------------------------------------------------------- services


@pytest.mark.parametrize("who", ["commerce", "admin", "project_manager"])
def test_officers_and_the_executing_project_manager_file_a_document_with_one_audit_event(
        tenant, project, media, who):
    with one_audit_event("project_document.add") as recorded:
        document = add(tenant, project, who)
    assert document.kind == DocumentKind.CONTRACT
    assert document.title == "قرارداد اجرای پارک"
    assert (document.original_name, document.content_type, document.size) == (
        "contract.pdf", "application/pdf", len(PDF))
    assert document.uploaded_by == tenant.users[who]
    # Stored under a random name in projects/documents/<year>/<month>/, never the uploader's name.
    assert document.file.name.startswith("projects/documents/")
    assert "contract" not in document.file.name and document.file.name.endswith(".pdf")
    assert document.file.read() == PDF
    assert recorded.event.after["project_id"] == project.pk
    assert recorded.event.after["original_name"] == "contract.pdf"


def test_an_empty_title_takes_the_files_name(tenant, project):
    document = add(tenant, project, title="", file=SimpleUploadedFile("نقشه فاز یک.docx", docx()),
                   kind=DocumentKind.DRAWING)
    assert document.title == "نقشه فاز یک"
    assert document.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize("who", ["finance", "executive", "district9", "supplier"])
def test_other_roles_may_not_file_a_document(tenant, project, media, who):
    # A supplier does not see the project at all (404); the others see it and are refused (403).
    with nothing_written("projects"), pytest.raises(NotFound if who == "supplier" else PermissionDenied):
        add(tenant, project, who)
    assert stored_files(media) == []


def test_another_municipality_and_another_tenant_get_not_found(tenant, other_tenant, project, media):
    elsewhere = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, municipality=tenant.district10,
                                  provider=tenant.staff_unit).project
    # The affiliate's project manager does not see a project the staff unit carries out.
    with nothing_written("projects"), pytest.raises(NotFound):
        add(tenant, elsewhere, "project_manager")
    with nothing_written("projects"), pytest.raises(NotFound):
        services.project_document_add(project=project, acting_user=other_tenant.users["commerce"],
                                      kind="contract", title="x", file=pdf())
    assert stored_files(media) == []


@pytest.mark.parametrize("name,data,field", [
    ("contract.pdf", b"MZ\x90\x00 this is a program, not a PDF" * 10, "file"),   # forged content
    ("photo.jpg", PDF, "file"),                                                  # a PDF named .jpg
    ("run.exe", b"MZ\x90\x00" * 10, "file"),                                     # not an accepted type
    ("notes.txt", b"plain words", "file"),
    ("contract.pdf", b"", "file"),                                               # empty
])
def test_a_forged_or_unaccepted_file_is_refused_and_nothing_is_written(tenant, project, media, name, data,
                                                                        field):
    with nothing_written("projects"), pytest.raises(InvalidInput) as refused:
        add(tenant, project, file=SimpleUploadedFile(name, data))
    assert field in refused.value.extra["fields"]
    assert stored_files(media) == []


def test_an_oversized_file_is_refused_by_the_attachment_limit(tenant, project, media, settings):
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = sample_files.padded_pdf(1024 * 1024 + 1)
    with nothing_written("projects"), pytest.raises(InvalidInput) as refused:
        add(tenant, project, file=pdf(data=big))
    assert str(refused.value.extra["fields"]["file"][0]) == "حجم پرونده بیش از 1 مگابایت است."
    assert stored_files(media) == []
    # At the limit it is accepted.
    assert add(tenant, project, file=pdf(data=sample_files.padded_pdf(1024 * 1024))).size == 1024 * 1024


def test_a_type_taken_off_the_accepted_list_is_refused(tenant, project, media, settings):
    settings.HAMYAR_ATTACHMENT_TYPES = {"image/png": ".png"}
    with nothing_written("projects"), pytest.raises(InvalidInput):
        add(tenant, project)


@pytest.mark.parametrize("values", [{"kind": "invoice"}, {"kind": ""}, {"title": "ب" * 201}, {"file": None}])
def test_bad_fields_are_refused(tenant, project, media, values):
    with nothing_written("projects"), pytest.raises(InvalidInput):
        add(tenant, project, **values)
    assert stored_files(media) == []


@pytest.mark.parametrize("status", [ProjectStatus.HANDED_OVER, ProjectStatus.TERMINATED])
def test_a_closed_project_takes_no_documents(tenant, media, status):
    closed = vakilabad_project(tenant, status=status).project
    with nothing_written("projects"), pytest.raises(ApplicationError) as refused:
        add(tenant, closed)
    assert refused.value.status == 409
    assert stored_files(media) == []


@pytest.mark.parametrize("status", [ProjectStatus.PLANNING, ProjectStatus.CONTRACTED, ProjectStatus.SUSPENDED,
                                    ProjectStatus.COMPLETED])
def test_an_open_project_takes_documents_in_any_other_state(tenant, status):
    assert add(tenant, vakilabad_project(tenant, status=status).project).pk


def test_an_officer_removes_a_document_with_one_audit_event_and_the_file_goes(
        tenant, project, media, django_capture_on_commit_callbacks):
    document = add(tenant, project)
    path = Path(document.file.path)
    assert path.exists()
    with one_audit_event("project_document.remove") as recorded, \
            django_capture_on_commit_callbacks(execute=True):
        services.project_document_remove(document=document, acting_user=tenant.users["commerce"])
    assert not ProjectDocument.objects.filter(pk=document.pk).exists()
    assert not path.exists()
    assert recorded.event.before["title"] == "قرارداد اجرای پارک"
    # The history keeps the removal though the row is gone.
    actions = [e.action for e in selectors.project_history(project=project)]
    assert actions[-2:] == ["project_document.add", "project_document.remove"]


@pytest.mark.parametrize("who", ["project_manager", "finance", "executive", "district9"])
def test_only_officers_remove_a_document(tenant, project, media, who):
    document = add(tenant, project)
    with nothing_written("projects"), pytest.raises(PermissionDenied):
        services.project_document_remove(document=document, acting_user=tenant.users[who])
    assert Path(document.file.path).exists()


def test_outsiders_cannot_remove_a_document(tenant, other_tenant, project):
    document = add(tenant, project)
    for user in (tenant.users["district10"], other_tenant.users["commerce"]):
        with nothing_written("projects"), pytest.raises((NotFound, PermissionDenied)) as refused:
            services.project_document_remove(document=document, acting_user=user)
        if user == other_tenant.users["commerce"]:
            assert isinstance(refused.value, NotFound)


def test_a_closed_projects_documents_stay(tenant, project):
    document = add(tenant, project)
    project.status = ProjectStatus.HANDED_OVER
    project.save(update_fields=["status"])
    events = AuditEvent.objects.count()
    with nothing_written("projects"), pytest.raises(ApplicationError):
        services.project_document_remove(document=document, acting_user=tenant.users["commerce"])
    assert AuditEvent.objects.count() == events


def test_the_selectors_scope_documents(tenant, other_tenant, project):
    document = add(tenant, project)
    assert selectors.document_list(project=project) == [document]
    assert selectors.document_get(user=tenant.users["district9"], pk=document.pk) == document
    assert selectors.document_get(user=tenant.users["project_manager"], pk=document.pk) == document
    for user in (tenant.users["district10"], other_tenant.users["district9"], other_tenant.users["admin"]):
        with pytest.raises(NotFound):
            selectors.document_get(user=user, pk=document.pk)


# ---------------------------------------------------------------- pages


def test_the_project_page_lists_documents_with_kind_size_uploader_and_jalali_date(client, tenant, project):
    document = add(tenant, project)
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("projects:project_detail", args=[project.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    row = html.split(f'id="document-{document.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "قرارداد" in row and "قرارداد اجرای پارک" in row
    assert tenant.users["commerce"].display_name in row
    assert format_jalali_date(document.created_at) in row
    assert reverse("projects:document_download", args=[document.pk]) in row
    # The municipality reads the record but neither files nor removes.
    assert 'id="document-form"' not in html and "remove-document" not in html


@pytest.mark.parametrize("who,upload,remove", [
    ("commerce", True, True), ("admin", True, True), ("project_manager", True, False),
    ("executive", False, False), ("finance", False, False), ("district9", False, False),
])
def test_the_forms_shown_follow_the_role(client, tenant, project, who, upload, remove):
    add(tenant, project)
    client.force_login(tenant.users[who])
    html = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert ('id="document-form"' in html) is upload
    assert ("remove-document-" in html) is remove


def test_the_project_manager_files_a_document_on_the_page(client, tenant, project, media):
    client.force_login(tenant.users["project_manager"])
    response = client.post(reverse("projects:document_add", args=[project.pk]), {
        "kind": "drawing", "title": "نقشه مسیرهای پیاده‌روی", "file": pdf("plan.pdf")})
    assert response.status_code == 302
    document = project.documents.get()
    assert (document.kind, document.title, document.uploaded_by) == (
        "drawing", "نقشه مسیرهای پیاده‌روی", tenant.users["project_manager"])


def test_a_forged_file_on_the_page_is_a_form_error_and_nothing_is_written(client, tenant, project, media):
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:document_add", args=[project.pk]), {
            "kind": "contract", "title": "قرارداد",
            "file": SimpleUploadedFile("contract.pdf", b"<?php ?>" * 9)})
    assert response.status_code == 422
    form = response.context["document_form"]
    assert "contract.pdf" in form.errors["file"][0]
    assert 'id="document-box" open' in response.content.decode()
    assert stored_files(media) == []


def test_a_missing_kind_or_file_on_the_page_is_a_form_error(client, tenant, project, media):
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:document_add", args=[project.pk]),
                               {"kind": "", "title": "x"})
    assert response.status_code == 422
    assert set(response.context["document_form"].errors) == {"kind", "file"}


def test_an_oversized_file_on_the_page_is_refused(client, tenant, project, media, settings):
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = 1024 * 1024
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:document_add", args=[project.pk]), {
            "kind": "contract", "file": pdf(data=PDF + b"0" * (1024 * 1024))})
    assert response.status_code == 422
    assert response.context["document_form"].errors["file"]
    assert stored_files(media) == []


def test_a_closed_project_refuses_a_document_on_the_page_with_409(client, tenant, media):
    closed = vakilabad_project(tenant, status=ProjectStatus.HANDED_OVER).project
    client.force_login(tenant.users["commerce"])
    with nothing_written("projects"):
        response = client.post(reverse("projects:document_add", args=[closed.pk]), {
            "kind": "contract", "file": pdf()})
    assert response.status_code == 409
    assert 'id="document-form"' not in response.content.decode()


def test_the_download_is_the_file_as_an_attachment_for_whoever_reads_the_project(client, tenant, project):
    document = add(tenant, project)
    url = reverse("projects:document_download", args=[document.pk])
    for who in ("district9", "project_manager", "executive", "finance", "commerce"):
        client.force_login(tenant.users[who])
        response = client.get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "contract.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_district10_and_another_tenant_get_404_for_district9s_document(client, tenant, other_tenant, project):
    document = add(tenant, project)
    for user in (tenant.users["district10"], other_tenant.users["district9"], other_tenant.users["admin"],
                 other_tenant.users["commerce"]):
        client.force_login(user)
        assert client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 404
        assert client.get(reverse("projects:document_download", args=[document.pk])).status_code == 404
    client.force_login(other_tenant.users["commerce"])
    with nothing_written("projects"):
        assert client.post(reverse("projects:document_remove", args=[document.pk])).status_code == 404
        assert client.post(reverse("projects:document_add", args=[project.pk]),
                           {"kind": "contract", "file": pdf()}).status_code == 404
    client.logout()
    assert client.get(reverse("projects:document_download", args=[document.pk])).status_code == 302


def test_a_provider_not_executing_the_project_gets_404(client, tenant, media):
    elsewhere = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS,
                                  provider=tenant.staff_unit).project
    document = add(tenant, elsewhere)
    client.force_login(tenant.users["project_manager"])
    assert client.get(reverse("projects:document_download", args=[document.pk])).status_code == 404


def test_an_officer_removes_a_document_on_the_page(client, tenant, project, media):
    document = add(tenant, project)
    client.force_login(tenant.users["project_manager"])
    with nothing_written("projects"):
        assert client.post(reverse("projects:document_remove", args=[document.pk])).status_code == 403
    client.force_login(tenant.users["commerce"])
    with one_audit_event("project_document.remove"):
        response = client.post(reverse("projects:document_remove", args=[document.pk]))
    assert response.status_code == 302
    assert not project.documents.exists()
    history = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "سند افزوده شد" in history and "سند حذف شد" in history


# ---------------------------------------------------------------- API

API = "/api/v1/projects"


def test_the_api_files_lists_downloads_and_removes_a_document(client, tenant, project, media):
    client.force_login(tenant.users["project_manager"])
    with one_audit_event("project_document.add"):
        response = client.post(f"{API}/{project.pk}/documents", {
            "kind": "permit", "title": "مجوز شهرداری منطقه ۹", "file": pdf("permit.pdf")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["kind_label"], body["title"], body["size"]) == (
        "permit", "مجوز", "مجوز شهرداری منطقه 9", len(PDF))
    assert body["uploaded_by"]["id"] == tenant.users["project_manager"].pk
    assert body["url"] == f"{API}/documents/{body['id']}"
    client.force_login(tenant.users["district9"])
    listed = client.get(f"{API}/{project.pk}/documents").json()
    assert [d["id"] for d in listed] == [body["id"]]
    assert [d["id"] for d in client.get(f"{API}/{project.pk}").json()["documents"]] == [body["id"]]
    download = client.get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    # The municipality reads but does not remove; the project manager neither.
    for who in ("district9", "project_manager"):
        client.force_login(tenant.users[who])
        with nothing_written("projects"):
            assert client.delete(body["url"]).status_code == 403
    client.force_login(tenant.users["commerce"])
    with one_audit_event("project_document.remove"):
        assert client.delete(body["url"]).status_code == 204
    assert not ProjectDocument.objects.exists()


@pytest.mark.parametrize("who", ["district9", "finance", "executive"])
def test_the_api_refuses_an_upload_from_other_roles(client, tenant, project, media, who):
    client.force_login(tenant.users[who])
    with nothing_written("projects"):
        response = client.post(f"{API}/{project.pk}/documents", {"kind": "contract", "file": pdf()})
    assert response.status_code == 403
    assert stored_files(media) == []


def test_the_api_refuses_a_forged_oversized_or_missing_file_as_422_json(client, tenant, project, media,
                                                                       settings):
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = 1024 * 1024
    client.force_login(tenant.users["commerce"])
    bodies = [
        {"kind": "contract",
         "file": SimpleUploadedFile("contract.pdf", b"\xff\xd8\xff\xe0 a JPEG named .pdf")},
        {"kind": "contract", "file": pdf(data=PDF + b"0" * (1024 * 1024))},
        {"kind": "contract"},
        {"kind": "invoice", "file": pdf()},
    ]
    for data in bodies:
        with nothing_written("projects"):
            response = client.post(f"{API}/{project.pk}/documents", data)
        assert response.status_code == 422, (data, response.content)
        assert response.json()["fields"], response.json()
    with nothing_written("projects"):
        response = client.post(f"{API}/{project.pk}/documents", json.dumps({"kind": "contract"}),
                               content_type="application/json")
    assert response.status_code == 422
    assert stored_files(media) == []


def test_the_api_answers_404_for_district9s_document_to_district10_and_another_tenant(
        client, tenant, other_tenant, project, media):
    document = add(tenant, project)
    for user in (tenant.users["district10"], other_tenant.users["district9"], other_tenant.users["commerce"]):
        client.force_login(user)
        with nothing_written("projects"):
            assert client.get(f"{API}/{project.pk}/documents").status_code == 404
            assert client.get(f"{API}/documents/{document.pk}").status_code == 404
            assert client.delete(f"{API}/documents/{document.pk}").status_code == 404
            assert client.post(f"{API}/{project.pk}/documents",
                               {"kind": "contract", "file": pdf()}).status_code == 404
    assert stored_files(media) == [Path(document.file.path)]
