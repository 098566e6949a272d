"""Human numbers for documents: «N-1405-00012» — prefix, Jalali year, a gap-free counter per year."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .jalali import to_jalali
from .models import NumberSequence


def next_number(organization_id: int, prefix: str, *, on: date | None = None) -> str:
    """The next number of `prefix` in the organization; call inside the transaction that uses it.

    The counter row is created once and then incremented with an UPDATE, which locks it until the
    caller's transaction ends: two writers never get the same number, and a rolled-back write
    gives its number back. The year is the Jalali year of `on` (today in Tehran by default).
    """
    year = to_jalali(on or timezone.localdate()).year
    with transaction.atomic():
        NumberSequence.objects.get_or_create(organization_id=organization_id, prefix=prefix, year=year)
        NumberSequence.objects.filter(organization_id=organization_id, prefix=prefix, year=year).update(
            last=F("last") + 1
        )
        last = NumberSequence.objects.get(organization_id=organization_id, prefix=prefix, year=year).last
    return f"{prefix}-{year}-{last:05d}"
