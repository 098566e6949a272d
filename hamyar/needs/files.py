"""What an attached file really is: read from its first bytes, never from the name or the browser's word.

A file is accepted when its name's extension, its content and the organization's list of accepted
types (settings.HAMYAR_ATTACHMENT_TYPES) all agree.
"""

import io
import os
import zipfile

from django.conf import settings

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Extensions a clerk's files carry, beyond the one settings name per type.
_EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".xlsx": XLSX, ".docx": DOCX}


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The type the content shows: PDF, JPEG and PNG by their signatures, xlsx and docx by the zip's parts."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    return None


def type_of_name(name: str) -> str | None:
    return _EXTENSIONS.get(os.path.splitext(name)[1].lower())


def accepted_types() -> dict[str, str]:
    """content type → the extension a stored file gets."""
    return dict(settings.HAMYAR_ATTACHMENT_TYPES)


def accepted_extensions() -> list[str]:
    types = accepted_types()
    return sorted(ext for ext, kind in _EXTENSIONS.items() if kind in types)
