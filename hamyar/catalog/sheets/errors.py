"""What can be wrong with a sheet: errors stored as codes with parameters, shown in the reader's language."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .columns import COLUMN_BY_KEY, MAX_RECORDED_ERRORS

MESSAGES: dict[str, Any] = {
    # The file as a whole.
    "not_xlsx": _("The file must be an Excel workbook (.xlsx). Save it from Excel as \"Excel Workbook\"."),
    "old_excel": _("This is an old Excel file (.xls). Open it in Excel and save it as .xlsx."),
    "corrupt": _("The file cannot be read as an Excel workbook: it may be damaged."),
    "too_large": _("The file is larger than %(limit)s MB. Split the price list into smaller sheets."),
    "empty": _("The sheet has no rows of prices under its header row."),
    "missing_columns": _("The sheet lacks these columns: %(columns)s. "
                         "Download the template for the headers."),
    "toman_column": _("Prices must be in Rial, not Toman: multiply by ten and name the column "
                      "\"%(header)s\"."),
    "duplicate_column": _("The column \"%(header)s\" appears twice."),
    "too_many_rows": _("The sheet has more than %(limit)s rows. Split it into smaller sheets."),
    "too_many_errors": _("Checking stopped after %(limit)s errors; fix these and upload again."),
    # One cell or row.
    "required": _("This cell must not be empty."),
    "too_long": _("Longer than %(limit)s characters."),
    "not_a_number": _("\"%(value)s\" is not a number."),
    "not_whole": _("\"%(value)s\" is not a whole number."),
    "misgrouped": _("\"%(value)s\": the thousands separators are misplaced (each must be followed by "
                    "three digits, as in ۱٬۲۵۰٬۰۰۰)."),
    "negative_price": _("The price must not be negative."),
    "absurd_price": _("The price %(value)s Rial is not plausible."),
    "quantity_below_one": _("The quantity of a tier must be at least 1."),
    "absurd_quantity": _("The quantity %(value)s is not plausible."),
    "bad_lead_time": _("The lead time must be between 0 and %(limit)s days."),
    "unknown_unit": _("Unknown unit \"%(value)s\". Use one of: %(choices)s."),
    "unknown_domain": _("Unknown service domain \"%(value)s\". Use a domain code from the template."),
    "bad_boolean": _("\"%(value)s\" is not yes or no (بله / خیر)."),
    "bad_attributes": _("Write attributes as \"name: value\" pairs separated by \"؛\", e.g. "
                        "\"جنس: فولاد؛ طول: ۱۸۰\"."),
    "duplicate_tier": _("Item %(code)s has the tier from quantity %(quantity)s already on "
                        "row %(other_row)s."),
    "conflicting_details": _("Differs from row %(other_row)s of the same item code."),
    # Found only when applying.
    "service_refused": _("%(message)s"),
    "apply_failed": _("The sheet could not be applied; nothing was written. Check it again and retry."),
    "check_failed": _("The sheet could not be checked because of an internal error. Try again."),
    "worker_lost": _("The background worker stopped before this sheet was applied; nothing was written. "
                     "Check the sheet again and apply it."),
}


@dataclass(frozen=True)
class SheetError:
    """One problem: the Excel row number (None for the whole file), the column key, a code, values."""

    code: str
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}


def error_text(error: dict[str, Any] | SheetError) -> str:
    """The error's message in the active language."""
    data = error.as_dict() if isinstance(error, SheetError) else error
    template = MESSAGES.get(data.get("code", ""), MESSAGES["apply_failed"])
    params = dict(data.get("params") or {})
    if "columns" in params and isinstance(params["columns"], list):
        params["columns"] = "، ".join(COLUMN_BY_KEY[k].header() for k in params["columns"])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def column_header(key: str | None) -> str:
    """The column's header in the active language, or "" for an error of the whole file."""
    return COLUMN_BY_KEY[key].header() if key in COLUMN_BY_KEY else ""


def errors_for_display(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored errors as a page or the API shows them: row, column header, message in the active language."""
    return [
        {"row": e.get("row"), "column": e.get("column"), "column_header": column_header(e.get("column")),
         "code": e.get("code"), "message": error_text(e)}
        for e in errors
    ]


class SheetFileError(Exception):
    """The file as a whole cannot be used (not xlsx, damaged, too big, empty, columns missing)."""

    def __init__(self, code: str, **params: Any):
        self.error = SheetError(code, params=params)
        super().__init__(code)

    @property
    def message(self) -> str:
        return error_text(self.error)


class ErrorList(list):
    """Errors as stored: dicts, bounded by MAX_RECORDED_ERRORS with a closing note."""

    def extend_errors(self, errors: Iterable[SheetError]) -> None:
        for error in errors:
            if len(self) < MAX_RECORDED_ERRORS:
                self.append(error.as_dict())
            elif len(self) == MAX_RECORDED_ERRORS:
                self.append(SheetError("too_many_errors", params={"limit": MAX_RECORDED_ERRORS}).as_dict())
