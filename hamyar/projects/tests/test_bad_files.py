"""A file is kept only when it opens whole as what it says it is: on a need's attachments, a project's
documents and a progress report's photos, pages and API alike, a decompression bomb, a cut-off image,
an HTML page behind an image or PDF signature, a damaged or locked PDF, a zip that is no docx, a zip bomb
and an oversized file are refused with a Persian message — no row, no file on disk, no AuditEvent."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, strip_tags
from hypothesis import given, settings
from hypothesis import strategies as st

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core import files
from hamyar.core.jalali import format_jalali_date
from hamyar.core.models import AuditEvent
from hamyar.core.tests import sample_files as sample
from hamyar.core.text import to_latin_digits
from hamyar.needs.models import NeedAttachment
from hamyar.needs.tests.helpers import goods_need
from hamyar.projects.choices import MilestoneStatus, ProjectStatus
from hamyar.projects.models import Milestone, ProgressPhoto, ProgressReport, ProjectDocument

from .project_data import vakilabad_project

PERSIAN = re.compile("[\u0600-\u06ff]")
LIMIT = 300 * 1024  # the attachment limit in these tests
ZIP_LIMIT = 2 * 1024 * 1024

BAD_FILES = {
    "png bomb (20000×20000)": ("site.png", sample.png_bomb()),
    "truncated jpeg": ("site.jpg", sample.truncated(sample.image_bytes("JPEG", (300, 200), "red"))),
    "truncated png": ("site.png", sample.truncated(sample.image_bytes("PNG", (300, 200), "red"))),
    "html behind a jpeg signature": ("site.jpg", sample.html_behind(b"\xff\xd8\xff\xe0")),
    "html behind a png signature": ("site.png", sample.html_behind(b"\x89PNG\r\n\x1a\n")),
    "html behind a pdf signature": ("contract.pdf", sample.html_behind(b"%PDF-1.7\n")),
    "broken pdf": ("contract.pdf", sample.broken_pdf()),
    "truncated pdf": ("contract.pdf", sample.truncated(sample.pdf_bytes(3), 0.8)),
    "pdf locked with a password": ("contract.pdf", sample.encrypted_broken_pdf()),
    "zip that is not a docx": ("plan.docx", sample.plain_zip()),
    "zip bomb as docx": ("plan.docx", sample.zip_bomb(3, "docx")),
    "zip bomb as xlsx": ("prices.xlsx", sample.zip_bomb(3, "xlsx")),
    "oversized": ("contract.pdf", sample.pdf_bytes() + b"%" * LIMIT),
}


@pytest.fixture(autouse=True)
def limits(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = LIMIT
    monkeypatch.setattr(files, "MAX_UNZIPPED_BYTES", ZIP_LIMIT)
    return tmp_path


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# ---------------------------------------------------------------- the reader


def test_good_files_of_every_kind_are_read():
    for name, data in [("a.pdf", sample.pdf_bytes()), ("a.png", sample.image_bytes("PNG")),
                       ("a.JPG", sample.image_bytes("JPEG")), ("a.xlsx", sample.xlsx_bytes()),
                       ("a.docx", sample.docx_bytes())]:
        checked = files.read_checked(_upload(name, data))
        assert checked.data == data and checked.content_type == files.type_of_name(name)


@pytest.mark.parametrize("case", BAD_FILES)
def test_every_bad_file_is_refused_by_the_reader(case):
    name, data = BAD_FILES[case]
    with pytest.raises(files.FileRejected) as error:
        files.read_checked(_upload(name, data))
    assert str(error.value.message)


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["a.pdf", "a.png", "a.jpg", "a.xlsx", "a.docx"]),
       keep=st.floats(min_value=0.05, max_value=0.9))
def test_any_cut_off_file_is_refused(kind, keep):
    whole = {"a.pdf": sample.pdf_bytes(2), "a.png": sample.image_bytes("PNG", (64, 48), "blue"),
             "a.jpg": sample.image_bytes("JPEG", (64, 48), "blue"), "a.xlsx": sample.xlsx_bytes(),
             "a.docx": sample.docx_bytes()}[kind]
    with pytest.raises(files.FileRejected):
        files.read_checked(_upload(kind, sample.truncated(whole, keep)))


@settings(max_examples=30, deadline=None)
@given(signature=st.sampled_from([b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n"]),
       junk=st.binary(min_size=0, max_size=2000))
def test_a_signature_in_front_of_anything_else_is_refused(signature, junk):
    name = {b"\xff": "a.jpg", b"\x89": "a.png", b"%": "a.pdf"}[signature[:1]]
    with pytest.raises(files.FileRejected):
        files.read_checked(_upload(name, signature + junk))


def test_the_pixel_limit_is_the_site_photos_limit():
    from hamyar.projects import images

    assert images.MAX_PIXELS == files.MAX_PIXELS == 40_000_000


# ---------------------------------------------------------------- every upload route


@pytest.fixture
def targets(tenant):
    need = goods_need(tenant, build_catalog(tenant))
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    Milestone.objects.filter(pk=data.design.pk).update(status=MilestoneStatus.IN_PROGRESS)
    return need, data


def _routes(tenant, need, data):
    """(who, url, form fields, name of the file field, is the API) of each upload route."""
    today = timezone.localdate()
    entries = json.dumps([{"milestone": data.design.pk, "percent": 40}])
    pk = data.project.pk
    return [
        ("district9", reverse("needs:attachment_add", args=[need.pk]), {}, "file", False),
        ("district9", f"/api/v1/needs/{need.pk}/attachments", {}, "file", True),
        ("project_manager", reverse("projects:document_add", args=[pk]), {"kind": "contract", "title": ""},
         "file", False),
        ("project_manager", f"/api/v1/projects/{pk}/documents", {"kind": "contract"}, "file", True),
        ("project_manager", reverse("projects:report_create", args=[pk]),
         {"reported_on": format_jalali_date(today), f"percent_{data.design.pk}": "40", "caption": "نما"},
         "photo", False),
        ("project_manager", f"/api/v1/projects/{pk}/reports",
         {"reported_on": today.isoformat(), "entries": entries}, "photos", True),
    ]


def _expected_message(file_field: str, name: str, content: bytes) -> str:
    """The refusal in Persian: the checked reader's for documents, the photo check's for photos."""
    from hamyar.projects import images

    with translation.override("fa"):
        try:
            if file_field == "file":
                files.read_checked(_upload(name, content))
            else:
                images.prepare(_upload(name, content))
        except files.FileRejected as error:
            return str(error.message)
    raise AssertionError(f"{name} was accepted")


def _form_size_message() -> str:
    from hamyar.projects.forms import ProgressReportForm

    form = ProgressReportForm.__new__(ProgressReportForm)
    form.cleaned_data = {"photo": _upload("big.jpg", b"x" * (LIMIT + 1))}
    with translation.override("fa"):
        try:
            form.clean_photo()
        except ValidationError as error:
            return str(error.messages[0])
    raise AssertionError("the report form took an oversized photo")


def _state(media) -> tuple:
    return (NeedAttachment.objects.count(), ProjectDocument.objects.count(), ProgressReport.objects.count(),
            ProgressPhoto.objects.count(), AuditEvent.objects.aggregate(m=Max("pk"))["m"],
            sorted(p for p in media.rglob("*") if p.is_file()))


def test_every_upload_route_refuses_every_bad_file_and_keeps_nothing(client, tenant, targets, limits):
    need, data = targets
    for who, url, fields, file_field, is_api in _routes(tenant, need, data):
        client.force_login(tenant.users[who])
        for case, (name, content) in BAD_FILES.items():
            before = _state(limits)
            response = client.post(url, {**fields, file_field: _upload(name, content)})
            where = (url, case, response.status_code)
            assert 400 <= response.status_code < 500, where
            message = _expected_message(file_field, name, content)
            assert PERSIAN.search(message), message
            if is_api:
                body = response.json()
                shown = sum(body["fields"].values(), [])
                assert body["code"] == "invalid" and any(message in m for m in shown), (where, shown)
            else:  # the page may show the digits in Persian
                # the page isolates figures in <bdi> (and may show them in Persian digits): read its text
                page = to_latin_digits(strip_tags(response.content.decode()))
                if case == "oversized" and file_field == "photo":
                    # the report form refuses a large photo itself, before the check, in its own words
                    message = str(_form_size_message())
                assert to_latin_digits(escape(message)) in page, (where, message)
            assert _state(limits) == before, where


def test_a_good_file_still_passes_every_upload_route(client, tenant, targets, limits):
    """The same routes take a real file: the refusals above are the checks, not a broken route."""
    need, data = targets
    good = {"file": ("plan.pdf", sample.pdf_bytes()), "photo": ("site.png", sample.image_bytes("PNG")),
            "photos": ("site.jpg", sample.image_bytes("JPEG"))}
    for who, url, fields, file_field, _is_api in _routes(tenant, need, data):
        client.force_login(tenant.users[who])
        name, content = good[file_field]
        response = client.post(url, {**fields, file_field: _upload(name, content)})
        assert response.status_code in {201, 302}, (url, response.status_code, response.content[:300])


def test_a_zip_bomb_price_sheet_is_refused_before_it_is_opened(monkeypatch):
    from hamyar.catalog import sheets

    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", ZIP_LIMIT)
    with pytest.raises(sheets.SheetFileError) as error:
        sheets.check_file_bytes(sample.zip_bomb(3, "xlsx"), "prices.xlsx")
    assert error.value.error.code == "too_large"
