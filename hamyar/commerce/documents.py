"""The documents of commerce: a quotation as a Persian PDF (right to left, Vazirmatn embedded)."""

from django.template.loader import render_to_string
from django.utils import translation

from hamyar.core.money import format_toman
from hamyar.core.pdf import html_to_pdf, pdf_fonts

from . import selectors
from .models import Quotation


def quotation_pdf_bytes(quotation: Quotation) -> bytes:
    """The PDF of a quotation: right to left, Vazirmatn embedded from the installed package."""
    return html_to_pdf(quotation_pdf_html(quotation))


def quotation_pdf_html(quotation: Quotation) -> str:
    policy = selectors.commerce_policy_get(organization_id=quotation.organization_id)
    with translation.override("fa"):
        return render_to_string(
            "commerce/pdf/quotation.html",
            {
                "quotation": quotation,
                "lines": selectors.quotation_lines(quotation=quotation),
                "steps": selectors.quotation_approval_steps(quotation=quotation, policy=policy),
                **pdf_fonts(),
                "organization": quotation.organization,
                "total_toman": format_toman(quotation.total),
            },
        )
