"""Real files of every accepted kind, small, made here; and bad files of each kind, for the upload tests."""

import io
import struct
import zipfile
import zlib

import openpyxl
from PIL import Image
from pypdf import PdfWriter

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def padded_pdf(size: int) -> bytes:
    """A valid one-page PDF of exactly `size` bytes: a comment line before its startxref fills it up."""
    base = pdf_bytes()
    return base.replace(b"startxref", b"%" + b"0" * (size - len(base) - 2) + b"\nstartxref")


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (16, 12), colour: str = "green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["ردیف", "شرح"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(document: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", document if document is not None else
                         f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>نقشه</w:t></w:r></w:p>'
                         "</w:body></w:document>")
    return out.getvalue()


# ---------------------------------------------------------------- bad files


def png_bomb(width: int = 20000, height: int = 20000, rows: int = 2000) -> bytes:
    """A valid PNG header claiming width×height grey pixels, with the first `rows` of zeros deflated: tens
    of KB that would unpack to 400 MB."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    body = zlib.compress(b"\x00" * ((width + 1) * rows), 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def html_behind(signature: bytes) -> bytes:
    """An HTML page with a JPEG, PNG or PDF signature in front."""
    return signature + HTML * 20


def zip_bomb(unpacked_mb: int, kind: str = "xlsx") -> bytes:
    """An xlsx- or docx-looking zip with a part that unpacks to `unpacked_mb` MB of zeros."""
    out = io.BytesIO()
    part = "xl/workbook.xml" if kind == "xlsx" else "word/document.xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<root/>")
        with archive.open("zeros.xml", "w", force_zip64=True) as sheet:
            block = b"\x00" * (1024 * 1024)
            for _ in range(unpacked_mb):
                sheet.write(block)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "not xml <<<")
    return out.getvalue()


def encrypted_broken_pdf() -> bytes:
    """A PDF that says it is encrypted, with a password we do not have."""
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
