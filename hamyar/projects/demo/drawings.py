"""What the demo draws instead of downloading: a site photo (Pillow) and a contract summary PDF."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image, ImageDraw

from hamyar.core.jalali import format_jalali_date
from hamyar.core.money import format_rial
from hamyar.core.pdf import html_to_pdf, pdf_fonts

from ..models import Project


def photo(scene: str) -> SimpleUploadedFile:
    """A site photo drawn for the demo: paving, trees, barren slope or irrigation pipes."""
    image = Image.new("RGB", (1024, 683), (150, 196, 232))
    draw = ImageDraw.Draw(image)
    if scene == "barren":
        slope = [(0, 683), (0, 330), (300, 200), (620, 290), (1024, 150), (1024, 683)]
        draw.polygon(slope, fill=(176, 146, 104))
        for x in range(40, 1024, 90):
            draw.ellipse([x, 520 - (x % 70), x + 16, 532 - (x % 70)], fill=(120, 104, 80))
    else:
        draw.rectangle([0, 380, 1024, 683], fill=(96, 160, 74))
    if scene == "paving":
        draw.polygon([(380, 683), (470, 380), (560, 380), (660, 683)], fill=(190, 186, 178))
        for y in range(400, 683, 28):
            draw.line([(300, y), (740, y)], fill=(160, 156, 150), width=2)
    if scene == "trees":
        for x in range(60, 1024, 140):
            draw.rectangle([x - 7, 300, x + 7, 400], fill=(105, 72, 40))
            draw.ellipse([x - 55, 200, x + 55, 320], fill=(38, 118, 52))
    if scene == "irrigation":
        for y in range(420, 683, 50):
            draw.line([(0, y), (1024, y - 30)], fill=(30, 30, 30), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return SimpleUploadedFile(f"{scene}.jpg", buffer.getvalue(), content_type="image/jpeg")


def contract_pdf(project: Project, officer) -> bytes:
    """A one-page Persian contract summary of the project (its parties, amount and dates), as a PDF."""
    fonts = pdf_fonts()
    rows = [
        ("شماره قرارداد", project.number),
        ("کارفرما", project.municipality.name),
        ("مجری", project.provider.name),
        ("محل اجرا", project.site.name if project.site else "—"),
        ("مبلغ قرارداد", format_rial(project.contract_amount)),
        ("مدت", f"{format_jalali_date(project.start_date)} تا {format_jalali_date(project.end_date)}"),
        ("تنظیم‌کننده", officer.display_name),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    html = f"""<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><style>
@font-face {{ font-family: Vazirmatn; src: url("{fonts['font_regular']}"); }}
@font-face {{ font-family: Vazirmatn; font-weight: bold; src: url("{fonts['font_bold']}"); }}
@page {{ size: A5; margin: 16mm; }}
body {{ font-family: Vazirmatn, sans-serif; direction: rtl; font-size: 10pt; }}
th {{ text-align: right; padding: 3pt 8pt; }} td {{ padding: 3pt 8pt; }}
</style></head><body><h1 style="font-size: 14pt">{escape(project.title)}</h1>
<p>{escape(project.description)}</p><table>{cells}</table></body></html>"""
    return html_to_pdf(html)
