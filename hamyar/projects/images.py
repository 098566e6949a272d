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
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format → (extension, content type).
FORMATS = {"JPEG": (".jpg", "image/jpeg"), "PNG": (".png", "image/png"), "WEBP": (".webp", "image/webp")}
# 40 megapixels: more than any phone camera, far less than a bomb.
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = 320


class ImageRejected(Exception):
    """The upload is not a photo we keep; `message` says why, in words a clerk understands."""

    def __init__(self, message) -> None:
        self.message = message
        super().__init__(str(message))


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
    return int(settings.HAMYAR_ATTACHMENT_MAX_BYTES)


def _too_large(limit: int) -> ImageRejected:
    if limit >= 1024 * 1024:
        return ImageRejected(_("The photo is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    return ImageRejected(_("The photo is larger than %(kb)s KB.") % {"kb": limit // 1024})


def _read(upload) -> bytes:
    if upload is None or not (hasattr(upload, "read") or isinstance(upload, bytes | bytearray)):
        raise ImageRejected(_("Choose a photo to attach."))
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise ImageRejected(_("The file is empty."))
    return data


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
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()[:200] or "photo"
    data = _read(upload)
    with warnings.catch_warnings():
        # Pillow warns before it refuses; a warning about size is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in FORMATS:
                    raise _not_a_photo()
                if width < 1 or height < 1 or width * height > MAX_PIXELS:
                    raise ImageRejected(_("The photo has too many pixels (at most %(mp)s megapixels).")
                                        % {"mp": MAX_PIXELS // 1_000_000})
                probe.verify()
            # verify() leaves the image unusable: open it again and decode it for real.
            with Image.open(io.BytesIO(data)) as image:
                if image.format != fmt:
                    raise _not_a_photo()
                image.load()
                upright = ImageOps.exif_transpose(image)
                clean = upright.copy()
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(_("The photo has too many pixels (at most %(mp)s megapixels).")
                                % {"mp": MAX_PIXELS // 1_000_000}) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError,
                Image.UnidentifiedImageError):
            raise _not_a_photo() from None
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
