"""Money is integer Rial everywhere; these only format it at the edge, and round VAT once."""

from decimal import ROUND_HALF_UP, Decimal

from .text import to_persian_digits

RIAL_PER_TOMAN = 10


def group_thousands(amount: int, *, persian_digits: bool = True) -> str:
    """1234567 → ۱٬۲۳۴٬۵۶۷ (Persian thousands separator) or 1,234,567."""
    text = f"{int(amount):,}"
    if persian_digits:
        return to_persian_digits(text.replace(",", "٬"))
    return text


def rial_to_toman(amount: int) -> int:
    """Whole Toman, rounded toward zero: the remainder below one Toman is dropped from view only."""
    amount = int(amount)
    return amount // RIAL_PER_TOMAN if amount >= 0 else -(-amount // RIAL_PER_TOMAN)


def format_rial(amount: int | None, *, persian_digits: bool = True) -> str:
    """۱٬۲۳۴٬۵۰۰ ریال or 1,234,500 Rial."""
    if amount is None:
        return ""
    unit = "ریال" if persian_digits else "Rial"
    return f"{group_thousands(amount, persian_digits=persian_digits)} {unit}"


def format_toman(amount: int | None, *, persian_digits: bool = True) -> str:
    """The Rial amount in Toman: ۱۲۳٬۴۵۰ تومان or 123,450 Toman."""
    if amount is None:
        return ""
    unit = "تومان" if persian_digits else "Toman"
    return f"{group_thousands(rial_to_toman(amount), persian_digits=persian_digits)} {unit}"


def vat_amount(amount: int, percent: Decimal | int | str) -> int:
    """VAT in whole Rial: amount × percent / 100, rounded half up (half a Rial and above goes up).

    The one rounding rule of the project: quotations and invoices both call this.
    """
    exact = Decimal(int(amount)) * Decimal(str(percent)) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
