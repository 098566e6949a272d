"""Site photos: accepted only when Pillow reads them as JPEG, PNG or WebP, then re-encoded.

What the file says about itself (name, browser's type) is never trusted. A photo is read whole
(bounded by settings.HAMYAR_ATTACHMENT_MAX_BYTES), its pixel count is checked before decoding (a
small file can unpack into gigabytes: a decompression bomb), it is verified, opened again and
decoded, turned upright, and saved anew — which drops EXIF (GPS position, camera serial) and any
bytes hidden after the image. A thumbnail of at most 320 px on its longer side goes with it. Both
are stored under random names.
"""

import io
import os
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from hamyar.core import files
from hamyar.core.files import MAX_PIXELS  # noqa: F401 — the one pixel limit, shared with attachments
from hamyar.core.text import normalize

# Pillow format → (extension, content type).
FORMATS = {"JPEG": (".jpg", "image/jpeg"), "PNG": (".png", "image/png"), "WEBP": (".webp", "image/webp")}
THUMBNAIL_SIZE = 320


class ImageRejected(files.FileRejected):
    """The upload is not a photo we keep; `message` says why, in words a clerk understands."""


@dataclass(frozen=True)
class PreparedImage:
    """A checked photo, re-encoded, and its thumbnail, ready to be stored."""

    original_name: str
    format: str
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    name: str  # random, with the extension of the real format
    thumbnail_name: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][1]

    def content(self) -> ContentFile:
        return ContentFile(self.data)

    def thumbnail_content(self) -> ContentFile:
        return ContentFile(self.thumbnail)


def max_bytes() -> int:
    return files.max_bytes()


def _too_large(limit: int) -> ImageRejected:
    if limit >= 1024 * 1024:
        return ImageRejected(_("The photo is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    return ImageRejected(_("The photo is larger than %(kb)s KB.") % {"kb": limit // 1024})


def _read(upload) -> bytes:
    try:
        return files.read_upload(upload, missing=_("Choose a photo to attach."),
                                 too_large=_too_large(max_bytes()).message)
    except files.FileRejected as error:
        raise ImageRejected(error.message) from None


def _not_a_photo() -> ImageRejected:
    return ImageRejected(_("The file is not a JPEG, PNG or WebP photo."))


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(out, "WEBP", quality=85)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16", "I"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def prepare(upload) -> PreparedImage:
    """Check an uploaded photo and re-encode it with its thumbnail; ImageRejected when it is not one."""
    name = normalize(os.path.basename(str(getattr(upload, "name", "") or "")))[:200] or "photo"
    data = _read(upload)
    try:
        decoded, fmt = files.open_image(data, set(FORMATS))
    except files.TooManyPixels:
        raise ImageRejected(_("The photo has too many pixels (at most %(mp)s megapixels).")
                            % {"mp": MAX_PIXELS // 1_000_000}) from None
    except files.FileRejected:
        raise _not_a_photo() from None
    clean = ImageOps.exif_transpose(decoded).copy()
    clean.info.pop("exif", None)
    clean.info.pop("icc_profile", None)
    try:
        body = _encode(clean, fmt)
        thumb = clean.copy()
        thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        small = _encode(thumb, fmt)
    except (OSError, ValueError) as error:
        raise _not_a_photo() from error
    ext = FORMATS[fmt][0]
    stem = uuid.uuid4().hex
    return PreparedImage(original_name=name, format=fmt, data=body, thumbnail=small, width=clean.width,
                         height=clean.height, name=f"{stem}{ext}", thumbnail_name=f"{stem}-thumb{ext}")
