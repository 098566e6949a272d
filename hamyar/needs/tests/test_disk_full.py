"""A full disk during an upload: the page and the API say so in Persian (507), and neither a file nor a row
is left behind. The disk is filled by Django's own write giving ENOSPC half-way (the storage is patched,
never the database)."""

from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.testing import nothing_written
from hamyar.core.tests import sample_files
from hamyar.core.tests.test_storage import disk_fills_half_way

from .helpers import goods_need

PDF = sample_files.pdf_bytes()
FULL = "فضای ذخیرهٔ پرونده‌ها روی کارگزار پر شده است"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def full_disk(monkeypatch):
    monkeypatch.setattr(DjangoFileSystemStorage, "_save", disk_fills_half_way)


def stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_a_full_disk_is_a_clear_refusal_on_the_page_and_in_the_api(client, tenant, media, full_disk):
    need = goods_need(tenant, build_catalog(tenant))
    client.force_login(tenant.users["district9"])

    with nothing_written("needs", "core"):
        page = client.post(reverse("needs:attachment_add", args=[need.pk]),
                           {"file": SimpleUploadedFile("نقشه.pdf", PDF)})
        api = client.post(f"/api/v1/needs/{need.pk}/attachments",
                          {"file": SimpleUploadedFile("plan.pdf", PDF)})

    assert page.status_code == 507
    assert FULL in page.content.decode()
    assert api.status_code == 507
    assert api.json()["code"] == "storage_full" and FULL in api.json()["detail"]
    assert stored(media) == []
    assert need.attachments.count() == 0
