"""The price sheet format: reading what suppliers' Excel files hold, checking every row, writing it back."""

import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.utils import translation

from hamyar.catalog import sheets
from hamyar.catalog.choices import Unit

from .sheetdata import HEADERS_EN, HEADERS_FA, xlsx

DOMAINS = sheets.domain_lookup([
    SimpleNamespace(pk=1, code="urban-furniture", name="مبلمان شهری"),
    SimpleNamespace(pk=2, code="lighting", name="روشنایی"),
])


def row(code, *, name="نیمکت", domain="urban-furniture", unit="عدد", lead=5, quantity=1, price=1000,
        stock="بله", description="", attrs="") -> list:
    return [code, name, domain, unit, lead, quantity, price, stock, description, attrs]


def check(rows, headers=HEADERS_FA):
    return sheets.check_rows(sheets.read_sheet(io.BytesIO(xlsx(rows, headers))), domains=DOMAINS)


def errors_by_row(errors) -> dict[int, set[tuple[str, str]]]:
    found: dict[int, set[tuple[str, str]]] = {}
    for error in errors:
        found.setdefault(error["row"], set()).add((error["column"], error["code"]))
    return found


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("۱۲۵۰۰۰۰", 1_250_000),
        ("۱٬۲۵۰٬۰۰۰", 1_250_000),
        ("١٬٢٥٠٬٠٠٠", 1_250_000),  # Arabic-Indic digits and the Arabic thousands separator
        ("1,250,000", 1_250_000),
        ("1.250.000", 1_250_000),
        ("۱۲۵۰۰۰۰ ریال", 1_250_000),
        (" ۱ ۲۵۰ ۰۰۰ ", 1_250_000),
        ("\u200f۱۲۵۰۰۰۰", 1_250_000),  # a right-to-left mark pasted in front
        (1_250_000, 1_250_000),
        (1_250_000.0, 1_250_000),
        ("-۵", -5),
        ("۵۰۰-", -500),  # a minus typed after the number, right to left
    ],
)
def test_numbers_with_persian_digits_and_separators_parse(text, number):
    assert sheets.parse_whole(text) == number


@pytest.mark.parametrize(
    ("text", "code"),
    [("1.5", "not_whole"), ("۱٫۵", "not_whole"), ("دوازده", "not_a_number"), ("12a", "not_a_number"),
     (True, "not_a_number")],
)
def test_a_number_that_is_not_whole_or_not_a_number_is_refused(text, code):
    with pytest.raises(sheets.CellError) as caught:
        sheets.parse_whole(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "unit"),
    [("عدد", Unit.PIECE), ("piece", Unit.PIECE), ("متر مربع", Unit.SQUARE_METER),
     ("مترمربع", Unit.SQUARE_METER), ("m2", Unit.SQUARE_METER), ("square metre", Unit.SQUARE_METER),
     ("M2", Unit.SQUARE_METER), ("متر مکعب", Unit.CUBIC_METER), ("کیلوگرم", Unit.KILOGRAM),
     ("دستگاه", Unit.DEVICE), ("سرويس", Unit.SERVICE)],
)
def test_unit_is_accepted_as_code_or_persian_or_english_label(text, unit):
    assert sheets.unit_from_text(text) == unit


def test_unit_labels_do_not_depend_on_the_page_language():
    with translation.override("en"):
        english = sheets.unit_from_text("square metre")
    with translation.override("fa"):
        persian = sheets.unit_from_text("square metre")
    assert english == persian == Unit.SQUARE_METER


def test_attributes_are_name_value_pairs_with_persian_separators():
    assert sheets.parse_attributes("جنس: فولاد؛ طول: ۱۸۰") == {"جنس": "فولاد", "طول": "180"}
    assert sheets.parse_attributes("رنگ=سبز; وزن: ۲۰ کیلو") == {"رنگ": "سبز", "وزن": "20 کیلو"}
    with pytest.raises(sheets.CellError):
        sheets.parse_attributes("فولادی و بلند")


@pytest.mark.parametrize("text", ["بله", "آری", "yes", "TRUE", "1", "✓"])
def test_in_stock_yes(text):
    assert sheets.parse_bool(text) is True


@pytest.mark.parametrize("text", ["خیر", "نه", "no", "false", "0"])
def test_in_stock_no(text):
    assert sheets.parse_bool(text) is False


def test_english_headers_are_accepted():
    errors = check([["B-1", "Bench", "urban-furniture", "piece", 5, 1, 1000, "yes", "", ""]], HEADERS_EN)
    assert errors == []


