"""Human numbers for documents: «N-1405-00012» — prefix, Jalali year, a gap-free counter per year."""

from datetime import date

from django.db import connection
from django.utils import timezone

from .jalali import to_jalali
from .models import NumberSequence


def next_number(organization_id: int, prefix: str, *, on: date | None = None) -> str:
    """The next number of `prefix` in the organization; call inside the transaction that uses it.

    One statement: the year's counter row is inserted at 1 or, when it exists, incremented (an upsert
    with RETURNING, on PostgreSQL and on SQLite ≥ 3.35). The increment locks the row until the
    caller's transaction ends: two writers never get the same number, and a rolled-back write gives
    its number back. The year is the Jalali year of `on` (today in Tehran by default).
    """
    [number] = next_numbers(organization_id, prefix, 1, on=on)
    return number


def next_numbers(organization_id: int, prefix: str, count: int, *, on: date | None = None) -> list[str]:
    """`count` consecutive numbers of `prefix` in one statement (a batch, such as a group purchase's
    orders): the counter moves by `count` at once, under the same row lock as `next_number`."""
    if count < 1:
        return []
    year = to_jalali(on or timezone.localdate()).year
    quote = connection.ops.quote_name
    meta = NumberSequence._meta
    table = quote(meta.db_table)
    columns = {field.name: quote(str(field.column)) for field in meta.concrete_fields}
    organization, prefix_column, year_column, last = (
        columns[name] for name in ("organization", "prefix", "year", "last"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({organization}, {prefix_column}, {year_column}, {last}) "
            f"VALUES (%s, %s, %s, %s) ON CONFLICT ({organization}, {prefix_column}, {year_column}) "
            f"DO UPDATE SET {last} = {table}.{last} + %s RETURNING {last}",
            [organization_id, prefix, year, count, count],
        )
        (highest,) = cursor.fetchone()
    return [f"{prefix}-{year}-{number:05d}" for number in range(highest - count + 1, highest + 1)]
