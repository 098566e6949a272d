"""Rows stored before input was cleaned may hold control characters: every export still answers 200
with a file that opens (a domain named with U+0008 once made every price-list export a 500)."""

import io

import openpyxl
import pypdf
import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Left
from django.test import Client
from django.urls import reverse

from hamyar.catalog.models import CatalogItem, PriceList
from hamyar.commerce.models import Quotation
from hamyar.core.cells import cell_value
from hamyar.core.text import strip_controls

from .finance_data import issued_invoice

# C0 controls openpyxl refuses, ESC, DEL and a C1 control (NEL).
DIRTY = "\x08\x01\x1b\x7f\x85"
APPS = ("directory", "catalog", "needs", "commerce", "projects", "finance")


def _dirty_every_text_column() -> int:
    """Prefix every free-text column of every row of these apps with control characters, bypassing the
    services (as rows written before the cleaning would be)."""
    columns = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            if isinstance(field, models.EmailField | models.SlugField | models.FileField):
                continue
            limit = field.max_length
            if limit and limit < 60 or field.unique:
                continue  # codes and numbers: identifiers, not free text (and a cut one may collide)
            value = Left(field.name, limit - len(DIRTY)) if limit else models.F(field.name)
            model._default_manager.update(**{field.name: Concat(Value(DIRTY), value,
                                                                output_field=field.__class__())})
            columns += 1
    CatalogItem.objects.update(attributes={f"رنگ{DIRTY}": f"سبز{DIRTY}"})
    return columns


def _opens_as_workbook(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]


def _opens_as_pdf(content: bytes) -> str:
    return "".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def dirty(tenant):
    invoice = issued_invoice(tenant)
    assert _dirty_every_text_column() > 40
    return invoice


def _get(user, url) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def test_every_workbook_export_opens_and_keeps_no_control_character(tenant, dirty):
    price_list = PriceList.objects.filter(organization=tenant.org, prices__isnull=False).first()
    assert PriceList.objects.filter(title__startswith=DIRTY).exists()
    urls = {
        "commerce": [reverse("catalog:item_export"), reverse("catalog:import_template"),
                     reverse("catalog:price_list_export", args=[price_list.pk])],
        "finance": [reverse("finance:invoice_xlsx", args=[dirty.pk]),
                    reverse("finance:statement_xlsx", args=[dirty.municipality_id]),
                    f"/api/v1/finance/invoices/{dirty.pk}/xlsx",
                    f"/api/v1/finance/statements/{dirty.municipality_id}/xlsx"],
    }
    for who, paths in urls.items():
        for url in paths:
            cells = [c for c in _opens_as_workbook(_get(tenant.users[who], url)) if isinstance(c, str)]
            assert cells, url
            assert all(strip_controls(c) == c for c in cells), url


def test_every_pdf_export_opens(tenant, dirty):
    quotation = Quotation.objects.filter(organization=tenant.org).first()
    urls = {
        "finance": [reverse("finance:invoice_pdf", args=[dirty.pk]),
                    reverse("finance:statement_pdf", args=[dirty.municipality_id]),
                    f"/api/v1/finance/invoices/{dirty.pk}/pdf",
                    f"/api/v1/finance/statements/{dirty.municipality_id}/pdf"],
        "district9": [reverse("commerce:quotation_pdf", args=[quotation.pk])],
    }
    for who, paths in urls.items():
        for url in paths:
            assert _opens_as_pdf(_get(tenant.users[who], url)).strip(), url


def test_the_json_api_serves_dirty_rows(tenant, dirty):
    for url in ["/api/v1/domains", "/api/v1/catalog/items", "/api/v1/finance/invoices",
                f"/api/v1/finance/invoices/{dirty.pk}"]:
        assert _get(tenant.users["admin"], url)


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "=1+1", f"نام{DIRTY}", "\ud800x", 5, None])
def test_a_cell_value_is_text_without_controls_or_a_number(value):
    book = openpyxl.Workbook()
    from hamyar.core.cells import put

    cell = put(book.active, row=1, column=1, value=value)
    out = io.BytesIO()
    book.save(out)
    again = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"].value
    assert again == (cell_value(value) if value is not None else None)
    assert cell.data_type != "f"
