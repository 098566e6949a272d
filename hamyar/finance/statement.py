"""A municipality's account statement over a date range, and its receivables aging.

- Debits are the municipality's issued invoices (issued, partially paid or paid), on their issue
  date, for their total; credits are the payments against them, on the day paid. Drafts are not
  owed yet and void invoices never were: both are left out (a void invoice has no payments).
- The opening balance is every debit before the first day minus every credit before it; each
  movement carries the running balance; the closing balance is the opening plus the range's debits
  minus its credits. On one day, invoices come before payments.
- Aging is taken on the range's last day, or today when the range runs past it (`as_of`: the days
  past due of a day to come are not known yet, and no invoice or payment is dated after today, so
  what is owed is the same): each invoice issued by then with money still owed on that day (its
  total less the payments made by then) falls in one bucket by its days past due,
  `as_of − due_date` in calendar days: 0–30 (which includes invoices not yet due, whose days are
  zero or less), 31–60, 61–90 and over 90. The buckets add up to the closing balance.

All amounts are integer Rial. Range dates are Gregorian `date`s; `jalali_month` and `parse_date`
turn what a clerk types (Jalali, or ISO) into them.
"""

import datetime as dt
from dataclasses import dataclass, field

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core.errors import InvalidInput
from hamyar.core.jalali import JalaliDateError, to_jalali
from hamyar.core.jalali import parse_date as parse_typed_date
from hamyar.directory.models import Municipality

from .choices import OWED_STATUSES
from .models import Invoice, Payment

__all__ = [
    "AGING_BUCKETS",
    "Aging",
    "Movement",
    "Statement",
    "jalali_month",
    "parse_date",
    "statement_build",
]

# (key, first day past due, last day past due or None for open-ended, label)
AGING_BUCKETS: tuple[tuple[str, int | None, int | None, object], ...] = (
    ("d0_30", None, 30, _("0–30 days")),
    ("d31_60", 31, 60, _("31–60 days")),
    ("d61_90", 61, 90, _("61–90 days")),
    ("d90_plus", 91, None, _("over 90 days")),
)
# The longest range a statement may cover (a long one is still one query per kind of row).
MAX_RANGE_DAYS = 366 * 20


@dataclass
class Movement:
    """One line of the statement: an invoice (debit) or a payment (credit), and the balance after it."""

    date: dt.date
    kind: str  # "invoice" or "payment"
    number: str  # the invoice's number, or the payment's reference
    invoice_id: int
    invoice_number: str
    debit: int
    credit: int
    balance: int
    payment_id: int | None = None
    due_date: dt.date | None = None
    method: str = ""


@dataclass
class AgingRow:
    key: str
    label: object  # lazy: read in the language of whoever shows it
    amount: int
    invoices: int


@dataclass
class Aging:
    """What is owed on `as_of`, by days past due."""

    as_of: dt.date
    rows: list[AgingRow]
    not_due: int = 0  # of the 0–30 bucket, what is not yet due on `as_of`

    @property
    def total(self) -> int:
        return sum(row.amount for row in self.rows)

    def amount(self, key: str) -> int:
        return next(row.amount for row in self.rows if row.key == key)


@dataclass
class Statement:
    municipality: Municipality
    start: dt.date
    end: dt.date
    opening: int
    movements: list[Movement] = field(default_factory=list)
    aging: Aging | None = None

    @property
    def debits(self) -> int:
        return sum(m.debit for m in self.movements)

    @property
    def credits(self) -> int:
        return sum(m.credit for m in self.movements)

    @property
    def closing(self) -> int:
        return self.opening + self.debits - self.credits


