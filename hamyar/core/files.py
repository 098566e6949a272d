"""What an uploaded file really is: read whole (bounded), its kind read from its bytes, then opened by the
parser of that kind — never judged by its name, the browser's word or its first bytes alone.

One checked reader for every upload that is kept as it came (a need's attachments, a project's documents):
images are decoded whole by Pillow under a pixel limit (a 48 KB PNG can claim 20000×20000 pixels), PDFs are
parsed by pypdf (a password-protected or damaged one is refused), xlsx is opened by openpyxl and docx is
read as the zip of XML parts it is, after a zip's unpacked size is bounded (a zip bomb). Site photos, which
are re-encoded, use `open_image` too (hamyar.projects.images).
"""

import io
import os
import struct
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Extensions a clerk's files carry, beyond the one settings name per type.
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".xlsx": XLSX, ".docx": DOCX}
# 40 megapixels: more than any phone camera, far less than a decompression bomb.
MAX_PIXELS = 40_000_000
# What an office file may unpack to, and how many parts it may have: far above a real one.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000


class FileRejected(Exception):
    """The upload is not a file we keep; `message` says why, in words a clerk understands."""

    def __init__(self, message: str | Promise) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: its name as sent, its bytes, its real type and stored extension."""

    name: str
    data: bytes
    content_type: str
    extension: str


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The type the content claims: PDF, JPEG, PNG by their signatures, xlsx and docx by the zip's parts."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    return None


def type_of_name(name: str) -> str | None:
    return EXTENSIONS.get(os.path.splitext(name)[1].lower())


def accepted_types() -> dict[str, str]:
    """content type → the extension a stored file gets (settings.HAMYAR_ATTACHMENT_TYPES)."""
    return dict(settings.HAMYAR_ATTACHMENT_TYPES)


def accepted_extensions() -> list[str]:
    types = accepted_types()
    return sorted(ext for ext, kind in EXTENSIONS.items() if kind in types)


def max_bytes() -> int:
    return int(settings.HAMYAR_ATTACHMENT_MAX_BYTES)


class TooManyPixels(FileRejected):
    """A decompression bomb, or a picture larger than any camera's."""


def too_many_pixels() -> TooManyPixels:
    return TooManyPixels(_("The image has too many pixels (at most %(mp)s megapixels).")
                         % {"mp": MAX_PIXELS // 1_000_000})


def read_upload(
    upload: Any, *, missing: str | Promise | None = None, too_large: str | Promise | None = None
) -> bytes:
    """The whole upload, bounded by settings.HAMYAR_ATTACHMENT_MAX_BYTES; never more is read."""
    if upload is None or not (hasattr(upload, "read") or isinstance(upload, bytes | bytearray)):
        raise FileRejected(missing or _("Choose a file to attach."))
    limit = max_bytes()
    message = too_large or (_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise FileRejected(message)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > limit:
        raise FileRejected(message)
    if not data:
        raise FileRejected(_("The file is empty."))
    return data


def open_image(data: bytes, formats: set[str]) -> tuple:
    """(the image decoded whole, its Pillow format), if Pillow reads it as one of `formats` within the
    pixel limit.

    The size is read from the header before any decoding; verify() checks the structure, then a second
    open decodes every pixel, so a truncated file is refused whatever WeasyPrint's import did to
    Pillow's LOAD_TRUNCATED_IMAGES.
    """
    from PIL import Image, ImageFile, UnidentifiedImageError

    damaged = FileRejected(_("The image is damaged or incomplete, or not the kind its name says."))
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # The pixel count is checked from the header before anything is decoded, below Pillow's own bomb
    # limits, so no process-wide warnings filter is needed (it would not be thread-safe).
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in formats:
                raise damaged
            width, height = probe.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise too_many_pixels()
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in formats:
                raise damaged
            image.load()
            return image.copy(), image.format
    except FileRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError,
            KeyError, struct.error):
        raise damaged from None


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    damaged = FileRejected(_("The PDF cannot be read: it is damaged or not a PDF."))
    if b"%%EOF" not in data[-1024:]:
        raise damaged  # cut short: a repairing reader would still find the first pages
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf's notes on repairable details
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise FileRejected(_("The PDF is protected with a password; attach it without one."))
            pages = reader.pages
            if len(pages) < 1:
                raise damaged
            for page in pages:
                page.mediabox  # noqa: B018 — reading each page's box walks the whole page tree
    except FileRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, EOFError,
            RecursionError, ZeroDivisionError, NotImplementedError, AssertionError):
        raise damaged from None


def _open_zip(data: bytes, damaged: FileRejected) -> zipfile.ZipFile:
    """The zip of an office file, refused when it would unpack to more than MAX_UNZIPPED_BYTES."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise damaged from None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise FileRejected(_("The file unpacks to more than %(mb)s MB; it was not accepted.")
                           % {"mb": MAX_UNZIPPED_BYTES // (1024 * 1024)})
    return archive


def check_zip_size(data: bytes) -> None:
    """Refuse a zip (an xlsx to import) that is no zip, or whose parts would unpack beyond the limit."""
    _open_zip(data, FileRejected(_("The file is damaged or not the kind its name says."))).close()


def _check_xlsx(data: bytes) -> None:
    import openpyxl

    damaged = FileRejected(_("The Excel file cannot be opened: it is damaged or not an xlsx workbook."))
    _open_zip(data, damaged).close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles it cannot read
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise damaged
                for sheet in workbook.worksheets:
                    next(sheet.iter_rows(max_row=1), None)
            finally:
                workbook.close()
    except FileRejected:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise damaged from None


def _check_docx(data: bytes) -> None:
    damaged = FileRejected(_("The Word file cannot be opened: it is damaged or not a docx document."))
    archive = _open_zip(data, damaged)
    try:
        for part in ("[Content_Types].xml", "word/document.xml"):
            ElementTree.fromstring(archive.read(part))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError):
        raise damaged from None
    finally:
        archive.close()


_OPENERS = {
    PDF: _check_pdf,
    JPEG: lambda data: open_image(data, {"JPEG"}),
    PNG: lambda data: open_image(data, {"PNG"}),
    XLSX: _check_xlsx,
    DOCX: _check_docx,
}


def read_checked(upload: Any) -> CheckedFile:
    """Read an upload and accept it only when its name's extension, its content and the organization's
    accepted types all agree and the parser of its kind opens it whole; FileRejected says why not."""
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()
    data = read_upload(upload)
    accepted = accepted_types()
    claimed = type_of_name(name)
    if claimed not in accepted:
        raise FileRejected(_("Attach a PDF, JPEG, PNG, Excel (xlsx) or Word (docx) file.")
                           if accepted else _("No file types are accepted."))
    if sniff(data[:16], data) != claimed:
        raise FileRejected(_("The file's content is not what its name says (%(name)s); it was not accepted.")
                           % {"name": name[:100]})
    _OPENERS[claimed](data)
    return CheckedFile(name=name, data=data, content_type=claimed, extension=accepted[claimed])