def test_headers_in_any_order_and_optional_columns_may_be_left_out():
    sheet = sheets.read_sheet(io.BytesIO(xlsx([[1000, "عدد", "نیمکت", "B-1", "مبلمان شهری"]],
                                              ["قیمت واحد (ریال)", "واحد", "نام کالا", "کد کالا", "حوزه"])))
    checker = sheets.RowChecker(columns=sheet.columns, domains=DOMAINS)
    result = checker.check(*sheet.rows[0])
    assert result.errors == []
    assert result.item.values == {"name": "نیمکت", "domain": DOMAINS["urban-furniture"], "unit": "piece"}
    assert (result.tier.min_quantity, result.tier.unit_price) == (1, 1000)


def test_every_bad_row_is_reported_with_its_row_and_column():
    rows = [
        row("B-1", price=1_000_000),                             # row 2: fine
        row("B-2", unit="بشکه"),                                 # 3: unknown unit
        row("B-3", domain="parks-and-fun"),                      # 4: unknown domain
        row("B-4", price=-1000),                                 # 5: negative price
        row("B-5", quantity=0),                                  # 6: zero quantity
        row("B-6", quantity="-۳"),                               # 7: negative quantity
        row("B-7", quantity=10**12),                             # 8: absurd quantity
        row("B-1", price=900_000),                               # 9: the tier of row 2 again
        row("B-8", name=None),                                   # 10: missing name
        row("B-9", price="یک میلیون"),                           # 11: not a number
        row("B-10", lead="۵۰۰۰"),                                # 12: lead time beyond ten years
        row("B-11", price=10**16, stock="شاید", attrs="فولادی"),  # 13: three bad cells
        row(None),                                               # 14: missing code
        row("B-1", name="نیمکت بزرگ", quantity=20),              # 15: differs from row 2
        row("B-12", price=None),                                 # 16: missing price
    ]
    found = errors_by_row(check(rows))
    assert found == {
        3: {("unit", "unknown_unit")},
        4: {("domain", "unknown_domain")},
        5: {("unit_price", "negative_price")},
        6: {("min_quantity", "quantity_below_one")},
        7: {("min_quantity", "quantity_below_one")},
        8: {("min_quantity", "absurd_quantity")},
        9: {("min_quantity", "duplicate_tier")},
        10: {("name", "required")},
        11: {("unit_price", "not_a_number")},
        12: {("lead_time_days", "bad_lead_time")},
        13: {("unit_price", "absurd_price"), ("in_stock", "bad_boolean"), ("attributes", "bad_attributes")},
        14: {("code", "required")},
        15: {("name", "conflicting_details")},
        16: {("unit_price", "required")},
    }


def test_a_later_tier_row_may_leave_the_item_details_blank():
    rows = [
        ["B-1", "نیمکت", "urban-furniture", "عدد", 5, 1, 1_000_000, "بله", "", ""],
        ["B-1", None, None, None, None, 10, 950_000, None, None, None],
        ["B-1", "نیمکت", "urban-furniture", "عدد", None, 50, 900_000, None, None, None],
    ]
    assert check(rows) == []


def test_error_messages_name_the_row_values_and_the_column_header():
    errors = check([["B-1", "نیمکت", "urban-furniture", "بشکه", 5, 1, 1000, "بله", "", ""]])
    with translation.override("en"):
        shown = sheets.errors_for_display(errors)
    assert shown[0]["row"] == 2
    assert shown[0]["column_header"] == "Unit"
    assert "بشکه" in shown[0]["message"] and "متر مربع" in shown[0]["message"]
    with translation.override("fa"):
        assert sheets.errors_for_display(errors)[0]["column_header"] == "واحد"


def test_progress_is_reported_as_rows_are_checked():
    rows = [[f"B-{i}", "نیمکت", "urban-furniture", "عدد", 5, 1, 1000, "بله", "", ""] for i in range(25)]
    seen: list[int] = []
    sheets.check_rows(sheets.read_sheet(io.BytesIO(xlsx(rows))), domains=DOMAINS, on_progress=seen.append,
                      progress_every=10)
    assert seen == [10, 20, 25]


# ---------------------------------------------------------------- the file as a whole


def file_error(data: bytes, name: str = "prices.xlsx") -> str:
    with pytest.raises(sheets.SheetFileError) as caught:
        sheets.check_file_bytes(data, name)
        sheets.read_sheet(io.BytesIO(data), header_only=True)
    return caught.value.error.code


