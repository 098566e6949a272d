"""Price sheets for tests, built with openpyxl the way a supplier's Excel would save them."""

import io
from collections.abc import Iterable, Sequence

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

HEADERS_FA = ["کد کالا", "نام کالا", "کد حوزه", "واحد", "زمان تحویل (روز)", "از تعداد",
              "قیمت واحد (ریال)", "موجود", "توضیحات", "ویژگی‌ها"]
HEADERS_EN = ["Item code", "Name", "Domain code", "Unit", "Lead time (days)", "Min quantity",
              "Unit price (Rial)", "In stock", "Description", "Attributes"]


def xlsx(rows: Iterable[Sequence], headers: Sequence[str] | None = HEADERS_FA) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "prices.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def bench_rows(count: int, *, price_base: int = 1_000_000, domain: str = "urban-furniture",
               prefix: str = "B") -> list[list]:
    """`count` rows of distinct benches, one tier each."""
    return [
        [f"{prefix}{i:05d}", f"نیمکت پارکی مدل {i}", domain, "عدد", 10, 1, price_base + i, "بله", "", ""]
        for i in range(count)
    ]
