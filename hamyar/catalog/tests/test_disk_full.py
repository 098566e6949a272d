"""A full disk while a price sheet is uploaded: the form says so in Persian (507); no file, no import."""


import pytest
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hamyar.catalog.models import PriceImport
from hamyar.core.testing import nothing_written
from hamyar.core.tests.test_storage import disk_fills_half_way

from .sheetdata import bench_rows, xlsx

FULL = "فضای ذخیرهٔ پرونده‌ها روی کارگزار پر شده است"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_full_disk_during_a_price_sheet_upload_is_said_on_the_form(client, tenant, media, monkeypatch):
    monkeypatch.setattr(DjangoFileSystemStorage, "_save", disk_fills_half_way)
    client.force_login(tenant.users["supplier"])

    with nothing_written("catalog", "core"):
        response = client.post(reverse("catalog:import_create"), {
            "title": "فهرست زمستان ۱۴۰۵", "valid_from": "۱۴۰۵/۱۰/۰۱",
            "file": SimpleUploadedFile("prices.xlsx", xlsx(bench_rows(3)), content_type=XLSX),
        })

    assert response.status_code == 507
    page = response.content.decode()
    assert FULL in page and 'name="title"' in page and "فهرست زمستان ۱۴۰۵" in page
    assert not PriceImport.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