def test_a_csv_renamed_or_not_is_not_an_xlsx():
    assert file_error(b"code,name\n1,bench\n", "prices.csv") == "not_xlsx"
    assert file_error(b"code,name\n1,bench\n", "prices.xlsx") == "corrupt"


def test_an_old_xls_file_is_named_as_such():
    assert file_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "prices.xls") == "old_excel"


def test_a_damaged_xlsx_is_corrupt():
    data = xlsx([["B-1", "نیمکت", "urban-furniture", "عدد", 5, 1, 1000, "بله", "", ""]])
    assert file_error(data[: len(data) // 2]) == "corrupt"


def test_an_oversized_file_is_refused_before_it_is_opened():
    assert file_error(b"PK\x03\x04" + b"\0" * (sheets.MAX_FILE_BYTES + 1)) == "too_large"


def test_a_sheet_with_only_headers_is_empty():
    assert file_error(xlsx([])) == "empty"
    assert file_error(xlsx([], headers=None)) == "empty"


def test_missing_columns_are_listed():
    data = xlsx([["B-1", "نیمکت", 1000]], ["کد کالا", "نام کالا", "قیمت واحد (ریال)"])
    with pytest.raises(sheets.SheetFileError) as caught:
        sheets.read_sheet(io.BytesIO(data))
    assert caught.value.error.params == {"columns": ["domain", "unit"]}
    with translation.override("fa"):
        assert "کد حوزه" in caught.value.message and "واحد" in caught.value.message


def test_a_price_column_in_toman_is_refused_rather_than_read_as_rial():
    data = xlsx([["B-1", "نیمکت", "urban-furniture", "عدد", 100_000]],
                ["کد کالا", "نام کالا", "کد حوزه", "واحد", "قیمت واحد (تومان)"])
    with pytest.raises(sheets.SheetFileError) as caught:
        sheets.read_sheet(io.BytesIO(data))
    assert caught.value.error.code == "toman_column"


def test_the_header_row_may_follow_blank_rows():
    workbook = openpyxl.Workbook()
    workbook.active.append([])
    workbook.active.append(HEADERS_FA)
    workbook.active.append(["B-1", "نیمکت", "urban-furniture", "عدد", 5, 1, 1000, "بله", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = sheets.read_sheet(io.BytesIO(buffer.getvalue()))
    assert [number for number, _ in sheet.rows] == [3]


# ---------------------------------------------------------------- writing


def test_written_sheet_is_right_to_left_with_persian_headers_and_reads_back_the_same():
    line = sheets.SheetLine(code="00123", name="نیمکت پارکی", domain_code="urban-furniture", unit="m2",
                            lead_time_days=7, min_quantity=10, unit_price=1_250_000, in_stock=False,
                            description="دو خط\nتوضیح", attributes={"جنس": "فولاد", "طول": "180"})
    data = sheets.write_price_sheet([line], domains=[SimpleNamespace(code="urban-furniture", name="مبلمان")])
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.sheet_view.rightToLeft is True
    assert [c.value for c in sheet[1]] == HEADERS_FA
    assert [c.value for c in sheet[2]][:8] == ["00123", "نیمکت پارکی", "urban-furniture", "متر مربع", 7, 10,
                                               1_250_000, "خیر"]
    assert workbook.worksheets[1].title == "راهنما"

    raw = sheets.read_sheet(io.BytesIO(data))
    result = sheets.RowChecker(columns=raw.columns, domains=DOMAINS).check(*raw.rows[0])
    assert result.errors == []
    assert result.item.code == "00123"
    assert result.item.values == {
        "name": "نیمکت پارکی", "domain": DOMAINS["urban-furniture"], "unit": "m2", "lead_time_days": 7,
        "in_stock": False, "description": "دو خط\nتوضیح", "attributes": {"جنس": "فولاد", "طول": "180"},
    }
    assert (result.tier.min_quantity, result.tier.unit_price) == (10, 1_250_000)


def test_the_template_has_the_headers_and_no_rows():
    data = sheets.write_price_sheet([])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS_FA
    assert sheet.max_row == 1


def test_a_title_with_characters_excel_refuses_still_makes_a_sheet():
    data = sheets.write_price_sheet([], title="فهرست بها ۱۴۰۵/۰۱ [بهار]: نیمکت‌ها و سطل‌ها و آب‌نماها")
    title = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].title
    assert "/" not in title and "[" not in title and len(title) <= 31
