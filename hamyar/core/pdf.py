"""Persian PDFs (quotations, invoices, statements): WeasyPrint with the Vazirmatn font installed by npm."""

from django.conf import settings
from PIL import ImageFile


def pdf_fonts() -> dict[str, str]:
    """File URLs of Vazirmatn for a template's @font-face (no CDN: the package is in node_modules)."""
    font_dir = settings.NODE_MODULES / "vazirmatn" / "fonts" / "ttf"
    return {
        "font_regular": (font_dir / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (font_dir / "Vazirmatn-Bold.ttf").as_uri(),
    }


def html_to_pdf(html: str) -> bytes:
    """The PDF of a rendered template (right to left comes from its CSS)."""
    from weasyprint import HTML  # heavy: imported when a PDF is first asked for

    # Importing WeasyPrint makes Pillow accept truncated images in the whole process. Our PDFs embed
    # no uploaded image, and the checks of uploaded photos rely on Pillow refusing a cut-off file.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