def statement_build(*, municipality: Municipality, start: dt.date, end: dt.date) -> Statement:
    """The statement of `municipality` from `start` to `end` (both included); the caller checked scope."""
    if end < start:
        raise InvalidInput(
            _("The end of the range cannot be before its start."),
            extra={"fields": {"to": [str(_("The end of the range cannot be before its start."))]}},
        )
    invoices = list(
        Invoice.objects.filter(
            municipality=municipality, status__in=sorted(OWED_STATUSES), issue_date__lte=end
        )
        .order_by("issue_date", "pk")
        .values("pk", "number", "issue_date", "due_date", "total")
    )
    by_id = {row["pk"]: row for row in invoices}
    payments = list(
        Payment.objects.filter(invoice_id__in=list(by_id), paid_on__lte=end)
        .order_by("paid_on", "pk")
        .values("pk", "invoice_id", "amount", "paid_on", "reference", "method")
    )
    opening = sum(row["total"] for row in invoices if row["issue_date"] < start) - sum(
        row["amount"] for row in payments if row["paid_on"] < start
    )
    entries: list[tuple[tuple, Movement]] = []
    for row in invoices:
        if row["issue_date"] >= start:
            entries.append(
                (
                    (row["issue_date"], 0, row["pk"]),
                    Movement(
                        date=row["issue_date"],
                        kind="invoice",
                        number=row["number"],
                        invoice_id=row["pk"],
                        invoice_number=row["number"],
                        debit=row["total"],
                        credit=0,
                        balance=0,
                        due_date=row["due_date"],
                    ),
                )
            )
    for row in payments:
        if row["paid_on"] >= start:
            invoice = by_id[row["invoice_id"]]
            entries.append(
                (
                    (row["paid_on"], 1, row["pk"]),
                    Movement(
                        date=row["paid_on"],
                        kind="payment",
                        number=row["reference"],
                        invoice_id=invoice["pk"],
                        invoice_number=invoice["number"],
                        debit=0,
                        credit=row["amount"],
                        balance=0,
                        payment_id=row["pk"],
                        method=row["method"],
                    ),
                )
            )
    balance = opening
    movements = []
    for _key, movement in sorted(entries, key=lambda pair: pair[0]):
        balance += movement.debit - movement.credit
        movement.balance = balance
        movements.append(movement)
    statement = Statement(
        municipality=municipality, start=start, end=end, opening=opening, movements=movements
    )
    statement.aging = _aging(invoices, payments, as_of=min(end, timezone.localdate()))
    return statement


def _bucket(days: int) -> str:
    for key, _first, last, _label in AGING_BUCKETS:
        if last is None or days <= last:
            return key
    raise AssertionError("the last bucket is open-ended")


def _aging(invoices: list[dict], payments: list[dict], *, as_of: dt.date) -> Aging:
    paid: dict[int, int] = {}
    for row in payments:  # every payment here is paid on or before `as_of`
        paid[row["invoice_id"]] = paid.get(row["invoice_id"], 0) + row["amount"]
    amounts = {key: 0 for key, *_rest in AGING_BUCKETS}
    counts = {key: 0 for key, *_rest in AGING_BUCKETS}
    not_due = 0
    for row in invoices:
        owed = row["total"] - paid.get(row["pk"], 0)
        if owed <= 0:
            continue
        days = (as_of - row["due_date"]).days
        key = _bucket(days)
        amounts[key] += owed
        counts[key] += 1
        if days <= 0:
            not_due += owed
    rows = [AgingRow(key, label, amounts[key], counts[key]) for key, _f, _l, label in AGING_BUCKETS]
    return Aging(as_of=as_of, rows=rows, not_due=not_due)


# ---------------------------------------------------------------- ranges a clerk types

def parse_date(value: str | dt.date, *, field_name: str = "date") -> dt.date:
    """What a clerk typed for `field_name`, read by the one date parser (`hamyar.core.jalali.parse_date`).

    Jalali (۱۴۰۵/۰۹/۰۳, 1405-09-03) or Gregorian (2026-11-24, 2026/11/24) by the four-digit year;
    anything else is an InvalidInput (422) on that field, with the message naming the expected form.
    """
    try:
        return parse_typed_date(value)
    except JalaliDateError as error:
        raise InvalidInput(error.message, extra={"fields": {field_name: [error.message]}}) from None


def jalali_month(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day (Gregorian) of a Jalali month: Esfand has 29 or 30 days."""
    first = jdatetime.date(year, month, 1)
    following = jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)
    return first.togregorian(), following.togregorian() - dt.timedelta(days=1)


def current_jalali_month(today: dt.date) -> tuple[dt.date, dt.date]:
    j = to_jalali(today)
    return jalali_month(j.year, j.month)


def statement_range(start: str | dt.date | None, end: str | dt.date | None, *,
                    today: dt.date) -> tuple[dt.date, dt.date]:
    """The range of `from`/`to` as typed; the current Jalali month when both are missing.

    A missing start is the first day of the end's Jalali month; a missing end the last day of the
    start's Jalali month.
    """
    start_date = parse_date(start, field_name="from") if start else None
    end_date = parse_date(end, field_name="to") if end else None
    if start_date is None and end_date is None:
        return current_jalali_month(today)
    if start_date is None:
        start_date = current_jalali_month(end_date)[0]
    if end_date is None:
        end_date = current_jalali_month(start_date)[1]
    if end_date < start_date:
        message = _("The end of the range cannot be before its start.")
        raise InvalidInput(message, extra={"fields": {"to": [str(message)]}})
    if (end_date - start_date).days > MAX_RANGE_DAYS:
        message = _("The range is too long (at most twenty years).")
        raise InvalidInput(message, extra={"fields": {"from": [str(message)]}})
    return start_date, end_date
