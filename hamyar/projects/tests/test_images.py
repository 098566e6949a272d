"""Site photos: read by Pillow and nothing else, re-encoded without EXIF, thumbnails of at most 320 px."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from hamyar.core.errors import InvalidInput
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.projects import images, services
from hamyar.projects.choices import MilestoneStatus, ProjectStatus
from hamyar.projects.models import Milestone, ProgressPhoto

from .project_data import vakilabad_project

GPS_TAG = 0x8825
MAKE_TAG = 0x010F


def photo_bytes(fmt: str = "JPEG", size=(1000, 600), *, exif: bool = False, mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, "green" if mode != "1" else 1)
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[MAKE_TAG] = "Hamyar Test Camera"
        data[GPS_TAG] = {1: "N", 2: (36.0, 17.0, 50.0)}
        kwargs["exif"] = data.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(data: bytes, name: str = "site.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp")])
def test_jpeg_png_and_webp_are_accepted_with_a_thumbnail_of_at_most_320_px(fmt, ext):
    prepared = images.prepare(upload(photo_bytes(fmt), "عکس کارگاه.bin"))
    assert (prepared.format, prepared.width, prepared.height) == (fmt, 1000, 600)
    assert prepared.name.endswith(ext) and prepared.thumbnail_name.endswith(ext)
    assert "عکس" not in prepared.name and len(prepared.name) == 32 + len(ext)
    assert prepared.original_name == "عکس کارگاه.bin"
    with Image.open(io.BytesIO(prepared.thumbnail)) as thumb:
        assert thumb.format == fmt and thumb.size == (320, 192)


def test_a_tall_photo_keeps_its_proportions_and_a_small_one_is_not_enlarged():
    with Image.open(io.BytesIO(images.prepare(upload(photo_bytes(size=(600, 1200)))).thumbnail)) as thumb:
        assert thumb.size == (160, 320)
    with Image.open(io.BytesIO(images.prepare(upload(photo_bytes(size=(100, 80)))).thumbnail)) as thumb:
        assert thumb.size == (100, 80)


def test_exif_with_the_gps_position_is_gone_from_the_photo_and_the_thumbnail():
    original = photo_bytes(exif=True)
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get(MAKE_TAG) == "Hamyar Test Camera"  # the test photo does carry it
    prepared = images.prepare(upload(original))
    for data in (prepared.data, prepared.thumbnail):
        with Image.open(io.BytesIO(data)) as image:
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info
        assert b"Hamyar Test Camera" not in data


@pytest.mark.parametrize("data", [
    b"%PDF-1.7 not a photo at all",
    b"\xff\xd8\xff\xe0 a JPEG signature followed by nothing",
    b"GIF89a" + b"\x00" * 40,
    b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
])
def test_a_file_named_jpg_that_is_not_a_photo_is_refused(data):
    with pytest.raises(images.ImageRejected):
        images.prepare(upload(data, "site.jpg"))


def test_a_gif_or_bmp_is_refused_even_though_pillow_reads_it():
    for fmt in ("GIF", "BMP"):
        with pytest.raises(images.ImageRejected):
            images.prepare(upload(photo_bytes(fmt), "site.jpg"))


def test_a_truncated_jpeg_is_refused():
    data = photo_bytes()
    with pytest.raises(images.ImageRejected):
        images.prepare(upload(data[: len(data) // 2]))


def test_an_empty_or_oversized_file_is_refused(settings):
    with pytest.raises(images.ImageRejected):
        images.prepare(upload(b""))
    data = photo_bytes()
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = len(data) - 1
    with translation.override("en"), pytest.raises(images.ImageRejected) as error:
        images.prepare(upload(data))
    assert str(error.value.message) == f"The photo is larger than {(len(data) - 1) // 1024} KB."
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
    with translation.override("fa"), pytest.raises(images.ImageRejected) as error:
        images.prepare(upload(b"\xff\xd8\xff" + b"\x00" * (3 * 1024 * 1024)))
    assert str(error.value.message) == "حجم عکس بیش از 3 مگابایت است."


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # 10,000 × 5,000 one-bit pixels: a few kilobytes on disk, 50 megapixels unpacked.
    bomb = photo_bytes("PNG", size=(10_000, 5_000), mode="1")
    assert len(bomb) < 100_000
    with pytest.raises(images.ImageRejected) as error:
        images.prepare(upload(bomb, "bomb.png"))
    assert "40" in str(error.value.message)


# ---------------------------------------------------------------- photos of a progress report


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files)


def _running(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    Milestone.objects.filter(pk=data.design.pk).update(status=MilestoneStatus.IN_PROGRESS)
    return data


def test_a_report_keeps_its_photos_and_thumbnails_under_random_names(tenant, media):
    data = _running(tenant)
    with one_audit_event("progress_report.create") as recorded:
        report = services.progress_report_create(
            project=data.project, acting_user=tenant.users["project_manager"],
            entries=[{"milestone": data.design.pk, "percent": 40}],
            photos=[{"file": upload(photo_bytes(exif=True), "IMG_2041.jpg"), "caption": "ردیف درختان"}])
    photo = ProgressPhoto.objects.get(report=report)
    assert (photo.original_name, photo.caption, photo.width, photo.height) == ("IMG_2041.jpg", "ردیف درختان",
                                                                               1000, 600)
    assert "IMG_2041" not in photo.image.name and photo.image.name.startswith("projects/photos/")
    assert photo.thumbnail.name.startswith("projects/thumbs/")
    assert photo.size == photo.image.size
    with photo.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert max(thumb.size) == 320
    with photo.image.open("rb") as handle:
        assert b"Hamyar Test Camera" not in handle.read()
    assert recorded.event.after["photos"] == [{"id": photo.pk, "name": "IMG_2041.jpg", "size": photo.size}]
    assert len(_stored_files(media)) == 2


def test_one_bad_photo_refuses_the_whole_report_and_stores_no_file(tenant, media):
    data = _running(tenant)
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        services.progress_report_create(
            project=data.project, acting_user=tenant.users["project_manager"],
            entries=[{"milestone": data.design.pk, "percent": 40}],
            photos=[upload(photo_bytes()), upload(b"MZ\x90\x00 an executable", "virus.jpg")])
    assert "photos" in error.value.extra["fields"]
    assert "2" in error.value.extra["fields"]["photos"][0]
    assert _stored_files(media) == []


def test_a_report_refused_after_its_photos_were_stored_removes_them(tenant, media):
    data = _running(tenant)
    with nothing_written("projects"), pytest.raises(InvalidInput):
        services.progress_report_create(
            project=data.project, acting_user=tenant.users["project_manager"],
            entries=[{"milestone": data.irrigation.pk, "percent": 40}],  # not started: refused under the lock
            photos=[upload(photo_bytes())])
    assert _stored_files(media) == []


def test_at_most_ten_photos_per_report(tenant, media):
    data = _running(tenant)
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        services.progress_report_create(
            project=data.project, acting_user=tenant.users["project_manager"],
            entries=[{"milestone": data.design.pk, "percent": 40}],
            photos=[upload(photo_bytes(size=(20, 20))) for _ in range(11)])
    assert "photos" in error.value.extra["fields"]


def test_a_truncated_jpeg_is_still_refused_after_a_pdf_was_made_in_the_process():
    from hamyar.core.pdf import html_to_pdf

    assert html_to_pdf("<p dir='rtl'>پیش‌فاکتور</p>").startswith(b"%PDF")
    data = photo_bytes()
    with pytest.raises(images.ImageRejected):
        images.prepare(upload(data[: len(data) // 2]))
